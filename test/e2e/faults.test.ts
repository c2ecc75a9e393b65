/**
 * The fault-injection suite, end to end: the built action (dist/) against the emulator, for the wiring: unreadable
 * patch states and the re-run after them, every operation failing first at once (a lost StartExecution answer among
 * them, reaching the step's outputs and summary), and job cancellation by a real signal and the post step (what each
 * scenario must show: fault-play.ts). Every other fault scenario runs in process, through the same client, emulator
 * faults and retry helper, in test/unit/execution/faults.test.ts. Scenarios that wait out a real timeout or the real
 * retry backoff (a minute, 10 s read timeouts, 8 attempts of jittered backoff), and end to end what npm test covers in
 * process (one transient fault of the status checks and of the patch states, one lost StartExecution answer on its own,
 * SIGTERM during the wait, a ClientToken refused for other parameters: a step that starts nothing), are in
 * faults.slow.test.ts, run by `npm run test:slow`.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { faultPlan, garble, loseResponse, reset, rewrite, serverError, slow, throttle } from '../emulator/faults.js';
import {
  executionIdOf,
  installTotals,
  LONG,
  newTally,
  patchStatesUnreadable,
  play,
  playKilled,
  printTally,
  type Scenario,
  signalDuringWait,
  signalWhileWaiting,
  until,
} from './fault-play.js';
import { runAgainst, SAMPLE_IDS, sampleEmulator } from './fixtures.js';

const scenarios: Scenario[] = [
  // ---- Patch states --------------------------------------------------------------------------------------
  // As 'patch states unreadable: every call 503' in faults.slow.test.ts, without waiting out the real backoff.
  patchStatesUnreadable('patch states unreadable: every call throttled (x-acs-retry-after 20 ms)', throttle({ retryAfterMs: 20 })),
  // ---- Job cancellation ----------------------------------------------------------------------------------
  // SIGTERM, which the same handler takes (src/runner/job-cancellation.ts), is in faults.slow.test.ts.
  signalDuringWait('SIGINT'),
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
  // ---- A hostile endpoint (issue 13) -------------------------------------------------------------------
  {
    name: 'hostile endpoint: workflow commands in an error code and in every StatusMessage',
    setup: ({ plan }) =>
      void plan.on('ListExecutions', 1, throttle({ code: 'Throttling.User\n::add-mask::Success' })).on(
        'ListExecutions',
        'every',
        rewrite('commands in StatusMessage', (p) => ({
          ...p,
          Executions: (p.Executions as Array<Record<string, unknown>>).map((e) => ({
            ...e,
            StatusMessage: 'boom\n::stop-commands::x\r\n::add-mask::Success',
          })),
        })),
      ),
    expect: {
      code: 0,
      status: 'Success',
      executionStatus: 'Success',
      log: ['stop-commands', 'ListExecutions attempt 1 of 8 failed: Throttling.User'],
    },
    more: (_c, r) => {
      // No line the runner would read as a command came from the server: the action's own are ::set-output-free.
      const forged = r.stdout.split(/\r\n|\r|\n/).filter((l) => /^\s*::(stop-commands|add-mask::Success)/.test(l));
      expect(forged).toEqual([]);
      expect(r.outputs['execution-id']).toMatch(/^exec-[a-z0-9]+$/);
    },
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
      log: [(c, r) => `Execution ${executionIdOf(c, r)} (started by attempt 1`, 'ended Success: reporting it; nothing new is started.'],
    },
  },
];

const tally = newTally();

describe('fault injection, end to end (dist/)', () => {
  afterAll(() => printTally('faults', tally));

  for (const s of scenarios) {
    it.concurrent(s.name, () => play(s, tally), 90_000);
  }
  it.concurrent('SIGKILL during the wait: the post step cancels the execution', () => playKilled(tally), 90_000);
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
