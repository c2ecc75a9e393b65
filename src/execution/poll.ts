import type { Clock } from '../lib/clock.js';
import { CloudError } from '../alibaba/cloud-error.js';
import { CancelledError } from '../lib/errors.js';
import { type Execution, isTerminal } from '../alibaba/oos/types.js';

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
 * The status-check schedule, by the execution's age (time since the wait began). Two targets pull against each
 * other: see a finished execution within 3 s, and make at most 12 checks a minute once it has run a minute.
 * A check every d seconds means a worst-case lag of d and 60/d checks a minute, so no single interval meets
 * both (lag < 3 s needs d < 3, i.e. 20+ checks a minute). The schedule meets each where it matters:
 *
 * | age          | pause                                   | worst lag | checks per minute |
 * |--------------|-----------------------------------------|-----------|-------------------|
 * | 0 to 10 s    | 1 s                                     | 1 s       | 60                |
 * | 10 s to 1 min| 2 s                                     | 2 s       | 30                |
 * | 1 to 10 min  | 5 s                                     | 5 s (2.5 s on average) | 12   |
 * | after 10 min | grows by 1 s every 2 min (age / 120)    | the pause | fewer             |
 *
 * Every pause is capped by poll-interval-seconds, the longest pause: it never makes checks rarer than this
 * schedule, only more frequent (a ceiling of 3 s keeps the worst lag under 3 s at 20 checks a minute).
 */
export const POLL_SCHEDULE = Object.freeze({
  /** 1 s pauses until this age... */
  fastUntilMs: 10_000,
  fastMs: 1000,
  /** ...then 2 s pauses until this age... */
  quickUntilMs: 60_000,
  quickMs: 2000,
  /** ...then 5 s (12 checks a minute) until this age... */
  steadyUntilMs: 10 * 60_000,
  steadyMs: 5000,
  /** ...then age / 120: 5 s at 10 min, 10 s at 20 min, 30 s at an hour. */
  slowDivisor: 120,
});

/** The pause before the next status check, for an execution `elapsedMs` old; never above `maxIntervalMs`. */
export function pollDelayMs(elapsedMs: number, maxIntervalMs: number): number {
  const s = POLL_SCHEDULE;
  const scheduled =
    elapsedMs < s.fastUntilMs
      ? s.fastMs
      : elapsedMs < s.quickUntilMs
        ? s.quickMs
        : elapsedMs < s.steadyUntilMs
          ? s.steadyMs
          : Math.max(s.steadyMs, Math.round(elapsedMs / s.slowDivisor));
  return Math.max(1, Math.min(maxIntervalMs, scheduled));
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
