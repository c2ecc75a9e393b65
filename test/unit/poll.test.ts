import { describe, expect, it } from 'vitest';
import type { Clock } from '../../src/clock.js';
import type { Execution } from '../../src/oos/types.js';
import { pollDelayMs, waitForExecution } from '../../src/poll.js';

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
