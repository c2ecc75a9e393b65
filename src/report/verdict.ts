import { ActionError } from '../lib/errors.js';
import type { Settings } from '../inputs/parse.js';
import type { Logger } from '../lib/log.js';
import type { PatchReport } from './model.js';

/** How many instance IDs a message lists before "and N more": a fleet of 10,000 must not make a 250 KB log line. */
const LISTED_IDS = 20;

/** The step's outcome from the report: throws the failure an operator acts on, warns about the rest. */
export function verdict(
  report: PatchReport,
  settings: Pick<Settings, 'waitTimeoutMinutes' | 'failOnMissing'>,
  log: Pick<Logger, 'warning'>,
): void {
  // Stopped waiting, cancelled, or states unreadable: the problem already names the execution, the request and what next.
  if (report.problem !== undefined) throw new ActionError(`${report.problem}${also(notStarted(report))}`);
  const timedOut = report.batches.find((b) => b.timedOut)?.execution;
  if (timedOut) {
    throw new ActionError(
      `Execution ${timedOut.executionId} did not end within wait-timeout-minutes (${settings.waitTimeoutMinutes}); last status ${timedOut.status}. ` +
        `Follow it at ${timedOut.consoleUrl}, or raise wait-timeout-minutes.${also(notStarted(report))}`,
    );
  }
  const failed = report.batches.find((b) => b.execution && b.execution.status !== 'Success')?.execution;
  if (failed) {
    throw new ActionError(
      `Execution ${failed.executionId} ended ${failed.status}${failed.statusMessage ? `: ${failed.statusMessage}` : ''}` +
        `${failed.requestId ? ` (status from request ID ${failed.requestId})` : ''}. ` +
        `The summary lists what failed on which instance; details: ${failed.consoleUrl}${also(notStarted(report))}`,
    );
  }
  if (report.stoppedEarly !== undefined) throw new ActionError(notStarted(report));
  if (report.unreported.length > 0) {
    log.warning(`No current patch state for ${report.unreported.length} instance(s): ${listIds(report.unreported)}`);
  }
  if (settings.failOnMissing && (report.nonCompliant.length > 0 || report.unreported.length > 0)) {
    const ids = [...report.nonCompliant, ...report.unreported];
    throw new ActionError(`fail-on-missing: ${ids.length} instance(s) are not compliant: ${listIds(ids)}`);
  }
}

/** "i-a, i-b, ... and 9980 more (all in the report file)" */
export function listIds(ids: readonly string[], max = LISTED_IDS): string {
  const shown = ids.slice(0, max).join(', ');
  return ids.length > max ? `${shown} and ${ids.length - max} more (all in the report file)` : shown;
}

/** "2 of 3 batches (1500 instances) were not started: <why>", or nothing. */
function notStarted(report: PatchReport): string {
  const skipped = report.batches.filter((b) => !b.execution);
  if (skipped.length === 0) return '';
  const instances = skipped.reduce((n, b) => n + b.instanceCount, 0);
  return `${skipped.length} of ${report.batches.length} batches (${instances} instances) were not started: ${report.stoppedEarly ?? ''}`;
}

function also(text: string): string {
  return text === '' ? '' : ` — ${text}`;
}
