/**
 * ListInstancePatches data: deterministic, plausible patches generated from an instance's current patch counts
 * (the fleet's PatchState), so the list always agrees with ListInstancePatchStates. Linux and Windows differ in
 * IDs, titles, classifications and severities the way the real baselines do.
 */
import { createHash } from 'node:crypto';
import type { InstanceSpec, PatchState } from './fleet.js';
import { isoDate } from './util.js';

export type PatchStatus = 'Installed' | 'InstalledOther' | 'InstalledPendingReboot' | 'InstalledRejected' | 'Missing' | 'Failed';

export const PATCH_STATUSES: readonly PatchStatus[] = [
  'Installed',
  'InstalledOther',
  'InstalledPendingReboot',
  'InstalledRejected',
  'Missing',
  'Failed',
];

export interface PatchRecord {
  KBId: string;
  Title: string;
  Classification: string;
  Severity: string;
  Status: PatchStatus;
  /** Empty for patches not installed. */
  InstalledTime: string;
}

const COUNT_OF: Record<PatchStatus, keyof PatchState> = {
  Installed: 'installed',
  InstalledOther: 'installedOther',
  InstalledPendingReboot: 'installedPendingReboot',
  InstalledRejected: 'installedRejected',
  Missing: 'missing',
  Failed: 'failed',
};

const LINUX_PACKAGES = ['openssl-libs', 'kernel', 'glibc', 'systemd', 'curl', 'sudo', 'openssh-server', 'python3', 'bind-libs', 'libxml2'];
const LINUX_CLASSES = ['Security', 'Security', 'Bugfix', 'Enhancement'];
const LINUX_SEVERITIES = ['Critical', 'Important', 'Moderate', 'Low'];
const WINDOWS_KINDS = [
  ['SecurityUpdates', 'Cumulative Update for Windows Server 2022 for x64-based Systems'],
  ['SecurityUpdates', 'Security Update for Microsoft .NET Framework 4.8'],
  ['CriticalUpdates', 'Servicing Stack Update for Windows Server 2022'],
  ['Updates', 'Update for Microsoft Defender Antivirus antimalware platform'],
] as const;
const WINDOWS_SEVERITIES = ['Critical', 'Important', 'Moderate', 'Low', 'Unspecified'];

/** Every patch of an instance with one of the given statuses, in a stable order. */
export function patchesOf(
  instanceId: string,
  spec: InstanceSpec | undefined,
  state: PatchState,
  statuses: readonly PatchStatus[],
): PatchRecord[] {
  const windows = (spec?.os ?? 'linux') === 'windows';
  return statuses.flatMap((status) => {
    const count = Number(state[COUNT_OF[status]]) || 0;
    return Array.from({ length: count }, (_, n) => {
      const h = createHash('sha256').update(`${instanceId}/${status}/${n}`).digest();
      const pick = <T>(list: readonly T[], byte: number): T => list[(h[byte] ?? 0) % list.length] as T;
      const installed = status.startsWith('Installed') ? isoDate(state.operationEndTime) : '';
      const custom = spec?.patchTitle ? `${spec.patchTitle} #${n + 1}` : undefined;
      if (windows) {
        const kb = `KB50${String(((h[0] ?? 0) * 256 + (h[1] ?? 0)) % 100000).padStart(5, '0')}`;
        const [classification, what] = pick(WINDOWS_KINDS, 2);
        return {
          KBId: kb,
          Title: custom ?? `2026-11 ${what} (${kb})`,
          Classification: classification,
          Severity: pick(WINDOWS_SEVERITIES, 3),
          Status: status,
          InstalledTime: installed,
        };
      }
      const pkg = pick(LINUX_PACKAGES, 2);
      const advisory = `ALINUX3-SA-2026:${String(((h[0] ?? 0) * 256 + (h[1] ?? 0)) % 10000).padStart(4, '0')}`;
      return {
        KBId: advisory,
        Title: custom ?? `${pkg}-${1 + ((h[4] ?? 0) % 5)}.${(h[5] ?? 0) % 20}.${(h[6] ?? 0) % 40}-${1 + ((h[7] ?? 0) % 30)}.al8.x86_64`,
        Classification: pick(LINUX_CLASSES, 3),
        Severity: pick(LINUX_SEVERITIES, 8),
        Status: status,
        InstalledTime: installed,
      };
    });
  });
}
