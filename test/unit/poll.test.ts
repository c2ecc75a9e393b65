import { describe, expect, it } from 'vitest';
import type { Clock } from '../../src/clock.js';
import type { Execution } from '../../src/oos/types.js';
import { pollDelayMs, waitForExecution } from '../../src/poll.js';
import { CloudError } from '../../src/cloud-error.js';
import { CancelledError } from '../../src/errors.js';
import { isRetryable } from '../../src/retry.js';

function fakeClock(): Clock & { sleeps: number[] } {
  let t = 0;
  const sleeps: number[] = [];
  return {
    sleeps,
    now: () => t,
    sleep: (ms) => {
      sleeps.push(ms);
      t += ms;
      return Promise.resolve();
    },
  };
}

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
    const clock = fakeClock();
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
    expect(result.polls).toBe(clock.sleeps.length + 1);
  });

  it('times out at the deadline without sleeping past it', async () => {
    const clock = fakeClock();
    const result = await waitForExecution(timeline(clock, [[0, 'Running']]), { timeoutMs: 60_000, maxIntervalMs: 10_000 }, clock);
    expect(result.timedOut).toBe(true);
    expect(result.execution.status).toBe('Running');
    expect(clock.now()).toBe(60_000);
  });

  it('treats an unknown status as still running', async () => {
    const clock = fakeClock();
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
  it('starts at one second and grows to the maximum', () => {
    expect(pollDelayMs(0, 10_000)).toBe(1000);
    expect(pollDelayMs(30_000, 10_000)).toBe(3000);
    expect(pollDelayMs(600_000, 10_000)).toBe(10_000);
    expect(pollDelayMs(600_000, 1000)).toBe(1000);
  });
});

describe('waitForExecution, when things go wrong', () => {
  const started: Execution = { executionId: 'exec-1', status: 'Started', statusMessage: '' };
  const transient = (): CloudError => new CloudError('ListExecutions', 'ServiceUnavailable', 'busy', 503, 'R-1');

  it('a transient failure does not end the wait; the deadline does', async () => {
    const clock = fakeClock();
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
    const clock = fakeClock();
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
      fakeClock(),
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
      fakeClock(),
    );
    expect(cancelled.aborted).toBe(true);
  });

  it('a bug is not swallowed', async () => {
    await expect(
      waitForExecution(
        () => Promise.reject(new TypeError('boom')),
        { timeoutMs: 60_000, maxIntervalMs: 1000, initial: started, isTransient: () => true },
        fakeClock(),
      ),
    ).rejects.toThrow(TypeError);
  });
});
