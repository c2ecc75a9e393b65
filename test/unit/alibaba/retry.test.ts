import { describe, expect, it } from 'vitest';
import type { Clock } from '../../../src/lib/clock.js';
import { CloudError } from '../../../src/alibaba/cloud-error.js';
import { CancelledError } from '../../../src/lib/errors.js';
import {
  backoffMs,
  DEFAULT_RETRY_POLICY,
  isRetryable,
  type CloudRetryContext,
  retrying,
  withCloudRetry,
} from '../../../src/alibaba/retry.js';
import { virtualClock } from '../../fakes/runtime.js';

function context(
  overrides: Partial<CloudRetryContext> = {},
): CloudRetryContext & { clock: ReturnType<typeof virtualClock>; logs: string[] } {
  const logs: string[] = [];
  return { clock: virtualClock(0), random: () => 0.5, log: (m) => logs.push(m), logs, ...overrides } as CloudRetryContext & {
    clock: ReturnType<typeof virtualClock>;
    logs: string[];
  };
}

const err = (code: string, statusCode?: number, requestId = 'REQ-1'): CloudError =>
  new CloudError('ListExecutions', code, 'detail', statusCode, requestId);

/** A call that fails with the given errors in turn, then returns 'ok'. */
function failing(...errors: Error[]): (() => Promise<string>) & { calls: number } {
  const fn = Object.assign(
    () => {
      const e = errors[fn.calls];
      fn.calls += 1;
      return e === undefined ? Promise.resolve('ok') : Promise.reject(e);
    },
    { calls: 0 },
  );
  return fn;
}

describe('isRetryable', () => {
  it.each([
    ['Throttling', 400],
    ['Throttling.User', 400],
    ['Throttling.Api', 503],
    ['Rejected.Throttling', 400],
    ['ServiceUnavailable', 503],
    ['InternalError', 500],
    ['SomethingNew', 502],
    ['HTTP504', 504],
    ['ECONNRESET', undefined],
    ['ECONNREFUSED', undefined],
    ['ETIMEDOUT', undefined],
    ['EPIPE', undefined],
    ['RequestTimeout', undefined],
    ['InvalidResponseBody', undefined],
  ])('retries %s (HTTP %s)', (code, status) => {
    expect(isRetryable(err(code, status))).toBe(true);
  });

  it.each([
    ['InvalidParameter', 400],
    ['Forbidden.RAM', 403],
    ['EntityNotExists.Template', 404],
    ['IdempotentParameterMismatch', 400],
    ['InvalidAccessKeyId.NotFound', 404],
    ['SignatureDoesNotMatch', 400],
    ['MalformedResponse', undefined],
    ['ThrottlingIsNotAPrefixHere', 400],
    ['ENOTFOUND', undefined],
  ])('does not retry %s (HTTP %s)', (code, status) => {
    expect(isRetryable(err(code, status))).toBe(false);
  });
});

describe('backoffMs', () => {
  const policy = DEFAULT_RETRY_POLICY;
  it('is full jitter under an exponential ceiling with a cap', () => {
    const top = (retry: number): number => backoffMs(retry, err('InternalError', 500), policy, () => 0.999999);
    const ceilings = [1, 2, 3, 4, 5, 6, 7].map((r) => Math.min(policy.capMs, policy.baseMs * 2 ** (r - 1)));
    expect([1, 2, 3, 4, 5, 6, 7].map(top)).toEqual(ceilings.map((c) => Math.floor(c * 0.999999)));
    expect(backoffMs(3, err('InternalError', 500), policy, () => 0)).toBe(0);
    expect(backoffMs(3, err('InternalError', 500), policy, () => 0.5)).toBe((policy.baseMs * 4) / 2);
  });

  it('honours x-acs-retry-after, up to its own cap', () => {
    const throttled = err('Throttling.User', 400);
    throttled.retryAfterMs = 1500;
    expect(backoffMs(1, throttled, policy, () => 0)).toBe(1500);
    throttled.retryAfterMs = 10 * 60_000;
    expect(backoffMs(1, throttled, policy, () => 0)).toBe(policy.maxRetryAfterMs);
  });
});

describe('withCloudRetry', () => {
  it('retries transient failures and logs "attempt N of M" with the request ID', async () => {
    const ctx = context();
    const call = failing(err('Throttling.User', 400, 'R-A'), err('ECONNRESET'), err('InternalError', 500, 'R-C'));
    await expect(withCloudRetry(call, ctx)).resolves.toBe('ok');
    expect(call.calls).toBe(4);
    expect(ctx.clock.slept).toHaveLength(3);
    const m = DEFAULT_RETRY_POLICY.attempts;
    expect(ctx.logs[0]).toBe(`ListExecutions attempt 1 of ${m} failed: Throttling.User (HTTP 400), request ID R-A; retrying in 0.1 s.`);
    expect(ctx.logs[1]).toContain(`attempt 2 of ${m} failed: ECONNRESET, request ID REQ-1`);
    expect(ctx.logs[2]).toContain(`attempt 3 of ${m} failed: InternalError (HTTP 500)`);
  });

  it('never retries another 4xx', async () => {
    const ctx = context();
    const denied = err('Forbidden.RAM', 403);
    const call = failing(denied);
    await expect(withCloudRetry(call, ctx)).rejects.toBe(denied);
    expect(call.calls).toBe(1);
    expect(denied.attempts).toBe(1);
    expect(ctx.logs).toEqual([]);
  });

  it('does not retry what is not a CloudError (a bug is not transient)', async () => {
    const ctx = context();
    const call = failing(new TypeError('x is undefined'));
    await expect(withCloudRetry(call, ctx)).rejects.toThrow(TypeError);
    expect(call.calls).toBe(1);
  });

  it('gives up after the last attempt with the last error, attempts recorded', async () => {
    const policy = { ...DEFAULT_RETRY_POLICY, attempts: 4 };
    const ctx = context({ policy });
    const errors = [1, 2, 3, 4, 5].map((i) => err('ServiceUnavailable', 503, `R-${i}`));
    const call = failing(...errors);
    const failure = await withCloudRetry(call, ctx).catch((e: unknown) => e);
    expect(failure).toBe(errors[3]);
    expect((failure as CloudError).attempts).toBe(4);
    expect(call.calls).toBe(4);
    expect(ctx.clock.slept).toHaveLength(3);
    expect(ctx.logs.at(-1)).toContain('attempt 4 of 4 failed: ServiceUnavailable (HTTP 503), request ID R-4; giving up.');
  });

  it('sleeps what x-acs-retry-after asks', async () => {
    const ctx = context();
    const throttled = err('Throttling.User', 400);
    throttled.retryAfterMs = 2500;
    await withCloudRetry(failing(throttled), ctx);
    expect(ctx.clock.slept).toEqual([2500]);
    expect(ctx.logs[0]).toContain('retrying in 2.5 s as x-acs-retry-after asks');
  });

  it('stops at once when the job is cancelled: no attempt, no sleep', async () => {
    const controller = new AbortController();
    controller.abort(new CancelledError('SIGINT'));
    const ctx = context({ signal: controller.signal });
    const call = failing();
    await expect(withCloudRetry(call, ctx)).rejects.toThrow('SIGINT');
    expect(call.calls).toBe(0);
  });

  it('abandons an attempt in flight when the job is cancelled', async () => {
    const controller = new AbortController();
    const ctx = context({ signal: controller.signal, clock: { ...virtualClock(0), sleep: () => new Promise(() => undefined) } as never });
    const never = (): Promise<string> => new Promise(() => undefined);
    const pending = withCloudRetry(never, ctx);
    controller.abort(new CancelledError('SIGTERM'));
    await expect(pending).rejects.toBeInstanceOf(CancelledError);
  });

  it('lets an attempt in flight finish within graceMs after cancellation', async () => {
    const controller = new AbortController();
    let finish: (v: string) => void = () => undefined;
    let graceOver: () => void = () => undefined;
    const clock: Clock = { now: () => 0, sleep: () => new Promise<void>((r) => (graceOver = r)) };
    const ctx = context({ signal: controller.signal, clock });
    const pending = withCloudRetry(() => new Promise<string>((r) => (finish = r)), ctx, { graceMs: 1500 });
    controller.abort(new CancelledError());
    finish('exec-1');
    await expect(pending).resolves.toBe('exec-1');

    const late = withCloudRetry(() => new Promise<string>(() => undefined), ctx, { graceMs: 1500 });
    await Promise.resolve();
    graceOver();
    await expect(late).rejects.toBeInstanceOf(CancelledError);
  });

  it('does not retry after a cancellation that came during the attempt', async () => {
    const controller = new AbortController();
    const ctx = context({ signal: controller.signal });
    let calls = 0;
    const call = (): Promise<string> => {
      calls += 1;
      controller.abort(new CancelledError());
      return Promise.reject(err('InternalError', 500));
    };
    await expect(withCloudRetry(call, ctx, { graceMs: 1000 })).rejects.toBeInstanceOf(CancelledError);
    expect(calls).toBe(1);
  });
});

describe('retrying', () => {
  it('wraps every method of an API object, keeping `this` and arguments', async () => {
    const ctx = context();
    const api = {
      prefix: 'exec-',
      failures: 2,
      get(id: string): Promise<string> {
        if (this.failures-- > 0) return Promise.reject(err('Throttling.User', 400));
        return Promise.resolve(this.prefix + id);
      },
    };
    const wrapped = retrying(api, ctx);
    await expect(wrapped.get('1')).resolves.toBe('exec-1');
    expect(ctx.logs).toHaveLength(2);
    expect(wrapped.prefix).toBe('exec-');
  });
});
