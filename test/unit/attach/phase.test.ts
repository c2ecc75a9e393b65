/**
 * The fleet flows in process: `wait: false` (execution/detach.ts) and `action: report` (attach/phase.ts), with the
 * real OOS and ECS clients against the emulator on a virtual clock, wired as main.ts wires them (retryingOos for a
 * run, connectReadOnlyOos's narrowing for a report).
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { readInstanceIdsFile } from '../../../src/inputs/instance-ids-file.js';
import { retryingOos } from '../../../src/alibaba/connect.js';
import { toCredential } from '../../../src/alibaba/credential.js';
import { createEcsClient } from '../../../src/alibaba/ecs/client.js';
import { createOosClient, jsonObjectOf } from '../../../src/alibaba/oos/client.js';
import { readOnly } from '../../../src/alibaba/oos/read-only.js';
import type { ExecutionDescription } from '../../../src/alibaba/oos/types.js';
import { clearScan } from '../../../src/approval/clearance.js';
import { type AttachJob, attachPhase } from '../../../src/attach/phase.js';
import { attachTarget } from '../../../src/attach/target.js';
import { splitIntoBatches } from '../../../src/execution/batches.js';
import { startDetached } from '../../../src/execution/detach.js';
import { executionPhase, type PatchJob } from '../../../src/execution/phase.js';
import { parseRequest, type ReportSettings } from '../../../src/inputs/flows.js';
import { parseInputs, type Settings } from '../../../src/inputs/parse.js';
import { ActionError, InputError } from '../../../src/lib/errors.js';
import type { PatchReport } from '../../../src/report/model.js';
import { watchJobCancellation } from '../../../src/runner/job-cancellation.js';
import { CHILD_TEMPLATE, childExecutionId, DEFAULT_CREDENTIALS, type Emulator, sampleFleet, startEmulator } from '../../emulator/index.js';
import { FakeProcess, recordingLogger, recordingState, virtualClock } from '../../fakes/runtime.js';
import { readyPlan } from '../../fakes/plan.js';
import { schemaErrors } from '../../fakes/report-schema.js';
import { reportFileContent } from '../../../src/report/report-file.js';
import { renderSummary } from '../../../src/summary/run-summary.js';

const REGION = 'cn-hangzhou';
const IDS = Object.keys(sampleFleet());
const RUN_ID = '9001';
/** Executions stay Running for 2 virtual minutes. */
const RUNNING_MS = 2 * 60_000;

const open: Emulator[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((e) => e.close()));
});

async function rig() {
  const clock = virtualClock(Date.parse('2026-11-30T01:00:00Z'));
  const emulator = await startEmulator({
    fleet: sampleFleet(),
    now: () => clock.now(),
    timings: { startedMs: 1000, runningMs: RUNNING_MS },
  });
  open.push(emulator);
  const endpoint = { protocol: 'HTTP' as const, host: emulator.endpoint };
  const credential = toCredential(DEFAULT_CREDENTIALS);
  const client = (region = REGION) => createOosClient({ region, endpoint, credential });
  const ecs = createEcsClient({ region: REGION, endpoint, credential });
  const log = recordingLogger({ infoPrefix: 'info: ' });
  const state = recordingState();
  const cancellation = watchJobCancellation(new FakeProcess(), {
    log: (m) => log.warning(m),
    now: () => clock.now(),
    setTimer: () => ({ unref: () => undefined }),
  });
  const patchJob: PatchJob = {
    oos: retryingOos(() => client(), { clock, random: () => 0, log: (m) => log.info(m) }),
    ecs,
    cancellation,
    clock,
    log,
    state,
    startedAt: clock.now(),
    runAttempt: 1,
    runId: RUN_ID,
  };
  /** As main.ts builds it for action: report: only the read operations reach the phase. */
  const attachJob = (region = REGION): AttachJob => ({ oos: readOnly(client(region)), ecs, clock, log, signal: cancellation.signal });
  return { clock, emulator, client, log, state, patchJob, attachJob };
}

function scanSettings(extra: Record<string, string> = {}): Settings {
  const inputs: Record<string, string> = { region: REGION, 'instance-ids': IDS.join(','), action: 'scan', ...extra };
  return parseInputs((n) => inputs[n] ?? '').settings;
}

function reportSettings(executionId: string, extra: Record<string, string> = {}): ReportSettings {
  const inputs: Record<string, string> = { region: REGION, action: 'report', 'execution-id': executionId, ...extra };
  const request = parseRequest((n) => inputs[n] ?? '');
  if (request.action !== 'report') throw new Error('not a report');
  return request.settings;
}

async function detach(r: Awaited<ReturnType<typeof rig>>, settings = scanSettings({ wait: 'false' })) {
  const batches = splitIntoBatches(RUN_ID, settings, settings.instanceIds);
  return startDetached(clearScan(settings), readyPlan(settings, batches.slice(0, 1)), batches, r.patchJob);
}

/** What a report says about the patch states: the same for the run that started the execution and for a report. */
function counts(report: PatchReport) {
  return {
    totals: report.totals,
    nonCompliant: report.nonCompliant,
    unreported: report.unreported,
    instances: report.instances.map((i) => [i.instanceId, i.state?.counts, i.child?.status]),
    status: report.status,
  };
}

describe('wait: false', () => {
  it('returns while the execution is still running, and marks it settled so that the post step leaves it running', async () => {
    const r = await rig();
    expect(scanSettings({ wait: 'false' }).detach).toBe(true);
    const started = await detach(r);
    const [execution] = r.emulator.executions();
    expect(execution?.status).toMatch(/^(Started|Running)$/);
    expect(started.execution.executionId).toBe(execution?.executionId);
    expect(started.instanceCount).toBe(IDS.length);
    expect(started.consoleUrl).toContain(execution?.executionId);
    // The post step reads this: an ID saved, then settled (it only cancels what is not settled).
    expect(r.state.calls).toEqual([`saveExecutionId ${execution?.executionId}`, 'markSettled']);
    expect(r.emulator.callsOf('ListExecutions')).toHaveLength(0);
    expect(r.log.lines.at(-1)).toContain(`Collect its result with action: report and execution-id: ${execution?.executionId}`);
  });

  it('converges on the same execution when re-run (same ClientToken)', async () => {
    const r = await rig();
    const first = await detach(r);
    const second = await detach(r);
    expect(second.execution.executionId).toBe(first.execution.executionId);
    expect(second.clientToken).toBe(first.clientToken);
    expect(r.emulator.executions()).toHaveLength(1);
  });

  it('refuses more than one batch with an InputError that says why, before any StartExecution', async () => {
    const r = await rig();
    const settings = scanSettings({ wait: 'false' });
    const batches = splitIntoBatches(RUN_ID, settings, settings.instanceIds, 2);
    const error = await startDetached(clearScan(settings), readyPlan(settings, batches.slice(0, 1)), batches, r.patchJob).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(InputError);
    expect((error as InputError).message).toMatch(/^Input 'wait': false needs the instances to fit one execution .* max-concurrency holds/);
    expect(r.emulator.startExecutionCalls()).toHaveLength(0);
  });
});

describe('wait: false with an inventory file', () => {
  it('refuses more than one execution of instances before any request', async () => {
    const root = await mkdtemp(join(tmpdir(), 'detach-'));
    try {
      await writeFile(join(root, 'fleet.txt'), Array.from({ length: 1001 }, (_, i) => `i-f${i}`).join('\n'));
      const settings = parseInputs(
        (n) => ({ region: REGION, 'instance-ids-file': 'fleet.txt', action: 'scan', wait: 'false' })[n] ?? '',
      ).settings;
      await expect(readInstanceIdsFile(settings, { GITHUB_WORKSPACE: root })).rejects.toThrow(
        "Input 'wait': false needs the instances to fit one execution (at most 1000), got 1001",
      );
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });
});

describe('action: report', () => {
  it('attaches to a running and to an ended execution, read only, and reports the counts of the run that started it', async () => {
    const r = await rig();
    const started = await detach(r);
    const id = started.execution.executionId;
    const starts = r.emulator.startExecutionCalls().length;

    const whileRunning = await attachPhase(reportSettings(id), r.attachJob());
    expect(r.log.lines).toContain(`info: Execution ${id}: Running`);
    expect(whileRunning.status).toBe('Success');
    expect(whileRunning.execution.executionId).toBe(id);
    expect(whileRunning.instances.map((i) => i.instanceId)).toEqual(IDS);

    const afterEnd = await attachPhase(reportSettings(id), r.attachJob());
    // The run that waits, with the same run ID and inputs: its ClientToken gets the same execution back.
    const settings = scanSettings();
    const batches = splitIntoBatches(RUN_ID, settings, settings.instanceIds);
    const run = await executionPhase(clearScan(settings), readyPlan(settings, batches.slice(0, 1)), batches, r.patchJob);
    expect(run.execution.executionId).toBe(id);
    expect(counts(whileRunning)).toEqual(counts(run));
    expect(counts(afterEnd)).toEqual(counts(run));
    expect(whileRunning.nonCompliant.length).toBeGreaterThan(0);
    for (const report of [whileRunning, afterEnd, run]) expect(schemaErrors(reportFileContent(report))).toEqual([]);

    expect(r.emulator.startExecutionCalls()).toHaveLength(starts + 1); // only the run's own (idempotent) start
    expect(r.emulator.callsOf('CancelExecution')).toHaveLength(0);
  });

  it('can neither start nor cancel: the read-only OOS has no such operations, and a timed-out wait leaves the execution running', async () => {
    const r = await rig();
    const started = await detach(r);
    const job = r.attachJob();
    expect('startExecution' in job.oos).toBe(false);
    expect('cancelExecution' in job.oos).toBe(false);
    const before = r.emulator.requests.length;
    const report = await attachPhase(reportSettings(started.execution.executionId, { 'wait-timeout-minutes': '1' }), job);
    expect(report.batches[0]?.timedOut).toBe(true);
    const actions = r.emulator.requests.slice(before).map((q) => q.action);
    expect(actions).not.toContain('StartExecution');
    expect(actions).not.toContain('CancelExecution');
    expect(r.emulator.executions()[0]?.status).toBe('Running');
  });

  it('reads an install back from its Parameters: options, rate control, snapshots and failures; the file validates', async () => {
    const r = await rig();
    r.emulator.updateInstance(IDS[1] ?? '', { failExecution: true });
    const started = await r.client().startExecution({
      spec: {
        region: REGION,
        action: 'install',
        instanceIds: IDS,
        install: { rebootIfNeed: true, createSnapshot: true, retentionDays: 3 },
        rateControl: { maxConcurrency: 5, maxErrors: { percent: 50 } },
      },
      clientToken: 'console-install',
    });
    const report = await attachPhase(reportSettings(started.executionId), r.attachJob());
    expect(report.action).toBe('install');
    expect(report.install).toEqual({ rebootIfNeed: true, createSnapshot: true, retentionDays: 3 });
    expect(report.rateControl).toEqual({ maxConcurrency: 5, maxErrors: { percent: 50 } });
    expect(report.failedInstances).toEqual([IDS[1]]);
    expect(Object.keys(report.snapshotIds).length).toBeGreaterThan(0);
    expect(schemaErrors(reportFileContent(report))).toEqual([]);
  });

  it('reports several executions as one, one batch row each', async () => {
    const r = await rig();
    const a = await detach(r);
    const seeder = r.client();
    const b = await seeder.startExecution({
      spec: { region: REGION, action: 'scan', instanceIds: IDS.slice(0, 2) },
      clientToken: 'other-run',
    });
    const report = await attachPhase(reportSettings(JSON.stringify([a.execution.executionId, b.executionId])), r.attachJob());
    expect(report.batches.map((x) => x.execution?.executionId)).toEqual([a.execution.executionId, b.executionId]);
    expect(report.instances).toHaveLength(IDS.length + 2);
    const md = renderSummary(report);
    expect(md).toContain('2 executions attached by action: report.');
    expect(md).toContain('| Executions | 2, attached by action: report |');
  });

  it('fails clearly for an execution of another template', async () => {
    const r = await rig();
    const started = await detach(r);
    const child = childExecutionId(started.execution.executionId, IDS[0] ?? '');
    await r.clock.sleep(RUNNING_MS); // the loop has run: the child executions exist
    const error = await attachPhase(reportSettings(child), r.attachJob()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ActionError);
    expect((error as Error).message).toContain(
      `Execution ${child} is an execution of "${CHILD_TEMPLATE}", not ACS-ECS-BulkyApplyPatchBaseline`,
    );
  });

  it('fails clearly for a missing execution, naming the region', async () => {
    const r = await rig();
    const error = await attachPhase(reportSettings('exec-doesnotexist'), r.attachJob()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ActionError);
    expect((error as Error).message).toMatch(/^Execution exec-doesnotexist was not found in cn-hangzhou .*OOS executions are regional/);
  });

  it('fails clearly for an execution of another region: not listed there, or patching instances elsewhere', async () => {
    const r = await rig();
    const shanghai = await r.client('cn-shanghai').startExecution({
      spec: { region: 'cn-shanghai', action: 'scan', instanceIds: IDS.slice(0, 1) },
      clientToken: 'shanghai-run',
    });
    const error = await attachPhase(reportSettings(shanghai.executionId), r.attachJob()).catch((e: unknown) => e);
    expect((error as Error).message).toContain(`Execution ${shanghai.executionId} was not found in cn-hangzhou`);
    // Seen in this region, but its Parameters target another one (started with regionId of another region).
    const d: ExecutionDescription = {
      execution: { executionId: 'exec-x', status: 'Success', statusMessage: '' },
      templateName: 'ACS-ECS-BulkyApplyPatchBaseline',
      parameters: {
        regionId: 'cn-shanghai',
        action: 'scan',
        targets: { Type: 'ResourceIds', ResourceIds: ['i-a'], RegionId: 'cn-shanghai' },
      },
    };
    expect(() => attachTarget(d, REGION)).toThrow('Execution exec-x patches instances in cn-shanghai, but region is cn-hangzhou');
    const ok = attachTarget(
      { ...d, parameters: { ...d.parameters, regionId: REGION, targets: { Type: 'ResourceIds', ResourceIds: ['i-a'] } } },
      REGION,
    );
    expect(ok).toEqual({ executionId: 'exec-x', action: 'scan', instanceIds: ['i-a'] });
  });
});

describe('describeExecution Parameters', () => {
  it('reads them as ListExecutions documents them (an object) and as StartExecution does (a JSON string)', () => {
    const params = { regionId: REGION, action: 'scan' };
    expect(jsonObjectOf(params)).toEqual(params);
    expect(jsonObjectOf(JSON.stringify(params))).toEqual(params);
    expect(jsonObjectOf('not json')).toEqual({});
    expect(jsonObjectOf(['a'])).toEqual({});
    expect(jsonObjectOf(undefined)).toEqual({});
  });
});
