import type { Clock } from './clock.js';
import { CloudError } from './cloud-error.js';
import { CancelledError } from './errors.js';
import { type Execution, isTerminal } from './oos/types.js';

export interface WaitOptions {
  /** Give up after this long, measured from the start of the wait. */
  timeoutMs: number;
  /** The longest pause between two status checks. */
  maxIntervalMs: number;
  /** The state known before the first check (from StartExecution): what the wait reports if no check ever succeeds. */
  initial?: Execution;
  /** Aborts the wait at once (the job is being cancelled). */
  signal?: AbortSignal;
  /** Called on the first status seen and on every change; not on every poll. */
  onStatusChange?: (execution: Execution, previous: string | undefined) => void;
  /**
   * Whether a failed status check is worth another one later (throttling, 5xx, network); such failures do not end
   * the wait, only the deadline does. Anything else (a denied permission, a malformed answer) ends it at once.
   */
  isTransient?: (err: CloudError) => boolean;
  /** Called on each failed check that the wait survives. */
  onPollError?: (err: CloudError) => void;
}

export interface WaitResult {
  /** The last state seen (or `initial` when no check succeeded). */
  execution: Execution;
  /** True when the deadline passed before a terminal status. */
  timedOut: boolean;
  /** True when the signal aborted the wait. */
  aborted: boolean;
  /** Set when a check failed in a way that ends the wait. */
  error?: CloudError;
  /** The last failed check, ended wait or not. */
  lastPollError?: CloudError;
  /** Status requests made. */
  polls: number;
}

/**
 * The pause before the next status check: short while the execution is young, so a quick execution is
 * seen soon after it ends, then growing with its age (a tenth of it) up to the configured maximum.
 */
export function pollDelayMs(elapsedMs: number, maxIntervalMs: number): number {
  return Math.max(1000, Math.min(maxIntervalMs, Math.round(elapsedMs / 10)));
}

/**
 * Polls until a terminal status, the deadline, the signal, or a failure that is not transient.
 * An unknown status counts as still running. Logs only status changes through onStatusChange.
 */
export async function waitForExecution(getExecution: () => Promise<Execution>, options: WaitOptions, clock: Clock): Promise<WaitResult> {
  const start = clock.now();
  const deadline = start + options.timeoutMs;
  let polls = 0;
  let previous: string | undefined;
  let execution = options.initial;
  let lastPollError: CloudError | undefined;
  const result = (extra: Partial<WaitResult>): WaitResult => {
    if (!execution) throw extra.error ?? lastPollError ?? new CancelledError();
    return { execution, timedOut: false, aborted: false, polls, ...(lastPollError ? { lastPollError } : {}), ...extra };
  };
  for (;;) {
    if (options.signal?.aborted) return result({ aborted: true });
    try {
      polls += 1;
      execution = await getExecution();
      if (execution.status !== previous) {
        options.onStatusChange?.(execution, previous);
        previous = execution.status;
      }
      if (isTerminal(execution.status)) return result({});
    } catch (err) {
      if (err instanceof CancelledError) return result({ aborted: true });
      if (!(err instanceof CloudError)) throw err;
      lastPollError = err;
      if (!options.isTransient?.(err)) return result({ error: err });
      options.onPollError?.(err);
    }
    const now = clock.now();
    if (now >= deadline) return result({ timedOut: true });
    await clock.sleep(Math.min(pollDelayMs(now - start, options.maxIntervalMs), deadline - now), options.signal);
  }
}
