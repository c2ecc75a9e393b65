import { CancelledError } from '../lib/errors.js';

/**
 * Job cancellation, at the edge. When a job is cancelled (or a step times out) the runner sends SIGINT, then SIGTERM
 * 7.5 s later, then kills the process tree 2.5 s after that. The action turns the first signal into an aborted
 * AbortSignal, which every wait and every retry observes; the run then cancels the execution, writes what it knows,
 * and must be gone within EXIT_WITHIN_MS, whatever is still in flight.
 */
export const EXIT_WITHIN_MS = 5000;

/** Time after the signal for cleanup calls (CancelExecution, one status read); the rest is for writing the summary. */
export const CLEANUP_BUDGET_MS = 3000;

/** A watchdog exits the process this long after the signal, if the run has not finished by then. */
export const WATCHDOG_MS = 4500;

export interface JobCancellation {
  /** Aborts, with a CancelledError as its reason, when the runner signals the process. */
  readonly signal: AbortSignal;
  /** An AbortSignal for cleanup calls made after cancellation: it aborts when the cleanup budget is spent. */
  cleanupSignal(): AbortSignal;
  /** Call once the run is over: stops listening, and exits at once if the job was cancelled (in-flight requests must not hold the process). */
  close(): void;
}

/** What of `process` this module uses; tests pass a fake. */
export interface SignalTarget {
  on(event: 'SIGINT' | 'SIGTERM', listener: (signal: NodeJS.Signals) => void): unknown;
  off(event: 'SIGINT' | 'SIGTERM', listener: (signal: NodeJS.Signals) => void): unknown;
  exit(code?: number): never | void;
  exitCode?: number | string | null | undefined;
}

export interface WatchOptions {
  log: (message: string) => void;
  now?: () => number;
  setTimer?: (fn: () => void, ms: number) => { unref(): unknown };
}

export function watchJobCancellation(target: SignalTarget, options: WatchOptions): JobCancellation {
  const controller = new AbortController();
  const now = options.now ?? Date.now;
  const setTimer = options.setTimer ?? ((fn, ms) => setTimeout(fn, ms));
  let cancelledAt: number | undefined;

  const onSignal = (signal: NodeJS.Signals): void => {
    if (controller.signal.aborted) {
      options.log(`Received ${signal} again; still cleaning up (exiting within ${EXIT_WITHIN_MS / 1000} s of the first signal).`);
      return;
    }
    cancelledAt = now();
    options.log(`Received ${signal}: the job is being cancelled. Stopping the wait and cleaning up.`);
    controller.abort(new CancelledError(`the job was cancelled (${signal})`));
    // Unref'd: it only matters if something (a request in flight) keeps the process alive past the deadline.
    setTimer(() => {
      options.log('Cleanup did not finish in time; exiting now.');
      target.exit(1);
    }, WATCHDOG_MS).unref();
  };
  target.on('SIGINT', onSignal);
  target.on('SIGTERM', onSignal);

  return {
    signal: controller.signal,
    cleanupSignal() {
      const left = cancelledAt === undefined ? CLEANUP_BUDGET_MS : cancelledAt + CLEANUP_BUDGET_MS - now();
      return left > 0 ? AbortSignal.timeout(left) : AbortSignal.abort(new CancelledError('the cleanup time after cancellation is spent'));
    },
    close() {
      target.off('SIGINT', onSignal);
      target.off('SIGTERM', onSignal);
      if (controller.signal.aborted) target.exit(Number(target.exitCode ?? 0));
    },
  };
}
