import { describe, expect, it } from 'vitest';
import type { Clock } from '../../../src/lib/clock.js';
import type { Execution } from '../../../src/alibaba/oos/types.js';
import { POLL_SCHEDULE, pollDelayMs, waitForExecution } from '../../../src/execution/poll.js';
import { CloudError } from '../../../src/alibaba/cloud-error.js';
import { CancelledError } from '../../../src/lib/errors.js';
import { isRetryable } from '../../../src/alibaba/retry.js';
import { virtualClock } from '../../fakes/runtime.js';

/** An execution whose status follows a timeline: [fromMs, status] pairs. */
function timeline(clock: Clock, steps: Array<[number, string]>) {
  return (): Promise<Execution> => {
    const now = clock.now();
    const status = steps.filter(([from]) => from <= now).at(-1)?.[1] ?? 'Started';
    return Promise.resolve({ executionId: 'exec-1', status, statusMessage: '' });
  };
}

describe('waitForExecution', () => {
  it('stops at the first terminal status and reports each change once', async () => {
    const clock = virtualClock(0);
    const changes: string[] = [];
    const result = await waitForExecution(
      timeline(clock, [
        [0, 'Started'],
        [3000, 'Running'],
        [20_000, 'Success'],
      ]),
      { timeoutMs: 600_000, maxIntervalMs: 10_000, onStatusChange: (e) => changes.push(e.status) },
      clock,
    );
    expect(result.timedOut).toBe(false);
    expect(result.execution.status).toBe('Success');
    expect(changes).toEqual(['Started', 'Running', 'Success']);
    expect(result.polls).toBe(clock.slept.length + 1);
  });

  it('times out at the deadline without sleeping past it', async () => {
    const clock = virtualClock(0);
    const result = await waitForExecution(timeline(clock, [[0, 'Running']]), { timeoutMs: 60_000, maxIntervalMs: 10_000 }, clock);
    expect(result.timedOut).toBe(true);
    expect(result.execution.status).toBe('Running');
    expect(clock.now()).toBe(60_000);
  });

  it('treats an unknown status as still running', async () => {
    const clock = virtualClock(0);
    const result = await waitForExecution(
      timeline(clock, [
        [0, 'Mystery'],
        [5000, 'Failed'],
      ]),
      { timeoutMs: 60_000, maxIntervalMs: 10_000 },
      clock,
    );
    expect(result.execution.status).toBe('Failed');
    expect(result.timedOut).toBe(false);
  });
});

describe('pollDelayMs', () => {
  it('starts at one second, then slows down step by step, never above the maximum', () => {
    expect(pollDelayMs(0, 10_000)).toBe(POLL_SCHEDULE.fastMs);
    expect(pollDelayMs(POLL_SCHEDULE.fastUntilMs, 10_000)).toBe(POLL_SCHEDULE.quickMs);
    expect(pollDelayMs(POLL_SCHEDULE.quickUntilMs, 10_000)).toBe(POLL_SCHEDULE.steadyMs);
    expect(pollDelayMs(POLL_SCHEDULE.steadyUntilMs * 2, 10_000)).toBe(10_000);
    expect(pollDelayMs(POLL_SCHEDULE.steadyUntilMs * 2, 300_000)).toBe((POLL_SCHEDULE.steadyUntilMs * 2) / POLL_SCHEDULE.slowDivisor);
    expect(pollDelayMs(600_000, 1000)).toBe(1000);
    for (let age = 0; age < 3 * 3600_000; age += 7_000) {
      expect(pollDelayMs(age, 10_000)).toBeLessThanOrEqual(10_000);
      expect(pollDelayMs(age + 7_000, 10_000)).toBeGreaterThanOrEqual(pollDelayMs(age, 10_000));
    }
  });
});

/**
 * The schedule against the targets, with an injected clock: executions that end at many different
 * times, each status request taking REQUEST_MS. Lag = when the action saw the terminal status minus when the
 * execution ended.
 */
describe('the polling schedule', () => {
  const REQUEST_MS = 150;
  const LAG_TARGET_MS = 3000;
  const CALLS_PER_MINUTE_TARGET = 12;

  async function observe(endsAtMs: number, maxIntervalMs: number, timeoutMs = 3600_000) {
    const clock = virtualClock(0);
    const polls: number[] = [];
    let seenAt = NaN;
    const result = await waitForExecution(
      async () => {
        await clock.sleep(REQUEST_MS);
        const now = clock.now();
        polls.push(now);
        const status = now >= endsAtMs ? 'Success' : 'Running';
        if (status === 'Success') seenAt = now;
        return { executionId: 'exec-1', status, statusMessage: '' };
      },
      { timeoutMs, maxIntervalMs },
      clock,
    );
    return { lag: seenAt - endsAtMs, polls, result };
  }

  it('sees an execution that ends in its first minute within 3 s', async () => {
    let worst = 0;
    for (let end = 0; end <= 60_000; end += 250) {
      const { lag } = await observe(end, 10_000);
      worst = Math.max(worst, lag);
    }
    expect(worst).toBeLessThan(LAG_TARGET_MS);
  });

  it('after the first minute: at most 12 checks in any minute, and under 3 s of lag on average', async () => {
    const { polls } = await observe(Infinity, 10_000, 30 * 60_000);
    let busiest = 0;
    for (let from = 60_000; from + 60_000 <= 30 * 60_000; from += 500) {
      busiest = Math.max(busiest, polls.filter((t) => t >= from && t < from + 60_000).length);
    }
    expect(busiest).toBeLessThanOrEqual(CALLS_PER_MINUTE_TARGET);

    const lags: number[] = [];
    for (let end = 60_000; end <= POLL_SCHEDULE.steadyUntilMs; end += 730) lags.push((await observe(end, 10_000)).lag);
    const mean = lags.reduce((a, b) => a + b, 0) / lags.length;
    expect(mean).toBeLessThan(LAG_TARGET_MS);
    // The worst case is one pause: the price of 12 checks a minute (see POLL_SCHEDULE).
    expect(Math.max(...lags)).toBeLessThanOrEqual(POLL_SCHEDULE.steadyMs + REQUEST_MS);
  });

  it('makes a long execution cheap, and honours a lower ceiling', async () => {
    const { polls } = await observe(Infinity, 10_000, 2 * 3600_000);
    // Two hours at the steady pause would be 1440 checks; the schedule slows down to the ceiling.
    expect(polls.length).toBeLessThan((2 * 3600_000) / POLL_SCHEDULE.steadyMs / 1.5);
    const ceiling = 2500;
    let worst = 0;
    for (let end = 0; end <= 15 * 60_000; end += 3_100) worst = Math.max(worst, (await observe(end, ceiling)).lag);
    expect(worst).toBeLessThanOrEqual(ceiling + REQUEST_MS);
  });
});

describe('waitForExecution, when things go wrong', () => {
  const started: Execution = { executionId: 'exec-1', status: 'Started', statusMessage: '' };
  const transient = (): CloudError => new CloudError('ListExecutions', 'ServiceUnavailable', 'busy', 503, 'R-1');

  it('a transient failure does not end the wait; the deadline does', async () => {
    const clock = virtualClock(0);
    const errors: string[] = [];
    const result = await waitForExecution(
      () => Promise.reject(transient()),
      { timeoutMs: 60_000, maxIntervalMs: 10_000, initial: started, isTransient: isRetryable, onPollError: (e) => errors.push(e.code) },
      clock,
    );
    expect(result.timedOut).toBe(true);
    expect(result.execution).toBe(started);
    expect(result.lastPollError?.code).toBe('ServiceUnavailable');
    expect(errors).toHaveLength(result.polls);
    expect(clock.now()).toBe(60_000);
  });

  it('transient failures between good answers are survived', async () => {
    const clock = virtualClock(0);
    let n = 0;
    const answers = [transient(), 'Running', transient(), transient(), 'Success'];
    const result = await waitForExecution(
      () => {
        const a = answers[n++];
        return a instanceof CloudError ? Promise.reject(a) : Promise.resolve({ ...started, status: a ?? 'Success' });
      },
      { timeoutMs: 600_000, maxIntervalMs: 10_000, initial: started, isTransient: isRetryable },
      clock,
    );
    expect(result.execution.status).toBe('Success');
    expect(result.polls).toBe(answers.length);
  });

  it('a failure that is not transient ends the wait with it', async () => {
    const denied = new CloudError('ListExecutions', 'Forbidden.RAM', 'no', 403, 'R-2');
    const result = await waitForExecution(
      () => Promise.reject(denied),
      { timeoutMs: 60_000, maxIntervalMs: 10_000, initial: started, isTransient: isRetryable },
      virtualClock(0),
    );
    expect(result.error).toBe(denied);
    expect(result.timedOut).toBe(false);
    expect(result.polls).toBe(1);
  });

  it('stops at once when the signal aborts, during a sleep or a call', async () => {
    const controller = new AbortController();
    const clock: Clock = { now: () => 0, sleep: (_ms, signal) => new Promise((r) => signal?.addEventListener('abort', () => r())) };
    const pending = waitForExecution(
      () => Promise.resolve({ ...started, status: 'Running' }),
      { timeoutMs: 60_000, maxIntervalMs: 10_000, initial: started, signal: controller.signal },
      clock,
    );
    await Promise.resolve();
    controller.abort();
    const result = await pending;
    expect(result.aborted).toBe(true);
    expect(result.execution.status).toBe('Running');

    const cancelled = await waitForExecution(
      () => Promise.reject(new CancelledError()),
      { timeoutMs: 60_000, maxIntervalMs: 1000, initial: started },
      virtualClock(0),
    );
    expect(cancelled.aborted).toBe(true);
  });

  it('a bug is not swallowed', async () => {
    await expect(
      waitForExecution(
        () => Promise.reject(new TypeError('boom')),
        { timeoutMs: 60_000, maxIntervalMs: 1000, initial: started, isTransient: () => true },
        virtualClock(0),
      ),
    ).rejects.toThrow(TypeError);
  });
});
