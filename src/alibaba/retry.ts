import type { Clock } from '../lib/clock.js';
import { CloudError } from './cloud-error.js';
import { CancelledError } from '../lib/errors.js';

/**
 * The one retry policy of every Alibaba Cloud call. Small by design: a retried call costs seconds, not minutes,
 * and a longer outage is the poller's business (it keeps polling until its own deadline).
 * With these values the sleeps between 8 attempts add up to at most 16.2 s, 8.1 s on average.
 */
export interface RetryPolicy {
  /** Attempts in all, the first one included. */
  attempts: number;
  /** The first retry waits up to this long; each further one up to twice as long as the one before... */
  baseMs: number;
  /** ...but never more than this (full jitter: the wait is uniform in [0, min(cap, base * 2^n))). */
  capMs: number;
  /** `x-acs-retry-after` is honoured up to this long. */
  maxRetryAfterMs: number;
}

export const DEFAULT_RETRY_POLICY: Readonly<RetryPolicy> = Object.freeze({
  attempts: 8,
  baseMs: 200,
  capMs: 5000,
  maxRetryAfterMs: 30_000,
});

export interface RetryContext {
  clock: Clock;
  /** Uniform in [0, 1): Math.random in production, fixed in tests. */
  random: () => number;
  /** Where "attempt N of M" goes. */
  log: (message: string) => void;
  policy?: RetryPolicy;
  /** Aborted: no further attempt, no further sleep, and an attempt in flight is abandoned (see graceMs). */
  signal?: AbortSignal;
  /** Called as each attempt begins (1, 2, ...). */
  onAttempt?: (attempt: number) => void;
}

export interface CallOptions {
  /**
   * How long an attempt in flight may still finish after the signal aborts. StartExecution gets a moment,
   * so that an execution it may just have created is known, and can be cancelled, rather than abandoned.
   */
  graceMs?: number;
}

/** Transport failures: the request may or may not have reached the API; every call here is safe to repeat. */
const TRANSPORT_CODES: ReadonlySet<string> = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ECONNABORTED',
  'ETIMEDOUT',
  'EPIPE',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENETDOWN',
  'RequestTimeout',
  'InvalidResponseBody',
]);

const RETRYABLE_CODES: ReadonlySet<string> = new Set(['ServiceUnavailable', 'InternalError', 'Rejected.Throttling']);

/**
 * Whether repeating the call can help. Decided by the error code and HTTP status alone (never by class or message):
 * throttling, service-side failures (any 5xx), transport failures and timeouts; never another 4xx.
 */
export function isRetryable(err: CloudError): boolean {
  const code = err.code;
  if (TRANSPORT_CODES.has(code) || RETRYABLE_CODES.has(code)) return true;
  if (code === 'Throttling' || code.startsWith('Throttling.') || code.startsWith('ServiceUnavailable.')) return true;
  return err.statusCode !== undefined && err.statusCode >= 500 && err.statusCode < 600;
}

/** The pause before retry number `retry` (1 for the first retry). */
export function backoffMs(retry: number, err: CloudError, policy: RetryPolicy, random: () => number): number {
  if (err.retryAfterMs !== undefined && err.retryAfterMs >= 0) return Math.min(err.retryAfterMs, policy.maxRetryAfterMs);
  const ceiling = Math.min(policy.capMs, policy.baseMs * 2 ** (retry - 1));
  return Math.floor(random() * ceiling);
}

/**
 * Calls `call` until it succeeds, fails with an error that retrying cannot help, or runs out of attempts.
 * The error that ends it is the last one, with `attempts` set; a cancelled job ends it with CancelledError.
 */
export async function withRetry<T>(call: () => Promise<T>, ctx: RetryContext, options: CallOptions = {}): Promise<T> {
  const policy = ctx.policy ?? DEFAULT_RETRY_POLICY;
  for (let attempt = 1; ; attempt++) {
    throwIfCancelled(ctx.signal);
    ctx.onAttempt?.(attempt);
    try {
      return await abandonOnAbort(call(), ctx, options.graceMs ?? 0);
    } catch (err) {
      if (!(err instanceof CloudError)) throw err;
      err.attempts = attempt;
      const where = err.requestId ? `, request ID ${err.requestId}` : '';
      const what = `${err.operation} attempt ${attempt} of ${policy.attempts} failed: ${err.code}${err.statusCode ? ` (HTTP ${err.statusCode})` : ''}${where}`;
      if (!isRetryable(err)) throw err;
      if (attempt >= policy.attempts) {
        ctx.log(`${what}; giving up.`);
        throw err;
      }
      if (ctx.signal?.aborted) throw cancelledError(ctx.signal);
      const delay = backoffMs(attempt, err, policy, ctx.random);
      const why = err.retryAfterMs !== undefined ? ' as x-acs-retry-after asks' : '';
      ctx.log(`${what}; retrying in ${seconds(delay)}${why}.`);
      await ctx.clock.sleep(delay, ctx.signal);
    }
  }
}

/**
 * Wraps every method of an API object (OosApi, EcsApi, ...) with withRetry: the single place where Alibaba calls are
 * retried. Every method must be safe to repeat; StartExecution is, through its ClientToken.
 */
export function retrying<T extends object>(api: T, ctx: RetryContext, perMethod: Partial<Record<keyof T, CallOptions>> = {}): T {
  const wrapped: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(api)) {
    if (typeof value !== 'function') {
      wrapped[name] = value;
      continue;
    }
    const method = value as (...args: unknown[]) => Promise<unknown>;
    const options = perMethod[name as keyof T] ?? {};
    wrapped[name] = (...args: unknown[]) => withRetry(() => method.apply(api, args), ctx, options);
  }
  return wrapped as T;
}

function throwIfCancelled(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw cancelledError(signal);
}

function cancelledError(signal: AbortSignal): CancelledError {
  const reason: unknown = signal.reason;
  return reason instanceof CancelledError ? reason : new CancelledError(String(reason));
}

/**
 * Settles with the call, or rejects with CancelledError once the signal aborts (after graceMs). The request itself
 * is not stopped (the SDK cannot), it is only no longer waited for.
 */
function abandonOnAbort<T>(pending: Promise<T>, ctx: RetryContext, graceMs: number): Promise<T> {
  const signal = ctx.signal;
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

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}
