/**
 * The fault-injection scenarios that need no process of their own, in process: the real OOS client against the
 * emulator with the same faults injected as end to end, wrapped by the real Alibaba retry helper, driven through
 * runExecution (start, wait, stop and cancel, patch states). A virtual clock drives both the emulator's executions
 * and every sleep (backoff, x-acs-retry-after, polling), so a scenario takes milliseconds. Each asserts what its end
 * to end twin asserted at this layer: the outcome (status, problem, stop), exactly one execution for the ClientToken,
 * none left running when the run stopped, and the log lines. What needs the built action (inputs, outputs, summary,
 * real signals, the post step, a step that starts nothing) stays end to end, in test/e2e/faults.test.ts (and
 * faults.slow.test.ts).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { type OosFactory, retryingOos } from '../../../src/alibaba/connect.js';
import { toCredential } from '../../../src/alibaba/credential.js';
import { createOosClient } from '../../../src/alibaba/oos/client.js';
import type { ExecutionSpec } from '../../../src/alibaba/oos/types.js';
import { type ExecutionContext, type ExecutionOutcome, type ExecutionRequest, runExecution } from '../../../src/execution/run-execution.js';
import { watchJobCancellation } from '../../../src/runner/job-cancellation.js';
import { DEFAULT_CREDENTIALS, type Emulator, sampleFleet, startEmulator, type Timings } from '../../emulator/index.js';
import { answer, type FaultPlan, faultPlan, garble, loseResponse, reset, rewrite, serverError, throttle } from '../../emulator/faults.js';
import { PAGE_SLACK } from '../../../src/lib/paging.js';
import { FakeProcess, recordingLogger, recordingState, virtualClock } from '../../fakes/runtime.js';

const REGION = 'cn-hangzhou';
const IDS = Object.keys(sampleFleet());
const TOKEN = 'patch-0123456789abcdef0123456789abcdef';
const SPEC: ExecutionSpec = { region: REGION, action: 'scan', instanceIds: IDS };
/** Executions that stay Running until the run stops them (virtual time). */
const LONG: Partial<Timings> = { runningMs: 10 * 60_000 };
const WAIT_MINUTES = 60;

const request: ExecutionRequest = {
  spec: SPEC,
  clientToken: TOKEN,
  instanceIds: IDS,
  timeoutMs: WAIT_MINUTES * 60_000,
  maxIntervalMs: 5000,
};

type Body = Record<string, unknown>;

interface Rig {
  emulator: Emulator;
  plan: FaultPlan;
  clock: ReturnType<typeof virtualClock>;
  log: ReturnType<typeof recordingLogger>;
  state: ReturnType<typeof recordingState>;
  proc: FakeProcess;
  ctx: ExecutionContext;
  /** The runner's signals sent so far. */
  signalled: NodeJS.Signals[];
}

const open: Emulator[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((e) => e.close()));
});

/**
 * The emulator on the virtual clock, the real client to it, and runExecution's context wired as connectOos wires
 * production: every call through the Alibaba retry helper (virtual sleeps, StartExecution's grace).
 */
async function rig(options: { timings?: Partial<Timings>; over?: Partial<ExecutionContext> } = {}): Promise<Rig> {
  const clock = virtualClock(Date.now());
  const emulator = await startEmulator({
    fleet: sampleFleet(),
    now: () => clock.now(),
    ...(options.timings ? { timings: options.timings } : {}),
  });
  open.push(emulator);
  const client = createOosClient({
    region: REGION,
    endpoint: { protocol: 'HTTP', host: emulator.endpoint },
    credential: toCredential(DEFAULT_CREDENTIALS),
  });
  const log = recordingLogger({ infoPrefix: 'info: ' });
  const state = recordingState();
  const proc = new FakeProcess();
  const cancellation = watchJobCancellation(proc, {
    log: (m) => log.warning(m),
    now: () => clock.now(),
    setTimer: () => ({ unref: () => undefined }),
  });
  const oos: OosFactory = retryingOos(() => client, { clock, random: () => 0.5, log: (m) => log.info(m) });
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
    stepStartedAt: clock.now(),
    runAttempt: 1,
    ...options.over,
  };
  return { emulator, plan: faultPlan(emulator), clock, log, state, proc, ctx, signalled: [] };
}

type Text = string | RegExp | ((r: Rig, played: Played) => string);

interface Scenario {
  name: string;
  timings?: Partial<Timings>;
  /** Inject faults, arm signals. */
  setup: (r: Rig) => void | Promise<void>;
  expect: {
    /** 'ended': the run went through; 'problem': runExecution reports one (the step fails). */
    result: 'ended' | 'problem';
    /** The execution's status in the emulator afterwards. */
    executionStatus: string;
    stop?: 'cancelled' | 'timeout' | 'unreadable';
    log?: Text[];
    /** What the problem must contain. */
    problem?: Text[];
  };
  more?: (r: Rig, played: Played) => void;
}

/** What the run came to, for the checks that depend on it. */
interface Played {
  outcome: ExecutionOutcome;
}

/** Log lines the runner would read as workflow commands (a line that starts with `::` after spaces). */
function commandLines(lines: readonly string[]): string[] {
  return lines.flatMap((l) => l.split(/\r\n|\r|\n/)).filter((l) => /^\s*(::|##\[)/.test(l.replace(/^(info|warning|group): /, '')));
}

const requestIdOf = (n: number) => (r: Rig) => r.plan.injected[n]?.requestId ?? 'no fault was injected';
const executionIdOf = (_r: Rig, p: Played) => p.outcome.execution.executionId;

const byStatus = (status: string) => (p: Body) => ({
  ...p,
  Executions: (p.Executions as Body[]).map((e) => ({ ...e, Status: status })),
});

/**
 * Sends the runner's signals once two status checks have been answered, the second seeing the execution Running (as
 * signalWhileWaiting end to end): as the third goes out.
 */
function signalWhileWaiting(r: Rig, ...signals: NodeJS.Signals[]): void {
  let sent = false;
  r.emulator.addInterceptor(({ action }) => {
    if (!sent && action === 'ListExecutions' && r.emulator.callsOf('ListExecutions').length >= 3) {
      sent = true;
      for (const s of signals) {
        r.signalled.push(s);
        r.proc.emit(s, s);
      }
    }
    return undefined;
  });
}

function contains(text: string, t: Text, r: Rig, p: Played): void {
  if (t instanceof RegExp) expect(text).toMatch(t);
  else expect(text).toContain(typeof t === 'function' ? t(r, p) : t);
}

async function play(s: Scenario): Promise<void> {
  const r = await rig(s.timings ? { timings: s.timings } : {});
  await s.setup(r);
  const outcome = await runExecution(request, r.ctx);
  const log = r.log.lines.join('\n');
  const played: Played = { outcome };
  const mine = r.emulator.executions().filter((e) => e.clientToken === TOKEN);

  // The result.
  if (s.expect.result === 'problem') expect(outcome.problem, log).toBeDefined();
  else expect(outcome.problem, log).toBeUndefined();
  expect(outcome.stop?.reason).toBe(s.expect.stop);
  expect(outcome.execution.executionId).toBe(mine[0]?.executionId);
  expect(outcome.execution.status).toBe(s.expect.executionStatus);
  for (const l of s.expect.log ?? []) contains(log, l, r, played);
  for (const p of s.expect.problem ?? []) contains(outcome.problem ?? '', p, r, played);
  if (r.plan.injected.length === 0 && r.signalled.length === 0) expect.fail('no fault was injected: the scenario tests nothing');

  // Exactly one execution for the ClientToken; every StartExecution carried that token.
  expect(new Set(r.emulator.startExecutionCalls().map((c) => c.params.ClientToken))).toEqual(new Set([TOKEN]));
  expect(mine, 'executions for the ClientToken').toHaveLength(1);
  expect(mine[0]?.status).toBe(s.expect.executionStatus);

  // Nothing left running when the run stopped short or failed.
  if (s.expect.result !== 'ended') {
    expect(r.emulator.executions().filter((e) => e.status === 'Started' || e.status === 'Running')).toEqual([]);
  }
  s.more?.(r, played);
}

const scenarios: Scenario[] = [
  // ---- StartExecution ------------------------------------------------------------------------------------
  {
    name: 'StartExecution throttled twice, x-acs-retry-after honoured',
    setup: ({ plan }) => void plan.on('StartExecution', [1, 2], throttle({ retryAfterMs: 300 })),
    expect: {
      result: 'ended',
      executionStatus: 'Success',
      log: [
        'StartExecution attempt 1 of 8 failed: Throttling.User (HTTP 400)',
        'retrying in 0.3 s as x-acs-retry-after asks',
        requestIdOf(0),
      ],
    },
    more: ({ clock }) => expect(clock.slept.slice(0, 2)).toEqual([300, 300]),
  },
  {
    name: 'StartExecution 500 then 503',
    setup: ({ plan }) => void plan.on('StartExecution', 1, serverError(500)).on('StartExecution', 2, serverError(503)),
    expect: {
      result: 'ended',
      executionStatus: 'Success',
      log: ['attempt 1 of 8 failed: InternalError (HTTP 500)', 'attempt 2 of 8 failed: ServiceUnavailable (HTTP 503)'],
    },
  },
  {
    name: 'StartExecution 502 from a gateway, body not JSON',
    setup: ({ plan }) => void plan.on('StartExecution', 1, serverError(502, { body: 'html' })),
    expect: { result: 'ended', executionStatus: 'Success', log: ['attempt 1 of 8 failed: InvalidResponseBody'] },
  },
  {
    name: 'StartExecution connection reset',
    setup: ({ plan }) => void plan.on('StartExecution', 1, reset()),
    expect: { result: 'ended', executionStatus: 'Success', log: ['attempt 1 of 8 failed: ECONNRESET'] },
  },
  {
    name: 'StartExecution answer lost three times in a row',
    setup: ({ plan }) => void plan.on('StartExecution', [1, 2, 3], loseResponse()),
    expect: {
      result: 'ended',
      executionStatus: 'Success',
      log: ['StartExecution took 4 attempts; every attempt sent the same ClientToken'],
    },
    more: ({ emulator }) => expect(emulator.startExecutionCalls()).toHaveLength(4),
  },
  {
    name: 'StartExecution answer not JSON after the execution was created',
    setup: ({ plan }) => void plan.on('StartExecution', 1, garble()),
    expect: { result: 'ended', executionStatus: 'Success', log: ['attempt 1 of 8 failed: InvalidResponseBody', requestIdOf(0)] },
  },
  // ---- ListExecutions (the wait) -------------------------------------------------------------------------
  {
    name: 'status checks 503, then reset',
    setup: ({ plan }) => void plan.on('ListExecutions', 1, serverError(503)).on('ListExecutions', 2, reset()),
    expect: {
      result: 'ended',
      executionStatus: 'Success',
      log: ['ListExecutions attempt 1 of 8 failed: ServiceUnavailable (HTTP 503)', 'ListExecutions attempt 2 of 8 failed: ECONNRESET'],
    },
  },
  {
    name: 'status checks not JSON',
    setup: ({ plan }) => void plan.on('ListExecutions', [1, 2], garble()),
    expect: { result: 'ended', executionStatus: 'Success', log: ['ListExecutions attempt 2 of 8 failed: InvalidResponseBody'] },
  },
  {
    name: 'status checks throttled past the retry budget (x-acs-retry-after 20 ms); the wait goes on',
    setup: ({ plan }) => void plan.on('ListExecutions', { from: 1, to: 8 }, throttle({ retryAfterMs: 20 })),
    expect: {
      result: 'ended',
      executionStatus: 'Success',
      log: [
        'ListExecutions attempt 8 of 8 failed: Throttling.User (HTTP 400)',
        'giving up',
        'failed (Throttling.User); still waiting, until the deadline',
      ],
    },
  },
  {
    name: 'unknown status, treated as running',
    setup: ({ plan }) => void plan.on('ListExecutions', [1, 2], rewrite('unknown status', byStatus('Paused'))),
    expect: {
      result: 'ended',
      executionStatus: 'Success',
      log: ['reports an unknown status "Paused"', 'treated as still running'],
    },
  },
  {
    name: 'status answer with fields missing',
    timings: LONG,
    setup: ({ plan }) =>
      void plan.on(
        'ListExecutions',
        1,
        rewrite('no Executions', (p) => ({ RequestId: p.RequestId })),
      ),
    expect: {
      result: 'problem',
      executionStatus: 'Cancelled',
      stop: 'unreadable',
      problem: [
        (r, p) => `Could not read the status of execution ${executionIdOf(r, p)}`,
        'MalformedResponse',
        requestIdOf(0),
        'if it keeps happening, report it with the request ID',
        'Cancelled it (CancelExecution request ID',
      ],
    },
  },
  // ---- ListInstancePatchStates (the report) --------------------------------------------------------------
  {
    name: 'patch states throttled twice, then reset',
    setup: ({ plan }) => void plan.on('ListInstancePatchStates', [1, 2], throttle()).on('ListInstancePatchStates', 3, reset()),
    expect: { result: 'ended', executionStatus: 'Success', log: ['ListInstancePatchStates attempt 3 of 8 failed: ECONNRESET'] },
    more: (_r, { outcome }) => expect(outcome.states.map((s) => s.instanceId).sort()).toEqual([...IDS].sort()),
  },
  {
    name: 'patch state count malformed',
    setup: ({ plan }) =>
      void plan.on(
        'ListInstancePatchStates',
        'every',
        rewrite('bad count', (p) => ({ ...p, InstancePatchStates: [{ InstanceId: IDS[0], MissingCount: 'lots' }] })),
      ),
    expect: { result: 'problem', executionStatus: 'Success', problem: ['MalformedResponse', 'MissingCount', requestIdOf(0)] },
    more: ({ plan }, { outcome }) => {
      expect(plan.callsOf('ListInstancePatchStates'), 'a malformed answer is not retried').toBe(1);
      expect(outcome.states).toEqual([]);
    },
  },
  // ---- A hostile endpoint (issue 13) ---------------------------------------------------------------------
  {
    name: 'hostile: a StatusMessage with workflow commands in it',
    setup: ({ plan }) =>
      void plan.on(
        'ListExecutions',
        'every',
        rewrite('commands in StatusMessage', (p) => ({
          ...p,
          Executions: (p.Executions as Body[]).map((e) => ({ ...e, StatusMessage: 'boom\n::stop-commands::x\n::add-mask::Success' })),
        })),
      ),
    expect: { result: 'ended', executionStatus: 'Success', log: ['stop-commands'] },
    more: ({ log }) => expect(commandLines(log.lines)).toEqual([]),
  },
  {
    name: 'hostile: an error code and request ID with workflow commands in them',
    setup: ({ plan }) => void plan.on('ListExecutions', [1, 2], throttle({ code: 'Throttling.User\n::stop-commands::x' })),
    expect: { result: 'ended', executionStatus: 'Success', log: ['ListExecutions attempt 2 of 8 failed: Throttling.User'] },
    more: ({ log }) => expect(commandLines(log.lines)).toEqual([]),
  },
  {
    name: 'hostile: patch states whose NextToken never ends',
    setup: ({ plan }) =>
      void plan.on(
        'ListInstancePatchStates',
        'every',
        answer('endless NextToken', (info) => ({ InstancePatchStates: [], NextToken: `t-${info.requestId}` })),
      ),
    expect: { result: 'problem', executionStatus: 'Success', problem: ['EndlessPaging', 'the answer was cut'] },
    more: ({ plan }) => expect(plan.callsOf('ListInstancePatchStates'), 'a cut listing is not retried').toBe(1 + PAGE_SLACK),
  },
  // ---- Job cancellation (the runner's signals, sent to the job cancellation in process) ---------------------
  {
    name: 'SIGINT then SIGTERM at once',
    timings: LONG,
    setup: (r) => signalWhileWaiting(r, 'SIGINT', 'SIGTERM'),
    expect: {
      result: 'problem',
      executionStatus: 'Cancelled',
      stop: 'cancelled',
      log: [/Received SIG(INT|TERM): the job/, /Received SIG(INT|TERM) again/],
      problem: [
        (r, p) => `The job was cancelled while execution ${executionIdOf(r, p)} was Running`,
        'Cancelled it (CancelExecution request ID',
      ],
    },
  },
  {
    name: 'SIGINT, and CancelExecution throttled once',
    timings: LONG,
    setup: (r) => {
      signalWhileWaiting(r, 'SIGINT');
      r.plan.on('CancelExecution', 1, throttle({ retryAfterMs: 200 }));
    },
    expect: {
      result: 'problem',
      executionStatus: 'Cancelled',
      stop: 'cancelled',
      log: ['Received SIGINT', 'CancelExecution attempt 1 of 8 failed: Throttling.User'],
      problem: ['Cancelled it (CancelExecution request ID'],
    },
  },
];

describe('fault injection, in process (real client, emulator, retry helper; virtual clock)', () => {
  for (const s of scenarios) {
    it(s.name, () => play(s));
  }
});
