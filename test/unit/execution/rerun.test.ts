/**
 * Re-runs and lost starts, in process: the execution phase with the real OOS client against the emulator, the real
 * retry helper, a virtual clock for the emulator and every sleep. Each attempt of a workflow run is one call of
 * executionPhase with GITHUB_RUN_ATTEMPT's value; every scenario counts the executions the emulator holds.
 */
import { EventEmitter } from 'node:events';
import { afterEach, describe, expect, it } from 'vitest';
import { type OosFactory, retryingOos } from '../../../src/alibaba/connect.js';
import { toCredential } from '../../../src/alibaba/credential.js';
import { createOosClient } from '../../../src/alibaba/oos/client.js';
import type { OosApi } from '../../../src/alibaba/oos/types.js';
import { splitIntoBatches } from '../../../src/execution/batches.js';
import { attemptClientToken } from '../../../src/execution/client-token.js';
import { findRequestExecutions } from '../../../src/execution/find-executions.js';
import { executionPhase } from '../../../src/execution/phase.js';
import { TAG_KEYS } from '../../../src/execution/request-tags.js';
import { parseInputs, type Settings } from '../../../src/inputs/parse.js';
import type { PatchReport } from '../../../src/report/model.js';
import { watchJobCancellation } from '../../../src/runner/job-cancellation.js';
import { renderSummary } from '../../../src/summary/run-summary.js';
import { DEFAULT_CREDENTIALS, type Emulator, type Readings, startEmulator } from '../../emulator/index.js';
import { faultPlan, loseResponse, rewrite, serverError } from '../../emulator/faults.js';
import { approvedClearance, ecsAfterPreflight, readyPlan } from '../../fakes/plan.js';
import { recordingLogger, virtualClock } from '../../fakes/runtime.js';

const REGION = 'cn-hangzhou';
const RUN_ID = '90210';
const REPOSITORY = 'acme/fleet';
const IDS = ['i-bp1rerun000001', 'i-bp1rerun000002'];
const FLEET = Object.fromEntries(IDS.map((id) => [id, { installed: 10, missing: 2, os: 'linux' as const }]));

const open: Emulator[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((e) => e.close()));
});

interface World {
  emulator: Emulator;
  clock: ReturnType<typeof virtualClock>;
  client: OosApi;
  oos: OosFactory;
}

async function world(variant: Partial<Readings> = {}): Promise<World> {
  const clock = virtualClock(Date.parse('2026-11-29T10:00:00Z'));
  const emulator = await startEmulator({ fleet: FLEET, now: () => clock.now(), variant });
  open.push(emulator);
  const client = createOosClient({
    region: REGION,
    endpoint: { protocol: 'HTTP', host: emulator.endpoint },
    credential: toCredential(DEFAULT_CREDENTIALS),
  });
  const oos = retryingOos(() => client, { clock, random: () => 0.5, log: () => undefined });
  return { emulator, clock, client, oos };
}

function settingsFor(inputs: Record<string, string> = {}): Settings {
  const all: Record<string, string> = {
    region: REGION,
    'instance-ids': IDS.join(','),
    action: 'install',
    'approval-environment': 'production',
    'github-token': 'ghs_test',
    ...inputs,
  };
  return parseInputs((name) => all[name] ?? '').settings;
}

/** One attempt of the workflow run: the execution phase as main.ts runs it, with GITHUB_RUN_ATTEMPT = `attempt`. */
async function attempt(w: World, runAttempt: number, inputs: Record<string, string> = {}) {
  const settings = settingsFor(inputs);
  const batches = splitIntoBatches(RUN_ID, settings);
  const log = recordingLogger();
  const proc = Object.assign(new EventEmitter(), { exit: () => undefined });
  const saved: string[] = [];
  const report = await executionPhase(approvedClearance(settings), readyPlan(settings, batches), batches, {
    oos: w.oos,
    ecs: ecsAfterPreflight,
    cancellation: watchJobCancellation(proc, { log: (m) => log.warning(m) }),
    clock: w.clock,
    log,
    state: { saveExecutionId: (id) => saved.push(id), markSettled: () => saved.push('settled') },
    startedAt: w.clock.now(),
    runAttempt,
    runId: RUN_ID,
    repository: REPOSITORY,
  });
  const batch = batches[0];
  if (!batch) throw new Error('no batch');
  return { report, log: log.lines.join('\n'), batch, saved };
}

function failOn(w: World, instanceId: string, fail: boolean): void {
  w.emulator.updateInstance(instanceId, { failExecution: fail });
}

function summaryOf(report: PatchReport): string {
  return renderSummary(report);
}

describe('tags on every execution', () => {
  it('StartExecution carries the base ClientToken, repository, run ID and attempt, and the action as Tags', async () => {
    const w = await world();
    const { batch } = await attempt(w, 1);
    const [execution] = w.emulator.executions();
    expect(w.emulator.executions()).toHaveLength(1);
    expect(execution?.clientToken).toBe(batch.clientToken);
    expect(execution?.tags).toEqual({
      [TAG_KEYS.clientToken]: batch.clientToken,
      [TAG_KEYS.repository]: REPOSITORY,
      [TAG_KEYS.runId]: RUN_ID,
      [TAG_KEYS.runAttempt]: '1',
      [TAG_KEYS.action]: 'install',
    });
    expect(JSON.parse(w.emulator.startExecutionCalls()[0]?.params.Tags ?? '{}')).toEqual(execution?.tags);
  });
});

describe('re-runs retry what failed, and only that', () => {
  it('a failed install re-run as attempt 2 starts one new execution with the attempt token and reports it; attempt 3 starts nothing and reports it', async () => {
    const w = await world();
    failOn(w, IDS[0] ?? '', true);
    const first = await attempt(w, 1);
    expect(first.report.status).toBe('Failed');
    const failedId = first.report.execution.executionId;
    expect(w.emulator.executions()).toHaveLength(1);

    // The mirror is back; the reviewers approved the re-run.
    failOn(w, IDS[0] ?? '', false);
    const second = await attempt(w, 2);
    const executions = w.emulator.executions();
    expect(executions).toHaveLength(2);
    const retry = executions[1];
    expect(retry?.clientToken).toBe(attemptClientToken(second.batch.tokenSource, 2));
    expect(retry?.clientToken).not.toBe(second.batch.clientToken);
    expect(retry?.tags[TAG_KEYS.clientToken]).toBe(second.batch.clientToken);
    expect(retry?.tags[TAG_KEYS.runAttempt]).toBe('2');
    expect(second.report.execution.executionId).toBe(retry?.executionId);
    expect(second.report.status).toBe('Success');
    expect(second.report.earlierExecutions?.map((e) => [e.executionId, e.status, e.runAttempt])).toEqual([[failedId, 'Failed', 1]]);
    expect(second.report.lookups?.[0]?.reason).toBe('rerun');
    expect(second.log).toContain(`Execution ${failedId} (started by attempt 1`);
    expect(second.log).toContain('ended Failed: this re-run (attempt 2, on-rerun: retry-failed) starts a new execution');
    const summary = summaryOf(second.report);
    expect(summary).toContain('### Earlier executions of this request');
    expect(summary).toContain(failedId);
    // Every StartExecution of attempt 2 sent the attempt token.
    const tokens = w.emulator.startExecutionCalls().map((c) => c.params.ClientToken);
    expect(tokens).toEqual([first.batch.clientToken, retry?.clientToken]);

    const third = await attempt(w, 3);
    expect(w.emulator.executions()).toHaveLength(2);
    expect(w.emulator.startExecutionCalls()).toHaveLength(2);
    expect(third.report.execution.executionId).toBe(retry?.executionId);
    expect(third.report.status).toBe('Success');
    expect(third.log).toContain('ended Success: reporting it; nothing new is started.');
    expect(third.report.earlierExecutions?.map((e) => e.executionId)).toEqual([failedId]);
    expect(third.saved[0]).toBe(retry?.executionId);
  });

  it('a re-run while the first execution still runs waits for it and starts nothing', async () => {
    const w = await world();
    w.emulator.setTimings({ runningMs: 90_000 });
    // Attempt 1 stops waiting after a minute and leaves the execution running (cancel-on-timeout: false).
    const first = await attempt(w, 1, { 'wait-timeout-minutes': '1', 'cancel-on-timeout': 'false', 'poll-interval-seconds': '30' });
    expect(first.report.execution.status).toBe('Running');
    const second = await attempt(w, 2, { 'poll-interval-seconds': '30' });
    expect(w.emulator.executions()).toHaveLength(1);
    expect(w.emulator.startExecutionCalls()).toHaveLength(1);
    expect(second.report.execution.executionId).toBe(first.report.execution.executionId);
    expect(second.report.status).toBe('Success');
    expect(second.log).toContain('is still Running: waiting for it instead of starting another.');
    expect(second.report.earlierExecutions).toBeUndefined();
  });

  it('on-rerun: reuse keeps the strict behaviour: a failed execution is reported again, nothing new starts', async () => {
    const w = await world();
    failOn(w, IDS[1] ?? '', true);
    const first = await attempt(w, 1, { 'on-rerun': 'reuse' });
    failOn(w, IDS[1] ?? '', false);
    const second = await attempt(w, 2, { 'on-rerun': 'reuse' });
    expect(w.emulator.executions()).toHaveLength(1);
    expect(w.emulator.startExecutionCalls()).toHaveLength(1);
    expect(second.report.execution.executionId).toBe(first.report.execution.executionId);
    expect(second.report.status).toBe('Failed');
    expect(second.log).toContain('ended Failed: reporting it (on-rerun is reuse); nothing new is started.');
  });

  it('a re-run whose lookup fails falls back to the base token, which OOS answers with the earlier execution', async () => {
    const w = await world();
    failOn(w, IDS[0] ?? '', true);
    const first = await attempt(w, 1);
    const plan = faultPlan(w.emulator).on('ListExecutions', 1, serverError(400, { code: 'InvalidParameter' }));
    const second = await attempt(w, 2);
    plan.remove();
    expect(plan.injected.map((f) => f.operation)).toEqual(['ListExecutions']);
    expect(w.emulator.executions()).toHaveLength(1);
    expect(w.emulator.startExecutionCalls().map((c) => c.params.ClientToken)).toEqual([first.batch.clientToken, first.batch.clientToken]);
    expect(second.report.execution.executionId).toBe(first.report.execution.executionId);
    expect(second.log).toContain("warning: Looking for this request's earlier executions by tag failed (InvalidParameter)");
  });

  it('a re-run of a run whose first attempt started nothing starts with the base token', async () => {
    const w = await world();
    const second = await attempt(w, 2);
    expect(w.emulator.executions()).toHaveLength(1);
    expect(w.emulator.executions()[0]?.clientToken).toBe(second.batch.clientToken);
    expect(second.log).toContain('No execution of this request was found (attempt 2)');
  });
});

describe('a start whose answers are all lost finds its execution by tag', () => {
  for (const executionTagsFilter of ['honoured', 'ignored'] as const) {
    it(`and finishes as a normal run (ListExecutions Tags filter ${executionTagsFilter})`, async () => {
      const w = await world({ executionTagsFilter });
      // Another request's execution in the same window: matched out on our side when the filter is ignored.
      await w.client.startExecution({
        spec: { region: REGION, action: 'scan', instanceIds: [IDS[0] ?? ''] },
        clientToken: 'patch-someoneelse',
        tags: { [TAG_KEYS.clientToken]: 'patch-someoneelse', [TAG_KEYS.runAttempt]: '1' },
      });
      const plan = faultPlan(w.emulator).on('StartExecution', 'every', loseResponse());
      const run = await attempt(w, 1);
      plan.remove();
      const mine = w.emulator.executions().filter((e) => e.clientToken === run.batch.clientToken);
      expect(w.emulator.executions()).toHaveLength(2);
      expect(mine).toHaveLength(1);
      expect(plan.injected.length).toBeGreaterThan(1);
      expect(run.report.execution.executionId).toBe(mine[0]?.executionId);
      expect(run.report.status).toBe('Success');
      expect(run.report.problem).toBeUndefined();
      expect(run.report.instances.map((i) => i.instanceId)).toEqual(IDS);
      expect(run.report.lookups).toEqual([
        {
          reason: 'lost-start',
          tags: `${TAG_KEYS.clientToken}=${run.batch.clientToken}`,
          tagFilter: executionTagsFilter,
          outcome: expect.stringContaining(`found execution ${mine[0]?.executionId} by its tags`) as string,
        },
      ]);
      expect(run.saved[0]).toBe(mine[0]?.executionId);
      const summary = summaryOf(run.report);
      expect(summary).toContain('Every StartExecution answer was lost');
      expect(summary).toContain(
        executionTagsFilter === 'honoured'
          ? 'OOS filtered by the tags'
          : "OOS listed the template's executions and the action matched the tags",
      );
    });
  }

  it('fails as before when no execution carries the tags (the request never reached OOS)', async () => {
    const w = await world();
    faultPlan(w.emulator).on('StartExecution', 'every', { kind: 'reset' });
    const error = await attempt(w, 1).catch((e: unknown) => e);
    expect(w.emulator.executions()).toHaveLength(0);
    expect((error as Error).message).toContain('No execution carrying its tags');
  });
});

describe('findRequestExecutions', () => {
  it('reads Tags sent back as a JSON string as well as a map', async () => {
    const w = await world();
    const { report, batch } = await attempt(w, 1, { action: 'scan', 'approval-environment': '', 'github-token': '' });
    const stringTags = (p: Record<string, unknown>) => ({
      ...p,
      Executions: (p.Executions as Array<Record<string, unknown>>).map((e) => ({ ...e, Tags: JSON.stringify(e.Tags) })),
    });
    faultPlan(w.emulator).on('ListExecutions', 'every', rewrite('tags as a string', stringTags));
    const found = await findRequestExecutions(w.client, { clientToken: batch.clientToken }, { since: w.clock.now() - 3600_000 });
    expect(found.executions.map((e) => e.executionId)).toEqual([report.execution.executionId]);
    expect(found.executions[0]?.tags[TAG_KEYS.runAttempt]).toBe('1');
  });

  for (const executionTagsFilter of ['honoured', 'ignored'] as const) {
    it(`by client-token finds the same execution as by execution-id, and by run-id the run's (filter ${executionTagsFilter})`, async () => {
      const w = await world({ executionTagsFilter });
      const { report, batch } = await attempt(w, 1, { action: 'scan', 'approval-environment': '', 'github-token': '' });
      await w.client.startExecution({
        spec: { region: REGION, action: 'scan', instanceIds: [IDS[0] ?? ''] },
        clientToken: 'patch-otherrun',
        tags: { [TAG_KEYS.clientToken]: 'patch-otherrun', [TAG_KEYS.runId]: '1', [TAG_KEYS.repository]: REPOSITORY },
      });
      expect(w.emulator.executions()).toHaveLength(2);
      const byId = await w.client.getExecution(report.execution.executionId);
      const since = w.clock.now() - 3600_000;
      const byToken = await findRequestExecutions(w.client, { clientToken: batch.clientToken }, { since });
      expect(byToken.executions.map((e) => [e.executionId, e.status])).toEqual([[byId.executionId, byId.status]]);
      expect(byToken.tagFilter).toBe(executionTagsFilter);
      const byRun = await findRequestExecutions(w.client, { runId: RUN_ID, repository: REPOSITORY }, { since });
      expect(byRun.executions.map((e) => e.executionId)).toEqual([byId.executionId]);
      const otherRepo = await findRequestExecutions(w.client, { runId: RUN_ID, repository: 'acme/other' }, { since });
      expect(otherRepo.executions).toEqual([]);
      // Sent as the filter, and the window by start date.
      const call = w.emulator.callsOf('ListExecutions').find((c) => c.params.Tags !== undefined);
      expect(JSON.parse(call?.params.Tags ?? '{}')).toEqual({ [TAG_KEYS.clientToken]: batch.clientToken });
      expect(call?.params.TemplateName).toBe('ACS-ECS-BulkyApplyPatchBaseline');
      expect(call?.params.StartDateAfter).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    });
  }
});
