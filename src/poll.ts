import type { Clock } from './clock.js';
import { type Execution, isTerminal } from './oos/types.js';

export interface WaitOptions {
  /** Give up after this long, measured from the start of the wait. */
  timeoutMs: number;
  /** The longest pause between two status checks. */
  maxIntervalMs: number;
  /** Called on the first status seen and on every change; not on every poll. */
  onStatusChange?: (execution: Execution, previous: string | undefined) => void;
}

export interface WaitResult {
  /** The last state seen. */
  execution: Execution;
  /** True when the deadline passed before a terminal status. */
  timedOut: boolean;
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

/** Polls until a terminal status or the deadline; logs only status changes through onStatusChange. */
export async function waitForExecution(getExecution: () => Promise<Execution>, options: WaitOptions, clock: Clock): Promise<WaitResult> {
  const start = clock.now();
  const deadline = start + options.timeoutMs;
  let polls = 0;
  let previous: string | undefined;
  for (;;) {
    const execution = await getExecution();
    polls += 1;
    if (execution.status !== previous) {
      options.onStatusChange?.(execution, previous);
      previous = execution.status;
    }
    if (isTerminal(execution.status)) return { execution, timedOut: false, polls };
    const now = clock.now();
    if (now >= deadline) return { execution, timedOut: true, polls };
    await clock.sleep(Math.min(pollDelayMs(now - start, options.maxIntervalMs), deadline - now));
  }
}
