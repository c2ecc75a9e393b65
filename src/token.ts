import { createHash } from 'node:crypto';
import type { Settings } from './inputs.js';

/** What the token covers: the request as sent. `instanceIds` are the instances actually sent (after pre-flight). */
export type TokenRequest = Pick<Settings, 'action' | 'region' | 'instanceIds' | 'install'>;

/**
 * The idempotency token for StartExecution, documented in the README so an operator can recompute it:
 * `patch-` + the first 32 hex characters of SHA-256 over
 * `<runId>|<action>|<region>|<sorted IDs joined by ",">|<rebootIfNeed>|<whetherCreateSnapshot>|<retentionDays>`,
 * the last three empty for a scan. The run attempt is left out on purpose: a re-run converges on the same execution.
 * The IDs are the ones sent to StartExecution: with `on-unavailable: skip` that is the instances that passed
 * pre-flight, so a re-run that finds a different set of ready instances starts a new execution for that set
 * (instead of OOS rejecting the same token with other parameters).
 */
export function clientToken(runId: string, settings: TokenRequest): string {
  return `patch-${sha256Hex(tokenSource(runId, settings)).slice(0, 32)}`;
}

/** The exact string that is hashed into the token. */
export function tokenSource(runId: string, settings: TokenRequest): string {
  const ids = [...settings.instanceIds].sort().join(',');
  const install = settings.install;
  const knobs = install ? [String(install.rebootIfNeed), String(install.createSnapshot), String(install.retentionDays)] : ['', '', ''];
  return [runId, settings.action, settings.region, ids, ...knobs].join('|');
}

function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}
