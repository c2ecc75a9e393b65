/**
 * Small fakes of what the phases take through interfaces (src/lib/clock.ts, src/lib/log.ts, the step state, the
 * `process` of the job cancellation), shared by the in-process tests of the phases.
 */
import { EventEmitter } from 'node:events';
import type { Clock } from '../../src/lib/clock.js';
import type { Logger } from '../../src/lib/log.js';
import type { StepState } from '../../src/runner/step-state.js';

/** A clock whose sleep advances a virtual now and resolves at once (and does not advance once the signal aborted). */
export function virtualClock(start: number): Clock & { slept: number[] } {
  let now = start;
  const slept: number[] = [];
  return {
    slept,
    now: () => now,
    sleep: (ms, signal) => {
      if (!signal?.aborted) {
        now += ms;
        slept.push(ms);
      }
      return Promise.resolve();
    },
  };
}

/** A Logger that records every line; `infoPrefix` marks info lines apart from warnings and groups. */
export function recordingLogger(options: { infoPrefix?: string } = {}): Logger & { lines: string[] } {
  const lines: string[] = [];
  const prefix = options.infoPrefix ?? '';
  return {
    lines,
    info: (m) => lines.push(`${prefix}${m}`),
    warning: (m) => lines.push(`warning: ${m}`),
    startGroup: (name) => lines.push(`group: ${name}`),
    endGroup: () => lines.push('endgroup'),
  };
}

/** A StepState that records what the main step would save for the post step. */
export function recordingState(): StepState & { calls: string[] } {
  const calls: string[] = [];
  return {
    calls,
    saveExecutionId: (id) => calls.push(`saveExecutionId ${id}`),
    markSettled: () => calls.push('markSettled'),
  };
}

/** What `process` is to the job cancellation: the test sends the runner's signals itself. */
export class FakeProcess extends EventEmitter {
  exitCode: number | undefined;
  exits: number[] = [];
  exit(code?: number): void {
    this.exits.push(code ?? 0);
  }
}
