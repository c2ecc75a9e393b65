import { type FailedAttempt, jitterMs, type RetryContext, type RetryDecision, withRetry } from '../lib/retry.js';
import { CloudError } from './cloud-error.js';

/**
 * The retry policy of every Alibaba Cloud call, on the one retry helper (lib/retry.ts). Small by design: a retried
 * call costs seconds, not minutes, and a longer outage is the poller's business (it keeps polling until its own
 * deadline). With these values the sleeps between 8 attempts add up to at most 16.2 s, 8.1 s on average.
 */
export interface CloudRetryPolicy {
  /** Attempts in all, the first one included. */
  attempts: number;
  /** The first retry waits up to this long; each further one up to twice as long as the one before... */
  baseMs: number;
  /** ...but never more than this (full jitter: the wait is uniform in [0, min(cap, base * 2^n))). */
  capMs: number;
  /** `x-acs-retry-after` is honoured up to this long. */
  maxRetryAfterMs: number;
}

export const DEFAULT_RETRY_POLICY: Readonly<CloudRetryPolicy> = Object.freeze({
  attempts: 8,
  baseMs: 200,
  capMs: 5000,
  maxRetryAfterMs: 30_000,
});

export interface CloudRetryContext extends Omit<RetryContext, 'graceMs'> {
  /** Where "attempt N of M" goes. */
  log: (message: string) => void;
  policy?: CloudRetryPolicy;
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
export function backoffMs(retry: number, err: CloudError, policy: CloudRetryPolicy, random: () => number): number {
  return retryAfterMs(err, policy) ?? jitterMs(retry, policy, random);
}

function retryAfterMs(err: CloudError, policy: CloudRetryPolicy): number | undefined {
  return err.retryAfterMs !== undefined && err.retryAfterMs >= 0 ? Math.min(err.retryAfterMs, policy.maxRetryAfterMs) : undefined;
}

/** Only a CloudError that isRetryable is retried: anything else is a bug, and a bug is not transient. */
function classify(err: unknown, policy: CloudRetryPolicy): RetryDecision {
  if (!(err instanceof CloudError) || !isRetryable(err)) return { retry: false };
  const after = retryAfterMs(err, policy);
  return after === undefined ? { retry: true } : { retry: true, afterMs: after };
}

/**
 * Calls `call` until it succeeds, fails with an error that retrying cannot help, or runs out of attempts.
 * The error that ends it is the last one, with `attempts` set; a cancelled job ends it with CancelledError.
 */
export function withCloudRetry<T>(call: () => Promise<T>, ctx: CloudRetryContext, options: CallOptions = {}): Promise<T> {
  const policy = ctx.policy ?? DEFAULT_RETRY_POLICY;
  const counted = async (attempt: number): Promise<T> => {
    try {
      return await call();
    } catch (err) {
      if (err instanceof CloudError) err.attempts = attempt;
      throw err;
    }
  };
  return withRetry(
    counted,
    { ...ctx, ...(options.graceMs !== undefined ? { graceMs: options.graceMs } : {}) },
    {
      attempts: policy.attempts,
      baseMs: policy.baseMs,
      capMs: policy.capMs,
      classify: (err) => classify(err, policy),
      onRetry: (failed, delay) => {
        const why = (failed.error as CloudError).retryAfterMs !== undefined ? ' as x-acs-retry-after asks' : '';
        ctx.log(`${failure(failed)}; retrying in ${seconds(delay)}${why}.`);
      },
      onGiveUp: (failed) => ctx.log(`${failure(failed)}; giving up.`),
    },
  );
}

/** `<Op> attempt N of M failed: <code> (HTTP <status>), request ID <id>` */
function failure({ error, attempt, attempts }: FailedAttempt): string {
  const err = error as CloudError;
  const where = err.requestId ? `, request ID ${err.requestId}` : '';
  return `${err.operation} attempt ${attempt} of ${attempts} failed: ${err.code}${err.statusCode ? ` (HTTP ${err.statusCode})` : ''}${where}`;
}

/**
 * Wraps every method of an API object (OosApi, EcsApi, ...) with withCloudRetry: the single place where Alibaba
 * calls are retried. Every method must be safe to repeat; StartExecution is, through its ClientToken.
 */
export function retrying<T extends object>(api: T, ctx: CloudRetryContext, perMethod: Partial<Record<keyof T, CallOptions>> = {}): T {
  const wrapped: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(api)) {
    if (typeof value !== 'function') {
      wrapped[name] = value;
      continue;
    }
    const method = value as (...args: unknown[]) => Promise<unknown>;
    const options = perMethod[name as keyof T] ?? {};
    wrapped[name] = (...args: unknown[]) => withCloudRetry(() => method.apply(api, args), ctx, options);
  }
  return wrapped as T;
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}
