import type { PatchCounts } from '../alibaba/oos/types.js';

/** Patch counts of nothing: the start of a sum. */
export const ZERO_COUNTS: PatchCounts = Object.freeze({
  installed: 0,
  installedOther: 0,
  installedPendingReboot: 0,
  installedRejected: 0,
  missing: 0,
  failed: 0,
});

/**
 * Missing, failed, pending-reboot or installed-but-rejected patches: the operator has something to do. A rejected
 * patch that is installed makes an instance non-compliant, as Alibaba's own compliance-rule sample counts it.
 */
export function needsAttention(counts: PatchCounts): boolean {
  return counts.missing > 0 || counts.failed > 0 || counts.installedPendingReboot > 0 || counts.installedRejected > 0;
}

/** Two instances' (or batches') counts added up. */
export function addCounts(a: PatchCounts, b: PatchCounts): PatchCounts {
  return {
    installed: a.installed + b.installed,
    installedOther: a.installedOther + b.installedOther,
    installedPendingReboot: a.installedPendingReboot + b.installedPendingReboot,
    installedRejected: a.installedRejected + b.installedRejected,
    missing: a.missing + b.missing,
    failed: a.failed + b.failed,
  };
}
