import { ActionError } from '../lib/errors.js';
import type { Settings } from '../inputs/parse.js';
import { sameEnvironment } from './decide.js';
import type { ApprovalRecord, Decision } from './types.js';

declare const cleared: unique symbol;

/**
 * Permission to start an execution. The only way to StartExecution is through one of these, and only this
 * module makes them: a scan needs nothing, an install needs a positive approval decision for its environment.
 */
export interface Clearance {
  readonly [cleared]: true;
  readonly settings: Settings;
  /** Present exactly for an install. */
  readonly approval?: ApprovalRecord;
}

// Structural copies (a cast, a spread) are not in here, so they are refused at run time as well.
const issued = new WeakSet<object>();

function issue(settings: Settings, approval?: ApprovalRecord): Clearance {
  const clearance = Object.freeze(approval ? { settings, approval } : { settings }) as unknown as Clearance;
  issued.add(clearance);
  return clearance;
}

export function clearScan(settings: Settings): Clearance {
  if (settings.action !== 'scan' || settings.install || settings.approval) {
    throw new ActionError(`Internal error: a ${settings.action} cannot be cleared as a scan.`);
  }
  return issue(settings);
}

export function clearInstall(settings: Settings, decision: Extract<Decision, { approved: true }>): Clearance {
  const wanted = settings.approval?.environment;
  const record = decision.record as ApprovalRecord | undefined;
  if (
    settings.action !== 'install' ||
    decision.approved !== true ||
    wanted === undefined ||
    record === undefined ||
    !sameEnvironment(record.environment, wanted) ||
    record.reviewers.length === 0
  ) {
    throw new ActionError('Internal error: an install was about to be cleared without an approval for its environment; nothing started.');
  }
  return issue(settings, record);
}

/**
 * What to start: the cleared settings narrowed to `targets` (pre-flight may leave instances out, never add
 * one). Throws unless this module issued the clearance.
 */
export function clearedSettings(clearance: Clearance, targets: readonly string[]): Settings {
  if (!issued.has(clearance)) throw new ActionError('Internal error: StartExecution without a clearance; nothing started.');
  const cleared = new Set(clearance.settings.instanceIds);
  const extra = targets.filter((id) => !cleared.has(id));
  if (extra.length > 0) throw new ActionError(`Internal error: ${extra.join(', ')} not cleared for StartExecution; nothing started.`);
  return { ...clearance.settings, instanceIds: [...targets] };
}
