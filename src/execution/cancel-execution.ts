import type { Clock } from '../lib/clock.js';
import { CloudError } from '../alibaba/cloud-error.js';
import { CancelledError } from '../lib/errors.js';
import { type Execution, isTerminal, type OosApi } from '../alibaba/oos/types.js';
import { waitForExecution } from './poll.js';

/** After CancelExecution, how long to wait for the execution to report Cancelled (when the job is not being cancelled). */
export const CANCEL_SETTLE_MS = 30_000;

export interface CancelOutcome {
  /** The last state seen: Cancelled when it worked, or whatever it ended with first. */
  execution: Execution;
  /** CancelExecution was accepted. */
  requested: boolean;
  /** The request ID of the accepted CancelExecution. */
  requestId?: string;
  /** Why the cancel or the status read after it failed. */
  error?: CloudError | CancelledError;
}

export interface CancelOptions {
  clock: Clock;
  /** How long to wait for a terminal status after the cancel was accepted. */
  settleMs: number;
  /** Ends the cancel and the wait early (the cleanup budget of a cancelled job). */
  signal?: AbortSignal;
  log: (message: string) => void;
}

/**
 * Cancels an execution that has not ended, then waits briefly for it to say so. Never throws a cloud failure:
 * the caller reports what happened, whatever it was.
 */
export async function cancelExecution(oos: OosApi, last: Execution, options: CancelOptions): Promise<CancelOutcome> {
  if (isTerminal(last.status)) return { execution: last, requested: false };
  let requestId: string | undefined;
  try {
    requestId = (await oos.cancelExecution(last.executionId)).requestId;
    options.log(`Cancellation of execution ${last.executionId} requested${requestId ? ` (request ID ${requestId})` : ''}.`);
  } catch (err) {
    if (!(err instanceof CloudError || err instanceof CancelledError)) throw err;
    // It may have ended on its own meanwhile (OOS refuses to cancel an ended execution): look before reporting a failure.
    const now = await readQuietly(oos, last);
    return { execution: now, requested: false, ...(isTerminal(now.status) ? {} : { error: err }) };
  }
  const waited = await waitForExecution(
    () => oos.getExecution(last.executionId),
    { timeoutMs: options.settleMs, maxIntervalMs: 2000, initial: last, ...(options.signal ? { signal: options.signal } : {}) },
    options.clock,
  );
  const outcome: CancelOutcome = { execution: waited.execution, requested: true };
  if (requestId) outcome.requestId = requestId;
  if (waited.error) outcome.error = waited.error;
  return outcome;
}

async function readQuietly(oos: OosApi, last: Execution): Promise<Execution> {
  try {
    return await oos.getExecution(last.executionId);
  } catch {
    return last;
  }
}
