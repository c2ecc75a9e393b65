import { describe, expect, it } from 'vitest';
import { CloudError } from '../../../src/alibaba/cloud-error.js';
import { type OosFactory, retryingOos } from '../../../src/alibaba/connect.js';
import type { Bounded, Execution, InstancePatchState, ListedExecution, OosApi } from '../../../src/alibaba/oos/types.js';
import { DEFAULT_RETRY_POLICY } from '../../../src/alibaba/retry.js';
import {
  type ExecutionContext,
  type ExecutionOutcome,
  type ExecutionRequest,
  NotStartedError,
  runExecution,
} from '../../../src/execution/run-execution.js';
import { consoleUrl } from '../../../src/alibaba/oos/console.js';
import { watchJobCancellation } from '../../../src/runner/job-cancellation.js';
import { FakeProcess, recordingLogger, recordingState, virtualClock } from '../../fakes/runtime.js';

/** When the step began; the virtual clock starts a second later. */
const STEP_STARTED_AT = Date.parse('2026-11-29T10:00:00Z');
const REGION = 'cn-hangzhou';
const TOKEN = 'ct-run-1001-abc';
const ID = 'exec-7f3a';
const INSTANCES = ['i-a', 'i-b'];
const WAIT_MINUTES = 2;

const request: ExecutionRequest = {
  spec: { region: REGION, action: 'scan', instanceIds: INSTANCES },
  clientToken: TOKEN,
  instanceIds: INSTANCES,
  timeoutMs: WAIT_MINUTES * 60_000,
  maxIntervalMs: 5000,
};

function state(instanceId: string): InstancePatchState {
  return {
    instanceId,
    counts: { installed: 3, installedOther: 0, installedPendingReboot: 0, installedRejected: 0, missing: 0, failed: 0 },
  };
}

/** One answer of the fake OOS: a value, or an error to throw. */
type Answer<T> = T | CloudError;

interface Script {
  /** StartExecution's answers, one per attempt; the last one repeats. */
  start: Answer<Execution>[];
  /** ListExecutions' statuses (or errors), one per status read before any cancel; the last one repeats. */
  statuses: Answer<string>[];
  /** ListExecutions' answer to a lookup by tag; default none found. */
  found?: Answer<Bounded<ListedExecution>>;
  /** CancelExecution's answer; once accepted, the execution reads Cancelled. */
  cancel?: Answer<{ requestId?: string }>;
  states?: Answer<InstancePatchState[]>;
  /** Called as each status read is answered (1, 2, ...): the test cancels the job from here. */
  onStatusRead?: (n: number) => void;
  /** The StatusMessage of every status read. */
  statusMessage?: string;
}

interface Call {
  method: string;
  /** The signal of the factory call the method was reached through. */
  signal: AbortSignal;
}

function answer<T>(a: Answer<T> | undefined, what: string): Promise<T> {
  if (a === undefined) return Promise.reject(new Error(`the fake OOS has no answer for ${what}`));
  return a instanceof CloudError ? Promise.reject(a) : Promise.resolve(a);
}

function pick<T>(list: readonly T[], i: number): T | undefined {
  return list[Math.min(i, list.length - 1)];
}

/** OOS as the script says, every call recorded with the signal it was made under. */
function fakeOos(script: Script, signal: AbortSignal, calls: Call[], execution: { cancelled: boolean; reads: number }): OosApi {
  let starts = 0;
  const record = (method: string): void => {
    calls.push({ method, signal });
  };
  const unused = (method: string) => () => Promise.reject(new Error(`${method} is not part of runExecution`));
  return {
    startExecution: () => {
      record('StartExecution');
      return answer(pick(script.start, starts++), 'StartExecution');
    },
    getExecution: (id) => {
      record('ListExecutions');
      execution.reads += 1;
      script.onStatusRead?.(execution.reads);
      if (execution.cancelled) return Promise.resolve({ executionId: id, status: 'Cancelled', statusMessage: '' });
      return answer(pick(script.statuses, execution.reads - 1), 'ListExecutions').then((status) => ({
        executionId: id,
        status,
        statusMessage: script.statusMessage ?? '',
        requestId: `R-GET-${execution.reads}`,
      }));
    },
    cancelExecution: async () => {
      record('CancelExecution');
      const accepted = await answer(script.cancel, 'CancelExecution');
      execution.cancelled = true;
      return accepted;
    },
    listInstancePatchStates: () => {
      record('ListInstancePatchStates');
      return answer(script.states, 'ListInstancePatchStates');
    },
    listExecutions: () => {
      record('ListExecutions (lookup)');
      return answer(script.found ?? { items: [], truncated: false }, 'ListExecutions (lookup)');
    },
    listChildExecutions: unused('listChildExecutions'),
    listChildExecutionsByParent: unused('listChildExecutionsByParent'),
    listTaskExecutions: unused('listTaskExecutions'),
    listExecutionLogs: unused('listExecutionLogs'),
    listInstancePatches: unused('listInstancePatches'),
  };
}

interface World {
  ctx: ExecutionContext;
  clock: ReturnType<typeof virtualClock>;
  log: ReturnType<typeof recordingLogger>;
  state: ReturnType<typeof recordingState>;
  calls: Call[];
  proc: FakeProcess;
  of(method: string): Call[];
}

/**
 * runExecution's context over the fake OOS, wired as connectOos wires the real client: every call goes through the
 * Alibaba retry helper (virtual sleeps), observing the signal the factory is called with.
 */
function world(script: Script, over: Partial<ExecutionContext> = {}): World {
  const clock = virtualClock(STEP_STARTED_AT + 1000);
  const log = recordingLogger({ infoPrefix: 'info: ' });
  const state = recordingState();
  const proc = new FakeProcess();
  const calls: Call[] = [];
  const execution = { cancelled: false, reads: 0 };
  const cancellation = watchJobCancellation(proc, {
    log: (m) => log.warning(m),
    now: () => clock.now(),
    setTimer: () => ({ unref: () => undefined }),
  });
  const oos: OosFactory = retryingOos((signal) => fakeOos(script, signal, calls, execution), {
    clock,
    random: () => 0.5,
    log: (m) => log.info(m),
  });
  const ctx: ExecutionContext = {
    oos,
    cancellation,
    clock,
    log,
    state,
    region: REGION,
    waitTimeoutMinutes: WAIT_MINUTES,
    cancelOnTimeout: true,
    cancelOnAbort: true,
    stepStartedAt: STEP_STARTED_AT,
    runAttempt: 1,
    ...over,
  };
  return { ctx, clock, log, state, calls, proc, of: (method) => calls.filter((c) => c.method === method) };
}

const started = (over: Partial<Execution> = {}): Execution => ({
  executionId: ID,
  status: 'Started',
  statusMessage: '',
  startDate: new Date(STEP_STARTED_AT + 2000).toISOString(),
  requestId: 'R-START',
  ...over,
});

const lostAnswer = (): CloudError => new CloudError('StartExecution', 'RequestTimeout', 'no response in time (ReadTimeout)');

function problemOf(outcome: ExecutionOutcome): string {
  expect(outcome.problem).toBeDefined();
  return outcome.problem ?? '';
}

describe('runExecution: start', () => {
  it('starts, follows the execution to Success and reads the patch states', async () => {
    const w = world({ start: [started()], statuses: ['Running', 'Success'], states: INSTANCES.map(state) });
    const outcome = await runExecution(request, w.ctx);
    expect(outcome.execution.status).toBe('Success');
    expect(outcome.states.map((s) => s.instanceId)).toEqual(INSTANCES);
    expect(outcome.stop).toBeUndefined();
    expect(outcome.problem).toBeUndefined();
    expect(outcome.polls).toBe(w.of('ListExecutions').length);
    expect(w.log.lines).toEqual([`info: Started execution ${ID}.`, `info: Execution ${ID}: Running`, `info: Execution ${ID}: Success`]);
    expect(w.state.calls).toEqual([`saveExecutionId ${ID}`, 'markSettled']);
  });

  it('fails with NotStartedError when every StartExecution answer is lost: OOS may have started one for the ClientToken', async () => {
    const w = world({ start: [lostAnswer()], statuses: [] });
    const err = await runExecution(request, w.ctx).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(NotStartedError);
    const message = (err as Error).message;
    expect(message).toContain(`after ${DEFAULT_RETRY_POLICY.attempts} attempts`);
    expect(message).toContain(`No execution ID is known for ClientToken ${TOKEN}, but OOS may have started one`);
    expect(message).toContain('re-run this workflow run');
    // Every attempt sent, each after a virtual pause; nothing else was called, nothing saved for the post step.
    expect(w.calls.map((c) => c.method)).toEqual(Array<string>(DEFAULT_RETRY_POLICY.attempts).fill('StartExecution'));
    expect(w.clock.slept).toHaveLength(DEFAULT_RETRY_POLICY.attempts - 1);
    expect(w.state.calls).toEqual([]);
    expect(w.log.lines.at(-1)).toContain(
      `StartExecution attempt ${DEFAULT_RETRY_POLICY.attempts} of ${DEFAULT_RETRY_POLICY.attempts} failed`,
    );
  });

  it('says so when a retried StartExecution gets its answer: one execution for the ClientToken, whichever attempt made it', async () => {
    const w = world({ start: [lostAnswer(), started()], statuses: ['Success'], states: INSTANCES.map(state) });
    const outcome = await runExecution(request, w.ctx);
    expect(outcome.execution.status).toBe('Success');
    expect(w.of('StartExecution')).toHaveLength(2);
    expect(w.log.lines).toContain(
      `info: Started execution ${ID} (StartExecution took 2 attempts; every attempt sent the same ClientToken, so OOS holds this one execution for it, whichever attempt created it).`,
    );
  });

  it("follows an earlier attempt's execution that StartExecution returns for the same ClientToken", async () => {
    const startDate = new Date(STEP_STARTED_AT - 15 * 60_000).toISOString();
    const w = world(
      { start: [started({ status: 'Running', startDate })], statuses: ['Running', 'Success'], states: INSTANCES.map(state) },
      { runAttempt: 2 },
    );
    const outcome = await runExecution(request, w.ctx);
    expect(w.log.lines[0]).toBe(
      `info: Execution ${ID} was started by an earlier attempt of this workflow run (this is attempt 2), at ${startDate}, ` +
        `with the same ClientToken; following it (now Running) instead of starting another.`,
    );
    expect(w.of('StartExecution')).toHaveLength(1);
    expect(outcome.execution.status).toBe('Success');
    expect(outcome.states).toHaveLength(INSTANCES.length);
    expect(w.state.calls).toEqual([`saveExecutionId ${ID}`, 'markSettled']);
  });
});

describe('runExecution: stopping the wait', () => {
  it('cancels the execution when the deadline passes, and says what it did', async () => {
    const w = world({ start: [started()], statuses: ['Running'], cancel: { requestId: 'R-CANCEL' } });
    const outcome = await runExecution(request, w.ctx);
    expect(w.clock.now() - (STEP_STARTED_AT + 1000)).toBeGreaterThanOrEqual(request.timeoutMs);
    expect(outcome.timedOut).toBe(true);
    expect(outcome.stop?.reason).toBe('timeout');
    expect(outcome.execution.status).toBe('Cancelled');
    expect(outcome.states).toEqual([]);
    expect(w.of('CancelExecution')).toHaveLength(1);
    expect(w.of('ListInstancePatchStates')).toHaveLength(0);
    expect(w.log.lines).toContain(`info: Cancelling execution ${ID} (stopped waiting: timeout).`);
    const problem = problemOf(outcome);
    expect(problem).toContain(`Execution ${ID} did not end within wait-timeout-minutes (${WAIT_MINUTES}); its last status was Running`);
    expect(problem).toContain(
      `Cancelled it (CancelExecution request ID R-CANCEL): it is now Cancelled. Details: ${consoleUrl(REGION, ID)}.`,
    );
    expect(problem).toContain('Raise wait-timeout-minutes');
    expect(w.state.calls).toEqual([`saveExecutionId ${ID}`, 'markSettled']);
  });

  it('leaves it running at the deadline when cancel-on-timeout is false', async () => {
    const w = world({ start: [started()], statuses: ['Running'] }, { cancelOnTimeout: false });
    const outcome = await runExecution(request, w.ctx);
    expect(outcome.stop?.reason).toBe('timeout');
    expect(w.of('CancelExecution')).toHaveLength(0);
    expect(problemOf(outcome)).toContain(`Left it running (cancel-on-timeout is false): follow it at ${consoleUrl(REGION, ID)}.`);
    expect(w.state.calls).toEqual([`saveExecutionId ${ID}`, 'markSettled']);
  });

  it('on a cancelled job, stops waiting and cancels within the cleanup budget, not with the aborted job signal', async () => {
    const proc: { current?: FakeProcess } = {};
    const w = world({
      start: [started()],
      statuses: ['Running'],
      cancel: { requestId: 'R-CANCEL' },
      onStatusRead: (n) => {
        if (n === 3) proc.current?.emit('SIGINT', 'SIGINT');
      },
    });
    proc.current = w.proc;
    const outcome = await runExecution(request, w.ctx);
    expect(outcome.stop?.reason).toBe('cancelled');
    expect(outcome.timedOut).toBe(false);
    expect(w.ctx.cancellation.signal.aborted).toBe(true);
    const [cancel] = w.of('CancelExecution');
    expect(cancel).toBeDefined();
    expect(cancel?.signal).not.toBe(w.ctx.cancellation.signal);
    expect(cancel?.signal.aborted).toBe(false);
    expect(w.log.lines).toContain(`info: Cancelling execution ${ID} (the job is cancelled).`);
    const problem = problemOf(outcome);
    expect(problem).toContain(`The job was cancelled while execution ${ID} was Running`);
    expect(problem).toContain('Cancelled it (CancelExecution request ID R-CANCEL): it is now Cancelled.');
    // Seen Cancelled: the post step has nothing left to do.
    expect(w.state.calls).toEqual([`saveExecutionId ${ID}`, 'markSettled']);
    expect(w.of('ListInstancePatchStates')).toHaveLength(0);
  });

  it('stops at once on a status it cannot read (not transient), with the cause and what to do', async () => {
    const denied = new CloudError(
      'ListExecutions',
      'Forbidden.RAM',
      'User not authorized to operate on the specified resource.',
      403,
      'R-DENIED',
    );
    const w = world({ start: [started()], statuses: ['Running', denied] }, { cancelOnTimeout: false });
    const outcome = await runExecution(request, w.ctx);
    expect(outcome.stop?.reason).toBe('unreadable');
    expect(outcome.timedOut).toBe(false);
    // One read per poll: a denial is not retried, and the wait ended well before the deadline.
    expect(w.of('ListExecutions')).toHaveLength(2);
    expect(w.clock.now() - (STEP_STARTED_AT + 1000)).toBeLessThan(request.timeoutMs);
    const problem = problemOf(outcome);
    expect(problem).toContain(`Could not read the status of execution ${ID} (last seen Running (request ID R-GET-1))`);
    expect(problem).toContain('Forbidden.RAM');
    expect(problem).toContain('R-DENIED');
    expect(problem).toContain('grant oos:ListExecutions');
    expect(w.state.calls).toEqual([`saveExecutionId ${ID}`, 'markSettled']);
  });

  it('keeps waiting through transient status failures, saying so, until the execution ends', async () => {
    const throttled = new CloudError('ListExecutions', 'Throttling.User', 'Request was denied due to user flow control.', 400);
    const statuses: Answer<string>[] = ['Running', ...Array<CloudError>(DEFAULT_RETRY_POLICY.attempts).fill(throttled), 'Success'];
    const w = world({ start: [started()], statuses, states: INSTANCES.map(state) });
    const outcome = await runExecution(request, w.ctx);
    expect(outcome.execution.status).toBe('Success');
    expect(outcome.stop).toBeUndefined();
    expect(w.log.lines).toContain(`info: Status check of ${ID} failed (Throttling.User); still waiting, until the deadline.`);
  });

  it('reports a cancel that fails: it may still be running, and the post step is left to try again', async () => {
    const refused = new CloudError(
      'CancelExecution',
      'Forbidden.RAM',
      'User not authorized to operate on the specified resource.',
      403,
      'R-NO',
    );
    const w = world({ start: [started()], statuses: ['Running'], cancel: refused });
    const outcome = await runExecution(request, w.ctx);
    expect(outcome.stop?.reason).toBe('timeout');
    expect(outcome.execution.status).toBe('Running');
    expect(w.of('CancelExecution')).toHaveLength(1);
    const problem = problemOf(outcome);
    expect(problem).toContain('Cancelling it failed: CancelExecution failed: Forbidden.RAM (HTTP 403)');
    expect(problem).toContain(`it may still be running: check ${consoleUrl(REGION, ID)} and cancel it there if needed.`);
    // Not settled: the post step must look at it again.
    expect(w.state.calls).toEqual([`saveExecutionId ${ID}`]);
  });
});

describe('runExecution: after the end', () => {
  it('warns about an unknown status and keeps waiting', async () => {
    const w = world({ start: [started()], statuses: ['Paused', 'Success'], states: INSTANCES.map(state) });
    const outcome = await runExecution(request, w.ctx);
    expect(outcome.execution.status).toBe('Success');
    expect(w.log.lines).toContain(`warning: Execution ${ID} reports an unknown status "Paused": treated as still running.`);
  });

  it('says the patch states could not be read when ListInstancePatchStates fails, and the execution stands', async () => {
    const denied = new CloudError('ListInstancePatchStates', 'Forbidden.RAM', 'not authorized', 403, 'R-STATES');
    const w = world({ start: [started()], statuses: ['Success'], states: denied });
    const outcome = await runExecution(request, w.ctx);
    expect(outcome.execution.status).toBe('Success');
    expect(outcome.states).toEqual([]);
    const problem = problemOf(outcome);
    expect(problem).toContain(`Execution ${ID} ended Success, but its patch states could not be read`);
    expect(problem).toContain('grant oos:ListInstancePatchStates');
    expect(w.state.calls).toEqual([`saveExecutionId ${ID}`, 'markSettled']);
  });
});

/** The lines the runner would read as workflow commands: a line that starts (after spaces) with `::` or `##[`. */
function commandLines(lines: readonly string[]): string[] {
  return lines.flatMap((l) => l.split(/\r\n|\r|\n/)).filter((l) => /^\s*(::|##\[)/.test(l.replace(/^(info|warning|group): /, '')));
}

describe('runExecution: hostile text from OOS (issue 13, item 1)', () => {
  const injection = 'boom\n::stop-commands::x\r\n::add-mask::Success';

  it('logs a StatusMessage on one line, with no workflow command in it', async () => {
    const w = world({ start: [started()], statuses: ['Running', 'Success'], states: INSTANCES.map(state), statusMessage: injection });
    await runExecution(request, w.ctx);
    const status = w.log.lines.filter((l) => l.includes('Execution exec-7f3a: Running'));
    expect(status).toHaveLength(1);
    expect(status[0]).toContain('stop-commands');
    expect(commandLines(w.log.lines)).toEqual([]);
  });

  it('logs the error code and request ID of a retried call on one line', async () => {
    const hostile = new CloudError('StartExecution', 'ServiceUnavailable', 'try later', 503, `R-1\n::stop-commands::x`);
    const w = world({ start: [hostile, started()], statuses: ['Success'], states: INSTANCES.map(state) });
    await runExecution(request, w.ctx);
    expect(w.log.lines.some((l) => l.includes('StartExecution attempt 1 of'))).toBe(true);
    expect(commandLines(w.log.lines)).toEqual([]);
  });
});
