import { FakeProcess } from '../../fakes/runtime.js';
import { describe, expect, it } from 'vitest';
import { CLEANUP_BUDGET_MS, EXIT_WITHIN_MS, watchJobCancellation, WATCHDOG_MS } from '../../../src/runner/job-cancellation.js';
import { CancelledError } from '../../../src/lib/errors.js';

function setup() {
  const proc = new FakeProcess();
  const logs: string[] = [];
  const timers: Array<{ fn: () => void; ms: number; unrefd: boolean }> = [];
  let t = 1000;
  const watch = watchJobCancellation(proc, {
    log: (m) => logs.push(m),
    now: () => t,
    setTimer: (fn, ms) => {
      const timer = { fn, ms, unrefd: false };
      timers.push(timer);
      return { unref: () => (timer.unrefd = true) };
    },
  });
  return { proc, logs, timers, watch, advance: (ms: number) => (t += ms) };
}

describe('watchJobCancellation', () => {
  it('turns the first SIGINT or SIGTERM into an aborted signal with a CancelledError', () => {
    for (const sig of ['SIGINT', 'SIGTERM'] as const) {
      const { proc, watch, logs } = setup();
      expect(watch.signal.aborted).toBe(false);
      proc.emit(sig, sig);
      expect(watch.signal.aborted).toBe(true);
      expect(watch.signal.reason).toBeInstanceOf(CancelledError);
      expect(String((watch.signal.reason as Error).message)).toContain(sig);
      expect(logs[0]).toContain(`Received ${sig}`);
    }
  });

  it('arms an unref-ed watchdog that exits before the 5 s promise, and ignores a second signal', () => {
    const { proc, watch, timers, logs } = setup();
    proc.emit('SIGINT', 'SIGINT');
    proc.emit('SIGTERM', 'SIGTERM');
    expect(timers).toHaveLength(1);
    expect(timers[0]?.ms).toBe(WATCHDOG_MS);
    expect(WATCHDOG_MS).toBeLessThan(EXIT_WITHIN_MS);
    expect(timers[0]?.unrefd).toBe(true);
    expect(logs[1]).toContain('Received SIGTERM again');
    timers[0]?.fn();
    expect(proc.exits).toEqual([1]);
    expect(watch.signal.aborted).toBe(true);
  });

  it('close() exits at once after a cancellation, with the exit code set by the run', () => {
    const { proc, watch } = setup();
    proc.emit('SIGINT', 'SIGINT');
    proc.exitCode = 1;
    watch.close();
    expect(proc.exits).toEqual([1]);
    expect(proc.listenerCount('SIGINT')).toBe(0);
  });

  it('close() without a cancellation only stops listening', () => {
    const { proc, watch } = setup();
    watch.close();
    expect(proc.exits).toEqual([]);
    expect(proc.listenerCount('SIGINT') + proc.listenerCount('SIGTERM')).toBe(0);
  });

  it('the cleanup budget counts from the signal', () => {
    const { proc, watch, advance } = setup();
    proc.emit('SIGINT', 'SIGINT');
    advance(CLEANUP_BUDGET_MS + 1);
    expect(watch.cleanupSignal().aborted).toBe(true);
  });
});
