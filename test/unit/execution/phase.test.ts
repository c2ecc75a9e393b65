import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { CloudError } from '../../../src/alibaba/cloud-error.js';
import type { OosFactory } from '../../../src/alibaba/connect.js';
import type { Execution, ExecutionSpec, OosApi } from '../../../src/alibaba/oos/types.js';
import { clearScan } from '../../../src/approval/clearance.js';
import { splitIntoBatches } from '../../../src/execution/batches.js';
import { executionPhase, type PatchJob } from '../../../src/execution/phase.js';
import { NotStartedError } from '../../../src/execution/run-execution.js';
import { parseInputs, type Settings } from '../../../src/inputs/parse.js';
import type { Logger } from '../../../src/lib/log.js';
import { watchJobCancellation } from '../../../src/runner/job-cancellation.js';
import { ecsAfterPreflight, readyPlan } from '../../fakes/plan.js';
import { recordingLogger, virtualClock } from '../../fakes/runtime.js';

const START = Date.parse('2026-11-29T10:00:00Z');
const RUN_ID = '4242';
const IDS = ['i-a', 'i-b', 'i-c'];

function settingsFor(inputs: Record<string, string>): Settings {
  return parseInputs((name) => inputs[name] ?? '').settings;
}

/** OOS that starts one execution per ClientToken and ends it Success at the first status read. */
function fakeOos(options: { refuseStart?: CloudError } = {}): OosApi & { started: { token: string; spec: ExecutionSpec }[] } {
  const started: { token: string; spec: ExecutionSpec }[] = [];
  const execution = (id: string, status: string): Execution => ({
    executionId: id,
    status,
    statusMessage: '',
    startDate: '2026-11-29T10:00:01Z',
  });
  return {
    started,
    startExecution: ({ spec, clientToken }) => {
      if (options.refuseStart) return Promise.reject(options.refuseStart);
      started.push({ token: clientToken, spec });
      return Promise.resolve(execution(`exec-${started.length}`, 'Started'));
    },
    getExecution: (id) => Promise.resolve(execution(id, 'Success')),
    listExecutions: () => Promise.resolve({ items: [], truncated: false }),
    cancelExecution: () => Promise.reject(new Error('nothing is cancelled here')),
    listInstancePatchStates: (ids) =>
      Promise.resolve(
        ids.map((instanceId) => ({
          instanceId,
          operationEndTime: '2026-11-29T10:00:05Z',
          counts: { installed: 2, installedOther: 0, installedPendingReboot: 0, installedRejected: 0, missing: 0, failed: 0 },
        })),
      ),
    listChildExecutions: () => Promise.resolve([]),
    listChildExecutionsByParent: () => Promise.resolve([]),
    listTaskExecutions: () => Promise.resolve([]),
    listExecutionLogs: () => Promise.resolve({ items: [], truncated: false }),
    listInstancePatches: () => Promise.resolve({ items: [], truncated: false }),
  };
}

function job(oos: OosApi, log: Logger, overrides: Partial<PatchJob> = {}): PatchJob & { saved: string[] } {
  const saved: string[] = [];
  const proc = Object.assign(new EventEmitter(), { exit: () => undefined });
  const factory: OosFactory = () => oos;
  return {
    saved,
    oos: factory,
    ecs: ecsAfterPreflight,
    cancellation: watchJobCancellation(proc, { log: (m) => log.warning(m) }),
    clock: virtualClock(START),
    log,
    state: { saveExecutionId: (id) => saved.push(id), markSettled: () => saved.push('settled') },
    startedAt: START,
    runAttempt: 1,
    runId: RUN_ID,
    ...overrides,
  };
}

describe('executionPhase', () => {
  it('logs the plan, runs the batches one after another with their own tokens, and reports every instance', async () => {
    const settings = settingsFor({ region: 'cn-hangzhou', 'instance-ids': IDS.join(','), action: 'scan' });
    const batches = splitIntoBatches(RUN_ID, settings, settings.instanceIds, 2);
    const oos = fakeOos();
    const log = recordingLogger();
    const j = job(oos, log);
    const report = await executionPhase(clearScan(settings), readyPlan(settings, batches), batches, j);
    expect(log.lines.slice(0, 3)).toEqual([
      `Plan: scan on ${IDS.length} instances in cn-hangzhou`,
      '  at most 10 at a time; max errors 0',
      `  ${batches.length} batches of at most 1000 instances, one execution each, one after another`,
    ]);
    expect(oos.started.map((s) => s.token)).toEqual(batches.map((b) => b.clientToken));
    expect(oos.started.map((s) => s.spec.instanceIds)).toEqual(batches.map((b) => [...b.covers]));
    expect(j.saved).toEqual(['exec-1', 'settled', 'exec-2', 'settled']);
    expect(report.status).toBe('Success');
    expect(report.batches.map((b) => b.execution?.executionId)).toEqual(['exec-1', 'exec-2']);
    expect(report.instances.map((i) => i.instanceId)).toEqual(IDS);
    expect(report.totals.installed).toBe(2 * IDS.length);
  });

  it('says so when this is a later attempt of the run', async () => {
    const settings = settingsFor({ region: 'cn-hangzhou', 'instance-ids': 'i-a', action: 'scan' });
    const batches = splitIntoBatches(RUN_ID, settings);
    const log = recordingLogger();
    await executionPhase(clearScan(settings), readyPlan(settings, batches.slice(0, 1)), batches, job(fakeOos(), log, { runAttempt: 2 }));
    expect(log.lines).toContain(`ClientToken: ${batches[0]?.clientToken}`);
    expect(log.lines.join('\n')).toContain(`This is attempt 2 of run ${RUN_ID}: looking for the executions earlier attempts started`);
    expect(log.lines.join('\n')).toContain('retried with a new execution (on-rerun: retry-failed)');
  });

  it('a first batch that does not start throws NotStartedError, naming the ClientToken', async () => {
    const settings = settingsFor({ region: 'cn-hangzhou', 'instance-ids': 'i-a', action: 'scan' });
    const batches = splitIntoBatches(RUN_ID, settings);
    const denied = new CloudError('StartExecution', 'Forbidden.RAM', 'not allowed', 403, 'REQ-1');
    const error: unknown = await executionPhase(
      clearScan(settings),
      readyPlan(settings, batches.slice(0, 1)),
      batches,
      job(fakeOos({ refuseStart: denied }), recordingLogger()),
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NotStartedError);
    expect((error as Error).message).toContain(`No execution was started for ClientToken ${batches[0]?.clientToken}`);
  });
});
