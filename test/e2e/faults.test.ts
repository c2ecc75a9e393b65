/**
 * The fault-injection suite: the built action (dist/) against the emulator, through every fault the emulator can
 * inject and some combinations, including job cancellation by real signals. For every scenario it asserts that
 * the step's result is right, that exactly one execution exists for the run's ClientToken, that none is left
 * running when the step fails or is cancelled (unless the inputs asked for that), and that the summary and the
 * outputs were written. It ends with a tally computed from what the scenarios saw.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { toCredential } from '../../src/alibaba/credential.js';
import { parseInputs } from '../../src/inputs/parse.js';
import { createOosClient } from '../../src/alibaba/oos/client.js';
import { READ_TIMEOUT_MS } from '../../src/alibaba/timeouts.js';
import { clientToken } from '../../src/execution/client-token.js';
import { DEFAULT_CREDENTIALS, type Emulator, installResult, sampleFleet } from '../emulator/index.js';
import { type FaultPlan, faultPlan, garble, loseResponse, reset, rewrite, serverError, slow, throttle } from '../emulator/faults.js';
import { errorsOf, type RunResult } from './harness.js';
import { runAgainst, SAMPLE_IDS, sampleEmulator } from './fixtures.js';

type Body = Record<string, unknown>;

interface Ctx {
  emulator: Emulator;
  plan: FaultPlan;
  inputs: Record<string, string>;
}

interface Expectation {
  /** Exit code of the step: 0 succeeded, 1 failed. */
  code: 0 | 1;
  /** The `status` output. */
  status: string;
  /** The execution's status in OOS afterwards. */
  executionStatus: string;
  /** Lines the log must contain. */
  log?: Array<string | RegExp | ((ctx: Ctx, r: RunResult) => string)>;
  /** What the ::error:: must contain. */
  error?: Array<string | RegExp | ((ctx: Ctx, r: RunResult) => string)>;
}

interface Scenario {
  name: string;
  inputs?: Record<string, string>;
  env?: Record<string, string>;
  /** Inject faults, seed the emulator. */
  setup?: (ctx: Ctx) => void | Promise<void>;
  /** Acts on the running process (signals); returns when it is done acting. */
  during?: (ctx: Ctx, pid: () => number) => Promise<void>;
  expect: Expectation;
  /** The step may leave the execution running (the inputs asked for it). */
  leavesRunning?: boolean;
  /** The setup seeds the emulator instead of injecting faults into the run. */
  seeds?: boolean;
  /** Executions that exist for the run's ClientToken afterwards; 1 unless the scenario says otherwise. */
  more?: (ctx: Ctx, r: RunResult) => void | Promise<void>;
}

const tally = { scenarios: 0, survived: 0, executionsPerToken: [] as number[], exitAfterSignalMs: [] as number[] };

/** Sum of patch counts of an install with reboot over the sample fleet, as the outputs should say. */
function installTotals(reboot: boolean): Record<string, string> {
  const all = Object.values(sampleFleet()).map((spec) => installResult(spec, reboot).counts);
  const sum = (k: keyof (typeof all)[number]): string => String(all.reduce((s, c) => s + c[k], 0));
  return { 'installed-count': sum('installed'), 'missing-count': sum('missing'), 'failed-count': sum('failed') };
}

async function until(condition: () => boolean, what: string, timeoutMs = 30_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** Sends `signal` once the action is waiting on a running execution; returns when the signal was sent. */
function signalWhileWaiting(signal: NodeJS.Signals, then?: NodeJS.Signals) {
  return async ({ emulator }: Ctx, pid: () => number): Promise<void> => {
    await until(() => emulator.callsOf('ListExecutions').length >= 2, 'a status check that sees it Running');
    process.kill(pid(), signal);
    if (then) process.kill(pid(), then);
  };
}

const byStatus = (status: string) => (p: Body) => ({
  ...p,
  Executions: (p.Executions as Body[]).map((e) => ({ ...e, Status: status })),
});

const LONG = { runningMs: 10 * 60_000 };
const requestIdOf = (n: number) => (c: Ctx) => c.plan.injected[n]?.requestId ?? 'no fault was injected';
const executionIdOf = (_c: Ctx, r: RunResult) => r.outputs['execution-id'] ?? 'no execution-id output';

const scenarios: Scenario[] = [
  // First: the longest (a real minute), so that the others run beside it.
  {
    name: 'wait-timeout-minutes reached (with failing status checks on the way): cancelled',
    inputs: { 'wait-timeout-minutes': '1' },
    setup: ({ emulator, plan }) => {
      emulator.setTimings(LONG);
      plan.on('ListExecutions', [2, 3], serverError(503));
    },
    expect: {
      code: 1,
      status: 'Cancelled',
      executionStatus: 'Cancelled',
      error: [
        (c, r) => `Execution ${executionIdOf(c, r)} did not end within wait-timeout-minutes (1); its last status was Running (request ID`,
        'Cancelled it (CancelExecution request ID',
        'Raise wait-timeout-minutes',
      ],
    },
    more: (_c, r) => expect(r.summary).toContain('The execution ended Cancelled'),
  },
  // ---- StartExecution ------------------------------------------------------------------------------------
  {
    name: 'StartExecution throttled twice, x-acs-retry-after honoured',
    setup: ({ plan }) => void plan.on('StartExecution', [1, 2], throttle({ retryAfterMs: 300 })),
    expect: {
      code: 0,
      status: 'Success',
      executionStatus: 'Success',
      log: [
        'StartExecution attempt 1 of 8 failed: Throttling.User (HTTP 400)',
        'retrying in 0.3 s as x-acs-retry-after asks',
        requestIdOf(0),
      ],
    },
  },
  {
    name: 'StartExecution 500 then 503',
    setup: ({ plan }) => void plan.on('StartExecution', 1, serverError(500)).on('StartExecution', 2, serverError(503)),
    expect: {
      code: 0,
      status: 'Success',
      executionStatus: 'Success',
      log: ['attempt 1 of 8 failed: InternalError (HTTP 500)', 'attempt 2 of 8 failed: ServiceUnavailable (HTTP 503)'],
    },
  },
  {
    name: 'StartExecution 502 from a gateway, body not JSON',
    setup: ({ plan }) => void plan.on('StartExecution', 1, serverError(502, { body: 'html' })),
    expect: { code: 0, status: 'Success', executionStatus: 'Success', log: ['attempt 1 of 8 failed: InvalidResponseBody'] },
  },
  {
    name: 'StartExecution connection reset',
    setup: ({ plan }) => void plan.on('StartExecution', 1, reset()),
    expect: { code: 0, status: 'Success', executionStatus: 'Success', log: ['attempt 1 of 8 failed: ECONNRESET'] },
  },
  {
    name: 'StartExecution answer lost after the execution was created',
    setup: ({ plan }) => void plan.on('StartExecution', 1, loseResponse()),
    expect: {
      code: 0,
      status: 'Success',
      executionStatus: 'Success',
      log: ['StartExecution took 2 attempts; every attempt sent the same ClientToken'],
    },
  },
  {
    name: 'StartExecution answer lost three times in a row',
    setup: ({ plan }) => void plan.on('StartExecution', [1, 2, 3], loseResponse()),
    expect: { code: 0, status: 'Success', executionStatus: 'Success', log: ['StartExecution took 4 attempts'] },
  },
  {
    name: 'StartExecution answer slower than the read timeout',
    setup: ({ plan }) => void plan.on('StartExecution', 1, slow(READ_TIMEOUT_MS + 1500)),
    expect: { code: 0, status: 'Success', executionStatus: 'Success', log: ['attempt 1 of 8 failed: RequestTimeout'] },
  },
  {
    name: 'StartExecution answer not JSON after the execution was created',
    setup: ({ plan }) => void plan.on('StartExecution', 1, garble()),
    expect: { code: 0, status: 'Success', executionStatus: 'Success', log: ['attempt 1 of 8 failed: InvalidResponseBody', requestIdOf(0)] },
  },
  {
    name: 'ClientToken already used with different parameters',
    seeds: true,
    setup: async ({ emulator, inputs }) => {
      const { settings } = parseInputs((n) => inputs[n] ?? '');
      const token = clientToken('1001', settings);
      const seeder = createOosClient({
        region: 'cn-hangzhou',
        endpoint: { protocol: 'HTTP', host: emulator.endpoint },
        credential: toCredential(DEFAULT_CREDENTIALS),
      });
      const spec = { ...settings, action: 'install' as const, install: { rebootIfNeed: true, createSnapshot: false, retentionDays: 7 } };
      await seeder.startExecution({ spec, clientToken: token });
      await until(() => emulator.executions().every((e) => e.endedAt !== undefined), 'the seeded execution to end');
      emulator.clearRequests();
    },
    expect: {
      code: 1,
      status: 'NotStarted',
      executionStatus: 'Success',
      error: [
        'StartExecution refused ClientToken',
        'started with other parameters',
        (c) => `request ID ${c.emulator.startExecutionCalls()[0]?.requestId}`,
        'Start a new workflow run',
      ],
    },
    more: ({ emulator }, r) => {
      expect(emulator.startExecutionCalls(), 'a 4xx is not retried').toHaveLength(1);
      expect(r.summary).toContain('not started');
    },
  },
  // ---- ListExecutions (the wait) -------------------------------------------------------------------------
  {
    name: 'status checks throttled three times',
    setup: ({ plan }) => void plan.on('ListExecutions', [1, 2, 3], throttle({ code: 'Throttling.Api' })),
    expect: { code: 0, status: 'Success', executionStatus: 'Success', log: ['ListExecutions attempt 3 of 8 failed: Throttling.Api'] },
  },
  {
    name: 'status checks 503, then reset',
    setup: ({ plan }) => void plan.on('ListExecutions', 1, serverError(503)).on('ListExecutions', 2, reset()),
    expect: { code: 0, status: 'Success', executionStatus: 'Success' },
  },
  {
    name: 'status check slower than the read timeout',
    setup: ({ plan }) => void plan.on('ListExecutions', 1, slow(READ_TIMEOUT_MS + 1500)),
    expect: { code: 0, status: 'Success', executionStatus: 'Success', log: ['ListExecutions attempt 1 of 8 failed: RequestTimeout'] },
  },
  {
    name: 'status checks not JSON',
    setup: ({ plan }) => void plan.on('ListExecutions', [1, 2], garble()),
    expect: { code: 0, status: 'Success', executionStatus: 'Success' },
  },
  {
    name: 'status checks fail past the retry budget; the wait goes on',
    setup: ({ plan }) => void plan.on('ListExecutions', { from: 1, to: 8 }, serverError(503)),
    expect: {
      code: 0,
      status: 'Success',
      executionStatus: 'Success',
      log: [
        'ListExecutions attempt 8 of 8 failed: ServiceUnavailable (HTTP 503)',
        'giving up',
        'failed (ServiceUnavailable); still waiting, until the deadline',
      ],
    },
  },
  {
    name: 'unknown status, treated as running',
    setup: ({ plan }) => void plan.on('ListExecutions', [1, 2], rewrite('unknown status', byStatus('Paused'))),
    expect: {
      code: 0,
      status: 'Success',
      executionStatus: 'Success',
      log: ['reports an unknown status "Paused"', 'treated as still running'],
    },
  },
  {
    name: 'status answer with fields missing',
    setup: ({ emulator, plan }) => {
      emulator.setTimings(LONG);
      plan.on(
        'ListExecutions',
        1,
        rewrite('no Executions', (p) => ({ RequestId: p.RequestId })),
      );
    },
    expect: {
      code: 1,
      status: 'Cancelled',
      executionStatus: 'Cancelled',
      error: [
        (c, r) => `Could not read the status of execution ${executionIdOf(c, r)}`,
        'MalformedResponse',
        requestIdOf(0),
        'if it keeps happening, report it with the request ID',
        'Cancelled it (CancelExecution request ID',
      ],
    },
  },
  // ---- ListInstancePatchStates (the report) --------------------------------------------------------------
  {
    name: 'patch states 500 once',
    setup: ({ plan }) => void plan.on('ListInstancePatchStates', 1, serverError(500)),
    expect: { code: 0, status: 'Success', executionStatus: 'Success' },
  },
  {
    name: 'patch states throttled twice, then reset',
    setup: ({ plan }) => void plan.on('ListInstancePatchStates', [1, 2], throttle()).on('ListInstancePatchStates', 3, reset()),
    expect: { code: 0, status: 'Success', executionStatus: 'Success' },
  },
  {
    name: 'patch states unreadable: every call 503',
    setup: ({ plan }) => void plan.on('ListInstancePatchStates', 'every', serverError(503)),
    expect: {
      code: 1,
      status: 'Success',
      executionStatus: 'Success',
      error: [
        (c, r) => `Execution ${executionIdOf(c, r)} ended Success, but its patch states could not be read`,
        'after 8 attempts',
        'request ID',
        're-run this workflow run',
      ],
    },
    more: (_c, r) => expect(r.summary).toContain(`❔ no patch state: ${SAMPLE_IDS.length}`),
  },
  {
    name: 'patch state count malformed',
    setup: ({ plan }) =>
      void plan.on(
        'ListInstancePatchStates',
        'every',
        rewrite('bad count', (p) => ({ ...p, InstancePatchStates: [{ InstanceId: SAMPLE_IDS[0], MissingCount: 'lots' }] })),
      ),
    expect: { code: 1, status: 'Success', executionStatus: 'Success', error: ['MalformedResponse', 'MissingCount', requestIdOf(0)] },
    more: ({ plan }) => expect(plan.callsOf('ListInstancePatchStates'), 'a malformed answer is not retried').toBe(1),
  },
  // ---- Job cancellation ----------------------------------------------------------------------------------
  ...(['SIGINT', 'SIGTERM'] as const).map((signal): Scenario => ({
    name: `${signal} during the wait`,
    setup: ({ emulator }) => emulator.setTimings(LONG),
    during: signalWhileWaiting(signal),
    expect: {
      code: 1,
      status: 'Cancelled',
      executionStatus: 'Cancelled',
      log: [`Received ${signal}`],
      error: [
        (c, r) => `The job was cancelled while execution ${executionIdOf(c, r)} was Running (request ID`,
        'Cancelled it (CancelExecution request ID',
      ],
    },
  })),
  {
    name: 'SIGINT then SIGTERM at once',
    setup: ({ emulator }) => emulator.setTimings(LONG),
    during: signalWhileWaiting('SIGINT', 'SIGTERM'),
    // Two signals sent back to back may be handled in either order: whichever comes first starts the cleanup.
    expect: {
      code: 1,
      status: 'Cancelled',
      executionStatus: 'Cancelled',
      log: [/Received SIG(INT|TERM): the job/, /Received SIG(INT|TERM) again/],
    },
  },
  {
    name: 'SIGINT, and CancelExecution throttled once',
    setup: ({ emulator, plan }) => {
      emulator.setTimings(LONG);
      plan.on('CancelExecution', 1, throttle({ retryAfterMs: 200 }));
    },
    during: signalWhileWaiting('SIGINT'),
    expect: { code: 1, status: 'Cancelled', executionStatus: 'Cancelled', log: ['CancelExecution attempt 1 of 8 failed: Throttling.User'] },
  },
  {
    name: 'SIGINT while StartExecution is in flight',
    setup: ({ emulator, plan }) => {
      emulator.setTimings(LONG);
      plan.on('StartExecution', 1, slow(800));
    },
    during: async ({ emulator }, pid) => {
      await until(() => emulator.executions().length === 1, 'the execution to be created');
      process.kill(pid(), 'SIGINT');
    },
    expect: { code: 1, status: 'Cancelled', executionStatus: 'Cancelled', log: ['Received SIGINT', 'Started execution'] },
  },
  {
    name: 'SIGINT with cancel-on-abort false leaves the execution running',
    inputs: { 'cancel-on-abort': 'false' },
    setup: ({ emulator }) => emulator.setTimings(LONG),
    during: signalWhileWaiting('SIGINT'),
    leavesRunning: true,
    expect: { code: 1, status: 'Running', executionStatus: 'Running', error: ['Left it running (cancel-on-abort is false)'] },
  },
  // ---- Combinations --------------------------------------------------------------------------------------
  {
    name: 'every operation fails first: lost start, throttled start, reset and gateway-page polls, garbled and throttled states',
    inputs: { action: 'install', 'reboot-if-need': 'true' },
    setup: ({ plan }) =>
      void plan
        .on('StartExecution', 1, loseResponse())
        .on('StartExecution', 2, throttle())
        .on('ListExecutions', 1, reset())
        .on('ListExecutions', 2, serverError(503, { body: 'html' }))
        .on('ListInstancePatchStates', 1, garble())
        .on('ListInstancePatchStates', 2, throttle()),
    expect: { code: 0, status: 'Success', executionStatus: 'Success' },
    more: (_c, r) => expect(r.outputs).toMatchObject(installTotals(true)),
  },
  {
    name: 'a re-run after an attempt that could not read the patch states reports the same execution',
    seeds: true,
    setup: async ({ emulator, inputs }) => {
      const plan = faultPlan(emulator).on(
        'ListInstancePatchStates',
        'every',
        rewrite('bad count', (p) => ({ ...p, InstancePatchStates: [{ InstanceId: SAMPLE_IDS[0] }, null] })),
      );
      const first = await runAgainst(emulator, inputs);
      expect(first.code, first.stdout).toBe(1);
      plan.remove();
    },
    env: { GITHUB_RUN_ATTEMPT: '2' },
    expect: {
      code: 0,
      status: 'Success',
      executionStatus: 'Success',
      log: [(c, r) => `Execution ${executionIdOf(c, r)} was started by an earlier attempt of this workflow run (this is attempt 2)`],
    },
  },
];

/**
 * The main step killed outright (SIGKILL: no chance to clean up), then the post step, run as the runner runs it:
 * the same dist/index.js with the main step's saved state as STATE_* variables. It must cancel the execution.
 */
async function playKilled(): Promise<void> {
  const emulator = await sampleEmulator();
  tally.scenarios += 1;
  try {
    emulator.setTimings(LONG);
    let pid = 0;
    const running = runAgainst(emulator, {}, { onSpawn: (p) => (pid = p) });
    await signalWhileWaiting('SIGKILL')({ emulator, plan: faultPlan(emulator), inputs: {} }, () => pid);
    const main = await running;
    expect(main.signal).toBe('SIGKILL');
    const [execution] = emulator.executions();
    expect(execution?.status).toBe('Running');
    expect(main.savedState).toEqual({ isPost: 'true', executionId: execution?.executionId, settled: 'false' });

    const post = await runAgainst(emulator, {}, { state: main.savedState });
    expect(post.code, post.stdout).toBe(0);
    expect(post.stdout).toContain(`execution ${execution?.executionId} is still Running: cancelling it (cancel-on-abort)`);
    const after = emulator.executions();
    expect(after).toHaveLength(1);
    tally.executionsPerToken.push(after.length);
    expect(after[0]?.status).toBe('Cancelled');
    expect(post.summary).toContain(`Execution ${execution?.executionId} cancelled by the post step`);
    expect(emulator.startExecutionCalls()).toHaveLength(1);
    tally.survived += 1;
  } finally {
    await emulator.close();
  }
}

async function play(s: Scenario): Promise<void> {
  const emulator = await sampleEmulator();
  const inputs = { ...s.inputs };
  const ctx: Ctx = { emulator, plan: faultPlan(emulator), inputs: defaultsOf(inputs) };
  tally.scenarios += 1;
  try {
    await s.setup?.(ctx);
    let pid = 0;
    const running = runAgainst(emulator, inputs, { env: s.env ?? {}, onSpawn: (p) => (pid = p), timeoutMs: 90_000 });
    let actedAt: number | undefined;
    if (s.during) {
      await s.during(ctx, () => pid);
      actedAt = Date.now();
    }
    const r = await running;
    const exitedAfterMs = actedAt === undefined ? undefined : Date.now() - actedAt;
    const log = `${r.stdout}\n${r.stderr}`;

    // The result.
    expect(r.code, log).toBe(s.expect.code);
    expect(r.outputs.status, log).toBe(s.expect.status);
    if (exitedAfterMs !== undefined) {
      expect(exitedAfterMs, 'exits within 5 s of the signal').toBeLessThan(5000);
      tally.exitAfterSignalMs.push(exitedAfterMs);
    }
    for (const l of s.expect.log ?? []) {
      if (l instanceof RegExp) expect(log).toMatch(l);
      else expect(log).toContain(typeof l === 'function' ? l(ctx, r) : l);
    }
    const errors = errorsOf(r).join('\n');
    if (s.expect.code === 1) expect(errors, log).not.toBe('');
    for (const e of s.expect.error ?? []) {
      if (e instanceof RegExp) expect(errors, log).toMatch(e);
      else expect(errors, log).toContain(typeof e === 'function' ? e(ctx, r) : e);
    }
    if (ctx.plan.injected.length === 0 && s.setup && !s.during && !s.seeds)
      expect.fail('no fault was injected: the scenario tests nothing');

    // Exactly one execution for the run's ClientToken; every StartExecution carried that token.
    const token = r.outputs['client-token'];
    expect(token).toMatch(/^patch-[0-9a-f]{32}$/);
    expect(new Set(emulator.startExecutionCalls().map((c) => c.params.ClientToken))).toEqual(new Set([token]));
    const mine = emulator.executions().filter((e) => e.clientToken === token);
    expect(mine, 'executions for the ClientToken').toHaveLength(1);
    tally.executionsPerToken.push(mine.length);
    const execution = mine[0];
    expect(execution?.status).toBe(s.expect.executionStatus);
    if (r.outputs.status !== 'NotStarted') expect(r.outputs['execution-id']).toBe(execution?.executionId);

    // Nothing left running when the step failed or was cancelled (unless asked for).
    if (r.code !== 0 && !s.leavesRunning) {
      expect(emulator.executions().filter((e) => e.status === 'Started' || e.status === 'Running')).toEqual([]);
    }

    // Summary and outputs written.
    expect(r.summary, 'job summary').toMatch(/^## /);
    if (execution && r.outputs.status !== 'NotStarted') expect(r.summary).toContain(execution.executionId);
    expect(r.outputs['instance-count']).toBe(String(SAMPLE_IDS.length));

    await s.more?.(ctx, r);
    tally.survived += 1;
  } finally {
    await emulator.close();
  }
}

function defaultsOf(inputs: Record<string, string>): Record<string, string> {
  return { region: 'cn-hangzhou', 'instance-ids': SAMPLE_IDS.join(','), action: 'scan', ...inputs };
}

describe('fault injection, end to end (dist/)', () => {
  afterAll(() => {
    const per = [...new Set(tally.executionsPerToken)].sort().join(', ') || 'none';
    console.log(`faults: ${tally.scenarios} scenarios, ${tally.survived} survived, executions per request: ${per}`);
    const exits = [...tally.exitAfterSignalMs].sort((a, b) => a - b);
    if (exits.length > 0) {
      console.log(`faults: ${exits.length} runs cancelled by a signal exited ${exits[0]}-${exits.at(-1)} ms after it (limit 5000 ms)`);
    }
  });

  for (const s of scenarios) {
    it.concurrent(s.name, () => play(s), 90_000);
  }
  it.concurrent('SIGKILL during the wait: the post step cancels the execution', () => playKilled(), 90_000);
});

describe('the post step', () => {
  it('does nothing after a main step that saw its execution end', async () => {
    const emulator = await sampleEmulator();
    try {
      const main = await runAgainst(emulator, {});
      expect(main.code).toBe(0);
      expect(main.savedState.settled).toBe('true');
      emulator.clearRequests();
      const post = await runAgainst(emulator, {}, { state: main.savedState });
      expect(post.code).toBe(0);
      expect(post.stdout).toContain('nothing to clean up');
      expect(emulator.requests).toHaveLength(0);
    } finally {
      await emulator.close();
    }
  });

  it('does nothing when the main step started no execution', async () => {
    const emulator = await sampleEmulator();
    try {
      const post = await runAgainst(emulator, {}, { state: { isPost: 'true' } });
      expect(post.code).toBe(0);
      expect(post.stdout).toContain('started no execution');
      expect(emulator.requests).toHaveLength(0);
    } finally {
      await emulator.close();
    }
  });
});
