import type { Clock } from './clock.js';
import { CancelledError } from './errors.js';

/**
 * The one retry loop. Each edge (Alibaba Cloud, approvals, pull request comments) brings its own policy: how many
 * attempts, the backoff, and a classifier that says which failures may pass next time.
 */

/** What the classifier says about one failure. */
export interface RetryDecision {
  retry: boolean;
  /** Wait this long instead of the backoff (a server's retry-after). */
  afterMs?: number;
}

/** One failed attempt, as the hooks see it. */
export interface FailedAttempt {
  error: unknown;
  /** 1-based. */
  attempt: number;
  attempts: number;
}

export interface RetryPolicy {
  /** Attempts in all, the first one included. */
  attempts: number;
  /** The first retry waits up to this long; each further one up to twice as long as the one before... */
  baseMs: number;
  /** ...but never more than this (full jitter: the wait is uniform in [0, min(cap, base * 2^n))). */
  capMs: number;
  classify: (error: unknown) => RetryDecision;
  /** Before the pause of a retry: the log line. */
  onRetry?: (failed: FailedAttempt, delayMs: number) => void;
  /** A failure that retrying could help, but the attempts are used up. */
  onGiveUp?: (failed: FailedAttempt) => void;
}

export interface RetryContext {
  clock: Clock;
  /** Uniform in [0, 1): Math.random in production, fixed in tests. */
  random: () => number;
  /** Aborted: no further attempt, no further sleep, and an attempt in flight is abandoned (see graceMs). */
  signal?: AbortSignal;
  /** How long an attempt in flight may still finish after the signal aborts. */
  graceMs?: number;
  /** Called as each attempt begins (1, 2, ...). */
  onAttempt?: (attempt: number) => void;
}

/** Full jitter: the pause before retry number `retry` (1 for the first), uniform under a doubling, capped ceiling. */
export function jitterMs(retry: number, policy: Pick<RetryPolicy, 'baseMs' | 'capMs'>, random: () => number): number {
  const ceiling = Math.min(policy.capMs, policy.baseMs * 2 ** (retry - 1));
  return Math.floor(random() * ceiling);
}

/**
 * Calls `call` (with the attempt number) until it succeeds, fails with an error the classifier will not retry, or
 * runs out of attempts: the error that ends it is the last one. An aborted signal ends it with CancelledError.
 */
export async function withRetry<T>(call: (attempt: number) => Promise<T>, ctx: RetryContext, policy: RetryPolicy): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    if (ctx.signal?.aborted) throw cancelledError(ctx.signal);
    ctx.onAttempt?.(attempt);
    try {
      return await abandonOnAbort(call(attempt), ctx);
    } catch (error) {
      const decision = policy.classify(error);
      if (!decision.retry) throw error;
      const failed: FailedAttempt = { error, attempt, attempts: policy.attempts };
      if (attempt >= policy.attempts) {
        policy.onGiveUp?.(failed);
        throw error;
      }
      if (ctx.signal?.aborted) throw cancelledError(ctx.signal);
      const delay = decision.afterMs ?? jitterMs(attempt, policy, ctx.random);
      policy.onRetry?.(failed, delay);
      await ctx.clock.sleep(delay, ctx.signal);
    }
  }
}

function cancelledError(signal: AbortSignal): CancelledError {
  const reason: unknown = signal.reason;
  return reason instanceof CancelledError ? reason : new CancelledError(String(reason));
}

/**
 * Settles with the call, or rejects with CancelledError once the signal aborts (after graceMs). The request itself
 * is not stopped, it is only no longer waited for.
 */
function abandonOnAbort<T>(pending: Promise<T>, ctx: RetryContext): Promise<T> {
  const signal = ctx.signal;
  const graceMs = ctx.graceMs ?? 0;
  if (!signal) return pending;
  return new Promise<T>((resolve, reject) => {
    let settled = false;
    const settle = (fn: () => void): void => {
      if (settled) return;
      settled = true;
      signal.removeEventListener('abort', onAbort);
      fn();
    };
    const giveUp = (): void => settle(() => reject(cancelledError(signal)));
    const onAbort = (): void => {
      if (graceMs <= 0) giveUp();
      else void ctx.clock.sleep(graceMs).then(giveUp);
    };
    pending.then(
      (value) => settle(() => resolve(value)),
      (err: Error) => settle(() => reject(err)),
    );
    if (signal.aborted) onAbort();
    else signal.addEventListener('abort', onAbort, { once: true });
  });
}

/** The reason a request-level timeout aborts with: classified like a request that got no answer. */
export class RequestTimeoutError extends Error {
  constructor(what: string, ms: number) {
    super(`${what}: no answer in ${Math.round(ms / 1000)} s`);
    this.name = 'TimeoutError';
  }
}

/**
 * Settles with `pending`, or rejects with the signal's reason once it aborts (a timeout): for a call that takes no
 * signal of its own (core.getIDToken). The call itself is not stopped, only no longer waited for.
 */
export function raceSignal<T>(pending: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason instanceof Error ? signal.reason : new Error(String(signal.reason)));
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(signal.reason instanceof Error ? signal.reason : new Error(String(signal.reason)));
    signal.addEventListener('abort', onAbort, { once: true });
    pending.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (err: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(err instanceof Error ? err : new Error(String(err)));
      },
    );
  });
}

/** A signal that aborts with RequestTimeoutError after `ms` of real time: the default request timeout of a GitHub edge. */
export function timeoutAfter(what: string, ms: number): AbortSignal {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(new RequestTimeoutError(what, ms)), ms);
  timer.unref?.();
  return controller.signal;
}
