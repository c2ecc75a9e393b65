import { describe, expect, it } from 'vitest';
import { CancelledError } from '../../../src/lib/errors.js';
import { type FailedAttempt, jitterMs, type RetryContext, type RetryPolicy, withRetry } from '../../../src/lib/retry.js';
import { virtualClock } from '../../fakes/runtime.js';

class Transient extends Error {}

/** Retries Transient only; the hooks record what they were told. */
function policy(overrides: Partial<RetryPolicy> = {}): RetryPolicy & { retried: Array<[number, number]>; gaveUp: FailedAttempt[] } {
  const retried: Array<[number, number]> = [];
  const gaveUp: FailedAttempt[] = [];
  return {
    attempts: 4,
    baseMs: 100,
    capMs: 250,
    classify: (err) => ({ retry: err instanceof Transient }),
    onRetry: (f, delay) => retried.push([f.attempt, delay]),
    onGiveUp: (f) => gaveUp.push(f),
    retried,
    gaveUp,
    ...overrides,
  };
}

/** Fails with the given errors in turn, then returns the attempt number. */
function failing(...errors: Error[]): ((attempt: number) => Promise<number>) & { calls: number[] } {
  const calls: number[] = [];
  return Object.assign(
    (attempt: number) => {
      calls.push(attempt);
      const e = errors[calls.length - 1];
      return e === undefined ? Promise.resolve(attempt) : Promise.reject(e);
    },
    { calls },
  );
}

const ctx = (overrides: Omit<Partial<RetryContext>, 'clock'> = {}): RetryContext & { clock: ReturnType<typeof virtualClock> } => ({
  clock: virtualClock(0),
  random: () => 0.5,
  ...overrides,
});

describe('withRetry', () => {
  it('retries what the classifier retries, numbering the attempts', async () => {
    const c = ctx();
    const p = policy();
    const call = failing(new Transient('a'), new Transient('b'));
    await expect(withRetry(call, c, p)).resolves.toBe(3);
    expect(call.calls).toEqual([1, 2, 3]);
    expect(p.retried.map(([attempt]) => attempt)).toEqual([1, 2]);
    expect(p.gaveUp).toEqual([]);
  });

  it('lets the classifier refuse: the error passes through at once, no hook, no sleep', async () => {
    const c = ctx();
    const p = policy();
    const bug = new TypeError('x is undefined');
    const call = failing(bug);
    await expect(withRetry(call, c, p)).rejects.toBe(bug);
    expect(call.calls).toEqual([1]);
    expect(c.clock.slept).toEqual([]);
    expect(p.retried).toEqual([]);
    expect(p.gaveUp).toEqual([]);
  });

  it('makes at most `attempts` attempts and ends with the last error, told to onGiveUp', async () => {
    const c = ctx();
    const p = policy({ attempts: 3 });
    const errors = [1, 2, 3, 4].map((i) => new Transient(`t${i}`));
    const call = failing(...errors);
    await expect(withRetry(call, c, p)).rejects.toBe(errors[2]);
    expect(call.calls).toEqual([1, 2, 3]);
    expect(c.clock.slept).toHaveLength(p.attempts - 1);
    expect(p.gaveUp).toEqual([{ error: errors[2], attempt: 3, attempts: 3 }]);
  });

  it('sleeps full jitter from the injected random on the injected clock, capped', async () => {
    const c = ctx({ random: () => 0.999 });
    const p = policy({ attempts: 5 });
    await withRetry(failing(...[1, 2, 3, 4].map(() => new Transient())), c, p);
    const ceilings = [1, 2, 3, 4].map((n) => Math.min(p.capMs, p.baseMs * 2 ** (n - 1)));
    expect(c.clock.slept).toEqual(ceilings.map((top) => Math.floor(0.999 * top)));
    expect(p.retried.map(([, delay]) => delay)).toEqual(c.clock.slept);
  });

  it('waits what the classifier asks instead of the backoff', async () => {
    const c = ctx();
    const p = policy({ classify: () => ({ retry: true, afterMs: 1234 }) });
    await withRetry(failing(new Transient()), c, p);
    expect(c.clock.slept).toEqual([1234]);
  });

  it('makes no attempt once the signal has aborted', async () => {
    const controller = new AbortController();
    controller.abort(new CancelledError('SIGINT'));
    const call = failing();
    await expect(withRetry(call, ctx({ signal: controller.signal }), policy())).rejects.toThrow('SIGINT');
    expect(call.calls).toEqual([]);
  });

  it('does not sleep or retry after an abort during an attempt', async () => {
    const controller = new AbortController();
    const c = ctx({ signal: controller.signal });
    const p = policy();
    const call = (): Promise<number> => {
      controller.abort(new CancelledError('SIGTERM'));
      return Promise.reject(new Transient());
    };
    await expect(withRetry(call, c, p)).rejects.toBeInstanceOf(CancelledError);
    expect(c.clock.slept).toEqual([]);
    expect(p.retried).toEqual([]);
  });

  it('abandons an attempt in flight when the signal aborts', async () => {
    const controller = new AbortController();
    const pending = withRetry(() => new Promise<number>(() => undefined), ctx({ signal: controller.signal }), policy());
    controller.abort(new CancelledError('SIGTERM'));
    await expect(pending).rejects.toThrow('SIGTERM');
  });

  it('tells onAttempt as each attempt begins', async () => {
    const seen: number[] = [];
    await withRetry(failing(new Transient()), ctx({ onAttempt: (n) => seen.push(n) }), policy());
    expect(seen).toEqual([1, 2]);
  });
});

describe('jitterMs', () => {
  it('is uniform under base * 2^(n-1), never above the cap', () => {
    const p = { baseMs: 500, capMs: Infinity };
    expect([1, 2, 3].map((n) => jitterMs(n, p, () => 0.5))).toEqual([250, 500, 1000]);
    expect(jitterMs(10, { baseMs: 500, capMs: 700 }, () => 0.5)).toBe(350);
    expect(jitterMs(3, p, () => 0)).toBe(0);
  });
});
