/**
 * The fault-injection suite's player: runs the built action (dist/) against the emulator through one scenario and
 * asserts, for every scenario, that the step's result is right, that exactly one execution exists for the run's
 * ClientToken, that none is left running when the step fails or is cancelled (unless the inputs asked for that), and
 * that the summary and the outputs were written. The scenarios are in faults.test.ts (`npm test`) and
 * faults.slow.test.ts (`npm run test:slow`: those that wait on real timeouts and real retry backoff, and those whose
 * logic `npm test` covers in process); the fault scenarios that need no process of their own run in process, in
 * test/unit/execution/faults.test.ts.
 */
import { expect } from 'vitest';
import { type Emulator, installResult, sampleFleet } from '../emulator/index.js';
import { type Fault, type FaultPlan, faultPlan } from '../emulator/faults.js';
import { errorsOf, type RunResult } from './harness.js';
import { runAgainst, SAMPLE_IDS, sampleEmulator } from './fixtures.js';

export interface Ctx {
  emulator: Emulator;
  plan: FaultPlan;
  inputs: Record<string, string>;
}

export interface Expectation {
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

export interface Scenario {
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

/** What a file's scenarios saw, printed when the file ends. */
export interface Tally {
  scenarios: number;
  survived: number;
  executionsPerToken: number[];
  exitAfterSignalMs: number[];
}

export function newTally(): Tally {
  return { scenarios: 0, survived: 0, executionsPerToken: [], exitAfterSignalMs: [] };
}

export function printTally(label: string, tally: Tally): void {
  const per = [...new Set(tally.executionsPerToken)].sort().join(', ') || 'none';
  console.log(`${label}: ${tally.scenarios} scenarios, ${tally.survived} survived, executions per request: ${per}`);
  const exits = [...tally.exitAfterSignalMs].sort((a, b) => a - b);
  if (exits.length > 0) {
    console.log(`${label}: ${exits.length} runs cancelled by a signal exited ${exits[0]}-${exits.at(-1)} ms after it (limit 5000 ms)`);
  }
}

/** Sum of patch counts of an install with reboot over the sample fleet, as the outputs should say. */
export function installTotals(reboot: boolean): Record<string, string> {
  const all = Object.values(sampleFleet()).map((spec) => installResult(spec, reboot).counts);
  const sum = (k: keyof (typeof all)[number]): string => String(all.reduce((s, c) => s + c[k], 0));
  return { 'installed-count': sum('installed'), 'missing-count': sum('missing'), 'failed-count': sum('failed') };
}

export async function until(condition: () => boolean, what: string, timeoutMs = 30_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** Sends `signal` once the action is waiting on a running execution; returns when the signal was sent. */
export function signalWhileWaiting(signal: NodeJS.Signals, then?: NodeJS.Signals) {
  return async ({ emulator }: Ctx, pid: () => number): Promise<void> => {
    await until(() => emulator.callsOf('ListExecutions').length >= 2, 'a status check that sees it Running');
    process.kill(pid(), signal);
    if (then) process.kill(pid(), then);
  };
}

/** An execution that runs ten minutes, whatever the emulator was started with: the signal and timeout scenarios need one. */
export const LONG = { runningMs: 10 * 60_000, endAtFirstCheck: false };
export const executionIdOf = (_c: Ctx, r: RunResult) => r.outputs['execution-id'] ?? 'no execution-id output';

/** The runner's `signal` while the action waits on a running execution: the step cancels the execution and fails Cancelled. */
export function signalDuringWait(signal: 'SIGINT' | 'SIGTERM'): Scenario {
  return {
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
  };
}

/** Every ListInstancePatchStates fails with `fault`: the step fails naming the execution, and no instance is reported. */
export function patchStatesUnreadable(name: string, fault: Fault): Scenario {
  return {
    name,
    setup: ({ plan }) => void plan.on('ListInstancePatchStates', 'every', fault),
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
  };
}

/**
 * The main step killed outright (SIGKILL: no chance to clean up), then the post step, run as the runner runs it:
 * the same dist/index.js with the main step's saved state as STATE_* variables. It must cancel the execution.
 */
export async function playKilled(tally: Tally): Promise<void> {
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

export async function play(s: Scenario, tally: Tally): Promise<void> {
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

export function defaultsOf(inputs: Record<string, string>): Record<string, string> {
  return { region: 'cn-hangzhou', 'instance-ids': SAMPLE_IDS.join(','), action: 'scan', ...inputs };
}
