/**
 * `action: report` by request (issue 16): attaching by `client-token` or `run-id`, found by the tags every execution
 * carries, in process: the execution phase starts the executions as main.ts runs it (real OOS client, emulator,
 * virtual clock), then the report phase attaches with the read-only OOS, under both readings of the ListExecutions
 * Tags filter. Every scenario counts the executions and checks the report started and cancelled nothing.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { retryingOos } from '../../../src/alibaba/connect.js';
import { toCredential } from '../../../src/alibaba/credential.js';
import { createEcsClient } from '../../../src/alibaba/ecs/client.js';
import { createOosClient } from '../../../src/alibaba/oos/client.js';
import { readOnly } from '../../../src/alibaba/oos/read-only.js';
import type { ListedExecution } from '../../../src/alibaba/oos/types.js';
import { type AttachJob, attachPhase } from '../../../src/attach/phase.js';
import { newestPerRequest } from '../../../src/attach/requests.js';
import { splitIntoBatches } from '../../../src/execution/batches.js';
import { executionPhase, type PatchJob } from '../../../src/execution/phase.js';
import { TAG_KEYS } from '../../../src/execution/request-tags.js';
import { parseRequest, type ReportSettings } from '../../../src/inputs/flows.js';
import { parseInputs, type Settings } from '../../../src/inputs/parse.js';
import { ActionError } from '../../../src/lib/errors.js';
import type { PatchReport } from '../../../src/report/model.js';
import { reportFileContent } from '../../../src/report/report-file.js';
import { watchJobCancellation } from '../../../src/runner/job-cancellation.js';
import { renderSummary } from '../../../src/summary/run-summary.js';
import { DEFAULT_CREDENTIALS, type Emulator, type Readings, sampleFleet, startEmulator } from '../../emulator/index.js';
import { approvedClearance, readyPlan } from '../../fakes/plan.js';
import { schemaErrors } from '../../fakes/report-schema.js';
import { FakeProcess, recordingLogger, recordingState, virtualClock } from '../../fakes/runtime.js';

const REGION = 'cn-hangzhou';
const IDS = Object.keys(sampleFleet());
const RUN_ID = '4242';
const REPOSITORY = 'acme/fleet';

const open: Emulator[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((e) => e.close()));
});

async function rig(tagFilter: Readings['executionTagsFilter']) {
  const clock = virtualClock(Date.parse('2026-11-30T01:00:00Z'));
  const emulator = await startEmulator({
    fleet: sampleFleet(),
    now: () => clock.now(),
    timings: { startedMs: 1000, runningMs: 10_000 },
    variant: { executionTagsFilter: tagFilter },
  });
  open.push(emulator);
  const endpoint = { protocol: 'HTTP' as const, host: emulator.endpoint };
  const credential = toCredential(DEFAULT_CREDENTIALS);
  const client = createOosClient({ region: REGION, endpoint, credential });
  const ecs = createEcsClient({ region: REGION, endpoint, credential });
  const log = recordingLogger({ infoPrefix: 'info: ' });
  const cancellation = watchJobCancellation(new FakeProcess(), {
    log: (m) => log.warning(m),
    now: () => clock.now(),
    setTimer: () => ({ unref: () => undefined }),
  });

  /** One step that starts and waits, as main.ts runs it: attempt `runAttempt` of workflow run `runId`. */
  async function run(settings: Settings, options: { runId?: string; repository?: string; runAttempt?: number; batchSize?: number } = {}) {
    const runId = options.runId ?? RUN_ID;
    const batches = splitIntoBatches(runId, settings, settings.instanceIds, options.batchSize);
    const job: PatchJob = {
      oos: retryingOos(() => client, { clock, random: () => 0, log: (m) => log.info(m) }),
      ecs,
      cancellation,
      clock,
      log,
      state: recordingState(),
      startedAt: clock.now(),
      runAttempt: options.runAttempt ?? 1,
      runId,
      repository: options.repository ?? REPOSITORY,
    };
    const report = await executionPhase(approvedClearance(settings), readyPlan(settings, batches), batches, job);
    return { report, batches };
  }

  /** action: report as main.ts runs it: the read-only OOS, GITHUB_REPOSITORY; asserts it started and cancelled nothing. */
  async function report(inputs: Record<string, string>, repository = REPOSITORY): Promise<PatchReport> {
    const before = emulator.requests.length;
    const job: AttachJob = { oos: readOnly(client), ecs, clock, log, signal: cancellation.signal, repository };
    try {
      return await attachPhase(reportSettings(inputs), job);
    } finally {
      const actions = emulator.requests.slice(before).map((q) => q.action);
      expect(actions).not.toContain('StartExecution');
      expect(actions).not.toContain('CancelExecution');
    }
  }
  return { clock, emulator, log, run, report };
}

function settingsFor(inputs: Record<string, string> = {}): Settings {
  const all: Record<string, string> = { region: REGION, 'instance-ids': IDS.join(','), action: 'scan', ...inputs };
  return parseInputs((n) => all[n] ?? '').settings;
}

function reportSettings(inputs: Record<string, string>): ReportSettings {
  const all: Record<string, string> = { region: REGION, action: 'report', ...inputs };
  const request = parseRequest((n) => all[n] ?? '');
  if (request.action !== 'report') throw new Error('not a report');
  return request.settings;
}

/** What a report says about the patch states: the same however the executions were found. */
function counts(report: PatchReport) {
  return {
    totals: report.totals,
    nonCompliant: report.nonCompliant,
    unreported: report.unreported,
    failedInstances: report.failedInstances,
    instances: report.instances.map((i) => [i.instanceId, i.state?.counts, i.child?.status]),
    status: report.status,
  };
}

const READINGS = ['honoured', 'ignored'] as const;

describe.each(READINGS)('action: report by request, ListExecutions Tags filter %s', (tagFilter) => {
  it('client-token finds the execution execution-id names, and publishes the same counts', async () => {
    const r = await rig(tagFilter);
    const { report: run, batches } = await r.run(settingsFor());
    // Another run of the same repository in the region: its execution carries other tags and is never reported.
    const other = await r.run(settingsFor({ 'instance-ids': IDS.slice(0, 2).join(',') }), { runId: '7777' });
    expect(r.emulator.executions()).toHaveLength(2);
    const token = batches[0]?.clientToken ?? '';
    const id = run.execution.executionId;

    const byId = await r.report({ 'execution-id': id });
    const byToken = await r.report({ 'client-token': token });
    expect(byToken.execution.executionId).toBe(id);
    expect(byToken.batches.map((b) => b.execution?.executionId)).toEqual([id]);
    expect(counts(byToken)).toEqual(counts(byId));
    expect(counts(byToken)).toEqual(counts(run));
    expect(byToken.nonCompliant.length).toBeGreaterThan(0);
    expect(byToken.clientToken).toBe(token);
    expect(byToken.lookups).toEqual([expect.objectContaining({ reason: 'report', tags: `${TAG_KEYS.clientToken}=${token}`, tagFilter })]);
    expect(byToken.earlierExecutions).toBeUndefined();
    expect(r.log.lines.join('\n')).toContain(
      tagFilter === 'honoured'
        ? 'ListExecutions answered with executions carrying the tags only: 1.'
        : "OOS ignored the Tags filter and listed the template's executions; 1 carry the tags.",
    );
    const md = renderSummary(byToken);
    expect(md).toContain(`**action: report by request**: looked for the executions tagged \`${TAG_KEYS.clientToken}=${token}\``);
    expect(md).toContain(`| ClientToken | \`${token}\` |`);
    expect(md).not.toContain(other.report.execution.executionId);
    expect(schemaErrors(reportFileContent(byToken))).toEqual([]);
    expect(r.emulator.executions()).toHaveLength(2);
  });

  it('run-id reports every batch of the run, the first batch first, and nothing of another run or repository', async () => {
    const r = await rig(tagFilter);
    const { report: run, batches } = await r.run(settingsFor(), { batchSize: 4 });
    expect(batches).toHaveLength(2);
    await r.run(settingsFor(), { runId: '7777' });
    // The same run ID in another repository: GITHUB_RUN_ID is unique per repository only.
    await r.run(settingsFor({ 'instance-ids': IDS.slice(0, 3).join(',') }), { repository: 'acme/other' });
    expect(r.emulator.executions()).toHaveLength(4);

    const byRun = await r.report({ 'run-id': RUN_ID });
    const runIds = run.batches.map((b) => b.execution?.executionId);
    expect(runIds).toHaveLength(2);
    expect(byRun.batches.map((b) => b.execution?.executionId)).toEqual(runIds);
    expect(byRun.batches.map((b) => b.clientToken)).toEqual(batches.map((b) => b.clientToken));
    expect(counts(byRun)).toEqual(counts(run));
    expect(byRun.lookups?.[0]).toMatchObject({
      reason: 'report',
      tags: `${TAG_KEYS.runId}=${RUN_ID}, ${TAG_KEYS.repository}=${REPOSITORY}`,
      tagFilter,
    });
    expect(byRun.lookups?.[0]?.outcome).toContain('the newest execution of each of 2 requests');
    expect(renderSummary(byRun)).toContain('2 executions attached by action: report.');

    // A run ID no execution of this repository carries.
    const error = await r.report({ 'run-id': RUN_ID }, 'acme/nobody').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ActionError);
    expect((error as Error).message).toContain(
      `tagged ${TAG_KEYS.runId}=${RUN_ID}, ${TAG_KEYS.repository}=acme/nobody was found in ${REGION}`,
    );
    expect(r.emulator.executions()).toHaveLength(4);
  });

  it('after a re-run that retried a failed install, reports the newest execution and lists the failed one as earlier', async () => {
    const r = await rig(tagFilter);
    const install = settingsFor({ action: 'install', 'approval-environment': 'production', 'github-token': 'ghs_test' });
    r.emulator.updateInstance(IDS[0] ?? '', { failExecution: true });
    const first = await r.run(install);
    expect(first.report.status).toBe('Failed');
    r.emulator.updateInstance(IDS[0] ?? '', { failExecution: false });
    const second = await r.run(install, { runAttempt: 2 });
    expect(second.report.status).toBe('Success');
    expect(r.emulator.executions()).toHaveLength(2);
    const failedId = first.report.execution.executionId;
    const retryId = second.report.execution.executionId;
    expect(retryId).not.toBe(failedId);

    for (const inputs of [{ 'client-token': first.batches[0]?.clientToken ?? '' }, { 'run-id': RUN_ID }]) {
      const report = await r.report(inputs);
      expect(report.execution.executionId).toBe(retryId);
      expect(report.batches).toHaveLength(1);
      expect(report.status).toBe('Success');
      expect(counts(report)).toEqual(counts(second.report));
      expect(report.earlierExecutions?.map((e) => [e.executionId, e.status, e.runAttempt])).toEqual([[failedId, 'Failed', 1]]);
      expect(report.lookups?.[0]?.outcome).toContain(`${retryId} (run attempt 2); 1 earlier execution(s) listed`);
      const md = renderSummary(report);
      expect(md).toContain('### Earlier executions of this request');
      expect(md).toContain(failedId);
    }
    expect(r.emulator.executions()).toHaveLength(2);
  });

  it('fails clearly when nothing carries the tags, naming them and the region', async () => {
    const r = await rig(tagFilter);
    await r.run(settingsFor());
    const token = 'patch-0123456789abcdef0123456789abcdef';
    const error = await r.report({ 'client-token': token }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ActionError);
    expect((error as Error).message).toMatch(
      new RegExp(
        `^No execution of ACS-ECS-BulkyApplyPatchBaseline tagged ${TAG_KEYS.clientToken}=${token} was found in ${REGION} \\(started in the last 30 days\\)\\. .*check the client-token`,
      ),
    );
    expect(r.emulator.executions()).toHaveLength(1);
  });
});

describe('action: report by request: refusals', () => {
  it('refuses a run-id without GITHUB_REPOSITORY before any OOS call', async () => {
    const r = await rig('honoured');
    const before = r.emulator.requests.length;
    await expect(r.report({ 'run-id': RUN_ID }, '')).rejects.toThrow(
      /^GITHUB_REPOSITORY is not set: run-id is looked up together with the repository/,
    );
    expect(r.emulator.requests.length).toBe(before);
  });

  it('parses exactly one locator, and refuses the others for other actions', () => {
    const token = 'patch-0123456789abcdef0123456789abcdef';
    expect(reportSettings({ 'client-token': token }).locator).toEqual({ by: 'client-token', clientToken: token });
    expect(reportSettings({ 'run-id': ' 123 ' }).locator).toEqual({ by: 'run-id', runId: '123' });
    expect(reportSettings({ 'execution-id': 'exec-a' }).locator).toEqual({ by: 'execution-id', executionIds: ['exec-a'] });
    expect(() => reportSettings({})).toThrow(
      /^Input 'execution-id': is required with action: report, unless client-token or run-id is set/,
    );
    expect(() => reportSettings({ 'execution-id': 'exec-a', 'run-id': '1' })).toThrow(
      "Input 'run-id': cannot be combined with execution-id: give exactly one of execution-id, client-token, run-id",
    );
    expect(() => settingsFor({ 'client-token': token })).toThrow("Input 'client-token': applies to action: report only, not scan");
  });
});

describe('newestPerRequest', () => {
  const listed = (executionId: string, token: string | undefined, startDate: string): ListedExecution => ({
    executionId,
    status: 'Success',
    statusMessage: '',
    startDate,
    templateName: 'ACS-ECS-BulkyApplyPatchBaseline',
    tags: token === undefined ? {} : { [TAG_KEYS.clientToken]: token },
  });

  it('keeps the newest of each base ClientToken, requests in the order first started, the others as older', () => {
    // Newest first, as findRequestExecutions lists them: batch 1 (token a) was retried by attempt 2.
    const a2 = listed('exec-a2', 'a', '2026-11-30T03:00:00Z');
    const b1 = listed('exec-b1', 'b', '2026-11-30T02:00:00Z');
    const a1 = listed('exec-a1', 'a', '2026-11-30T01:00:00Z');
    const untagged = listed('exec-x', undefined, '2026-11-30T00:30:00Z');
    const grouped = newestPerRequest([a2, b1, a1, untagged]);
    expect(grouped.newest.map((e) => e.executionId)).toEqual(['exec-x', 'exec-a2', 'exec-b1']);
    expect(grouped.older).toEqual([{ execution: a1, request: 2 }]);
    expect(newestPerRequest([])).toEqual({ newest: [], older: [] });
  });
});
