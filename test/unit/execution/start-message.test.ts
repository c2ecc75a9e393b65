import { describe, expect, it } from 'vitest';
import type { Execution } from '../../../src/alibaba/oos/types.js';
import { CLOCK_SLACK_MS, describeStart, startedEarlier } from '../../../src/execution/start-message.js';

const T = Date.parse('2026-11-22T03:04:05Z');
const at = (ms: number): string => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
const exec = (status: string, startMs: number): Execution => ({ executionId: 'exec-1', status, statusMessage: '', startDate: at(startMs) });

describe('describeStart', () => {
  it('a new execution', () => {
    expect(describeStart(exec('Started', T + 800), { stepStartedAt: T, runAttempt: 1, attempts: 1 })).toBe('Started execution exec-1.');
  });

  it('a new execution after retries says the ClientToken kept it single', () => {
    const line = describeStart(exec('Running', T + 3000), { stepStartedAt: T, runAttempt: 1, attempts: 3 });
    expect(line).toContain('Started execution exec-1 (StartExecution took 3 attempts; every attempt sent the same ClientToken');
  });

  it('an execution from an earlier attempt of the run: ended, or started before this step', () => {
    const ended = describeStart(exec('Success', T - 1000), { stepStartedAt: T, runAttempt: 2, attempts: 1 });
    expect(ended).toContain('Execution exec-1 was started by an earlier attempt of this workflow run (this is attempt 2)');
    expect(ended).toContain('following it (now Success) instead of starting another');
    const running = exec('Running', T - CLOCK_SLACK_MS - 2000);
    expect(startedEarlier(running, { stepStartedAt: T, attempts: 1 })).toBe(true);
    expect(describeStart(running, { stepStartedAt: T, runAttempt: 1, attempts: 1 })).toContain('was started by an earlier attempt,');
  });

  it('allows for clock skew and whole-second dates', () => {
    expect(startedEarlier(exec('Running', T - CLOCK_SLACK_MS + 1000), { stepStartedAt: T, attempts: 1 })).toBe(false);
    expect(startedEarlier({ executionId: 'e', status: 'Running', statusMessage: '' }, { stepStartedAt: T, attempts: 1 })).toBe(false);
  });

  it("after retries, an ended execution may be this step's own: only its start date tells", () => {
    const ownButEnded = exec('Success', T + 500);
    expect(startedEarlier(ownButEnded, { stepStartedAt: T, attempts: 1 })).toBe(true);
    expect(startedEarlier(ownButEnded, { stepStartedAt: T, attempts: 4 })).toBe(false);
    expect(describeStart(ownButEnded, { stepStartedAt: T, runAttempt: 1, attempts: 4 })).toContain('StartExecution took 4 attempts');
    expect(startedEarlier(exec('Success', T - CLOCK_SLACK_MS - 1000), { stepStartedAt: T, attempts: 4 })).toBe(true);
  });
});
