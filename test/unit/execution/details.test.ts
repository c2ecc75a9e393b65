/** src/details.ts and the OOS/ECS client calls it makes, against the emulator (real SDK clients over HTTP). */
import { afterEach, describe, expect, it } from 'vitest';
import { oosRpc } from '../../fakes/oos-rpc.js';
import { CloudError } from '../../../src/alibaba/cloud-error.js';
import { toCredential } from '../../../src/alibaba/credential.js';
import { collectDetails, DEFAULT_DETAIL_LIMITS, remainingLimits, sortPatches } from '../../../src/execution/details.js';
import { createEcsClient } from '../../../src/alibaba/ecs/client.js';
import { createOosClient } from '../../../src/alibaba/oos/client.js';
import type { OosApi } from '../../../src/alibaba/oos/types.js';
import {
  childExecutionId,
  CHILD_TEMPLATE,
  DEFAULT_CREDENTIALS,
  PATCH_TASK,
  startEmulator,
  type Emulator,
  type InstanceSpec,
} from '../../emulator/index.js';

const REGION = 'cn-hangzhou';
const running: Emulator[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((e) => e.close()));
});

async function setup(fleet: Record<string, InstanceSpec>) {
  const emulator = await startEmulator({ fleet, timings: { startedMs: 0, runningMs: 0 } });
  running.push(emulator);
  const endpoint = { protocol: 'HTTP' as const, host: emulator.endpoint };
  const credential = toCredential(DEFAULT_CREDENTIALS);
  return {
    emulator,
    oos: createOosClient({ region: REGION, endpoint, credential }),
    ecs: createEcsClient({ region: REGION, endpoint, credential }),
  };
}

async function runExecution(oos: OosApi, ids: string[], action: 'scan' | 'install', snapshot = false) {
  const started = await oos.startExecution({
    spec: {
      region: REGION,
      action,
      instanceIds: ids,
      ...(action === 'install' ? { install: { rebootIfNeed: false, createSnapshot: snapshot, retentionDays: 3 } } : {}),
    },
    clientToken: `t-${Math.random().toString(36).slice(2)}`,
  });
  return oos.getExecution(started.executionId);
}

/** n instances; `bad(i)` fails its child execution; every 2nd misses i % 9 patches. */
function fleet(n: number, bad: (i: number) => boolean = () => false): Record<string, InstanceSpec> {
  return Object.fromEntries(
    Array.from({ length: n }, (_, i) => [
      `i-d${String(i).padStart(4, '0')}`,
      {
        installed: 5,
        missing: i % 2 === 0 ? i % 9 : 0,
        failing: i % 4 === 0 ? 1 : 0,
        os: i % 3 === 0 ? 'windows' : 'linux',
        failExecution: bad(i),
      },
    ]),
  );
}

describe('OOS client: child executions, tasks, logs, patches', () => {
  it('lists every child from the loop items, across pages, with the emulator ids', async () => {
    const specs = fleet(250, (i) => i % 50 === 1);
    const { emulator, oos } = await setup(specs);
    const ids = Object.keys(specs);
    const execution = await runExecution(oos, ids, 'scan');
    const children = await oos.listChildExecutions(execution.executionId);
    expect(children.map((c) => c.instanceId).sort()).toEqual([...ids].sort());
    for (const c of children) expect(c.executionId).toBe(childExecutionId(execution.executionId, c.instanceId));
    expect(children.filter((c) => c.status === 'Failed').map((c) => c.instanceId)).toEqual(ids.filter((_, i) => i % 50 === 1));
    expect(emulator.callsOf('ListTaskExecutions')).toHaveLength(Math.ceil(250 / 100));
  });

  it('ListExecutions by ParentExecutionId returns the same children, of the child template', async () => {
    const specs = fleet(3, (i) => i === 2);
    const { oos, emulator } = await setup(specs);
    const execution = await runExecution(oos, Object.keys(specs), 'scan');
    const call = oosRpc(emulator, REGION);
    const body = (await call('ListExecutions', { ParentExecutionId: execution.executionId })) as {
      Executions: Array<Record<string, unknown>>;
    };
    expect(body.Executions.map((e) => [e.ExecutionId, e.TemplateName, e.Status, e.ParentExecutionId])).toEqual(
      Object.keys(specs).map((id, i) => [
        childExecutionId(execution.executionId, id),
        CHILD_TEMPLATE,
        i === 2 ? 'Failed' : 'Success',
        execution.executionId,
      ]),
    );
  });

  it("reads a failed child's tasks and the tail of its log", async () => {
    const log = Array.from({ length: 130 }, (_, i) => `line ${i}`);
    const { oos } = await setup({
      'i-bad': { installed: 1, missing: 1, failExecution: true, failureMessage: 'yum exited 1', failureLog: log },
    });
    const execution = await runExecution(oos, ['i-bad'], 'scan');
    const child = childExecutionId(execution.executionId, 'i-bad');
    const tasks = await oos.listTaskExecutions(child);
    expect(tasks.find((t) => t.status === 'Failed')).toMatchObject({ taskName: PATCH_TASK, statusMessage: 'yum exited 1' });
    const all = await oos.listExecutionLogs(child, { tail: 5, maxPages: 10 });
    expect(all.truncated).toBe(false);
    expect(all.items.map((l) => l.message)).toEqual([
      'line 127',
      'line 128',
      'line 129',
      `Task ${PATCH_TASK} failed: yum exited 1`,
      `Execution ${child} ended Failed.`,
    ]);
    const cut = await oos.listExecutionLogs(child, { tail: 3, maxPages: 1 });
    expect(cut.truncated).toBe(true);
    expect(cut.items).toHaveLength(3);
  });

  it('lists the patches with the statuses asked for, as many as the counts say', async () => {
    const { oos, emulator } = await setup({ 'i-a': { installed: 4, missing: 130, os: 'windows' } });
    await runExecution(oos, ['i-a'], 'scan');
    const state = emulator.patchState('i-a');
    const missing = await oos.listInstancePatches('i-a', ['Missing', 'Failed'], { maxPages: 5 });
    expect(missing.items).toHaveLength(state?.missing ?? -1);
    expect(missing.truncated).toBe(false);
    expect(new Set(missing.items.map((p) => p.status))).toEqual(new Set(['Missing']));
    expect(missing.items[0]?.kbId).toMatch(/^KB\d+$/);
    const one = await oos.listInstancePatches('i-a', ['Missing'], { maxPages: 1 });
    expect(one).toMatchObject({ truncated: true });
    expect(one.items).toHaveLength(100);
    expect(emulator.callsOf('ListInstancePatches').at(-1)?.params.PatchStatuses).toBe('["Missing"]');
  });
});

describe('collectDetails', () => {
  it('bounds the detail calls for a large fleet', async () => {
    const specs = fleet(400, (i) => i % 10 === 3);
    const { emulator, oos, ecs } = await setup(specs);
    const ids = Object.keys(specs);
    const execution = await runExecution(oos, ids, 'install', true);
    const states = await oos.listInstancePatchStates(ids);
    emulator.clearRequests();
    const details = await collectDetails(oos, ecs, { execution, instanceIds: ids, states, snapshots: true });
    const failed = ids.filter((_, i) => i % 10 === 3);
    const limits = DEFAULT_DETAIL_LIMITS;
    expect(Object.keys(details.failures)).toEqual(failed.slice(0, limits.failedChildren));
    expect(Object.keys(details.patches)).toHaveLength(limits.patchInstances);
    // The parent's task list holds the loop task and its 400 items: pages of 100.
    const tasks = emulator.callsOf('ListTaskExecutions');
    expect(tasks.filter((r) => r.params.ExecutionId === execution.executionId)).toHaveLength(Math.ceil(401 / 100));
    expect(tasks.filter((r) => r.params.ExecutionId !== execution.executionId)).toHaveLength(limits.failedChildren);
    expect(emulator.callsOf('ListExecutionLogs')).toHaveLength(limits.failedChildren);
    expect(emulator.callsOf('ListInstancePatches').length).toBeLessThanOrEqual(limits.patchInstances * limits.patchPages);
    expect(emulator.callsOf('DescribeSnapshots')).toHaveLength(Math.ceil(400 / 100));
    expect(emulator.requests.length).toBeLessThan(60);
    // Every instance's snapshot is found (the template snapshots before patching, even where patching then failed).
    expect(Object.keys(details.snapshots).sort()).toEqual([...ids].sort());
    for (const id of ids) {
      expect(details.snapshots[id]?.name).toBe(`Snapshot-${childExecutionId(execution.executionId, id)}`);
      expect(details.snapshots[id]?.retentionDays).toBe(3);
    }
    expect(
      emulator
        .snapshots()
        .map((s) => s.snapshotId)
        .sort(),
    ).toEqual(
      Object.values(details.snapshots)
        .map((s) => s.snapshotId)
        .sort(),
    );
  });

  it('picks the worst instances for patch lists and orders each list worst first', async () => {
    const specs: Record<string, InstanceSpec> = {
      'i-ok': { installed: 5, missing: 0 },
      'i-few': { installed: 5, missing: 2 },
      'i-many': { installed: 5, missing: 9 },
      'i-failing': { installed: 5, missing: 3, failing: 2 },
    };
    const { oos, ecs } = await setup(specs);
    const ids = Object.keys(specs);
    const execution = await runExecution(oos, ids, 'install');
    const states = await oos.listInstancePatchStates(ids);
    const details = await collectDetails(
      oos,
      ecs,
      { execution, instanceIds: ids, states, snapshots: false },
      { ...DEFAULT_DETAIL_LIMITS, patchInstances: 1 },
    );
    expect(Object.keys(details.patches)).toEqual(['i-failing']);
    expect(details.patches['i-failing']?.items.map((p) => p.status)).toEqual(['Failed', 'Failed']);
    expect(details.snapshots).toEqual({});
  });

  it('records a failed detail call as a problem instead of failing', async () => {
    const { emulator, oos, ecs } = await setup({ 'i-a': { installed: 1, missing: 1 } });
    const execution = await runExecution(oos, ['i-a'], 'scan');
    const states = await oos.listInstancePatchStates(['i-a']);
    emulator.addInterceptor((info) =>
      info.action === 'ListInstancePatches' ? { status: 403, body: { Code: 'Forbidden.RAM', Message: 'denied' } } : undefined,
    );
    const details = await collectDetails(oos, ecs, { execution, instanceIds: ['i-a'], states, snapshots: false });
    expect(details.children).toHaveLength(1);
    expect(details.patches).toEqual({});
    expect(details.problems[0]).toMatch(/^patches of i-a: ListInstancePatches failed: Forbidden\.RAM/);
  });
});

describe('sortPatches', () => {
  it('puts failed before missing before pending reboot, then by severity', () => {
    const p = (kbId: string, status: string, severity: string) => ({ kbId, title: '', classification: '', severity, status });
    const sorted = sortPatches([
      p('a', 'InstalledPendingReboot', 'Critical'),
      p('b', 'Missing', 'Low'),
      p('c', 'Missing', 'Critical'),
      p('d', 'Failed', 'Unspecified'),
    ]);
    expect(sorted.map((x) => x.kbId)).toEqual(['d', 'c', 'b', 'a']);
  });
});

describe('remainingLimits', () => {
  it('spends the failure-log and patch-list budget across the executions of a run', () => {
    const used = {
      executionId: 'e',
      children: [],
      failures: { 'i-a': { message: '', log: [], logTruncated: false }, 'i-b': { message: '', log: [], logTruncated: false } },
      patches: { 'i-c': { items: [], truncated: false } },
      snapshots: {},
      problems: [],
      limits: DEFAULT_DETAIL_LIMITS,
    };
    const left = remainingLimits(DEFAULT_DETAIL_LIMITS, used);
    expect(left).toEqual({
      ...DEFAULT_DETAIL_LIMITS,
      failedChildren: DEFAULT_DETAIL_LIMITS.failedChildren - 2,
      patchInstances: DEFAULT_DETAIL_LIMITS.patchInstances - 1,
    });
    expect(remainingLimits({ ...left, failedChildren: 1, patchInstances: 0 }, used)).toMatchObject({
      failedChildren: 0,
      patchInstances: 0,
    });
  });
});

describe('collectDetails against endless answers (issue 13, item 4)', () => {
  const execution = { executionId: 'exec-abc', status: 'Failed', statusMessage: '', startDate: '2026-11-29T10:00:00Z' };
  const unused = () => Promise.reject(new Error('not called'));
  const states = [
    {
      instanceId: 'i-a',
      counts: { installed: 0, installedOther: 0, installedPendingReboot: 0, installedRejected: 0, missing: 2, failed: 0 },
    },
  ];

  it('lists a listing that would not end as cut, not as a failure', async () => {
    const oos = {
      listChildExecutions: () => Promise.reject(new CloudError('ListTaskExecutions', 'EndlessPaging', 'the answer was cut')),
      listChildExecutionsByParent: () => Promise.resolve([]),
      listInstancePatches: () => Promise.resolve({ items: [], truncated: false }),
    } as unknown as OosApi;
    const details = await collectDetails(
      oos,
      { describeSnapshotsSince: unused },
      {
        execution,
        instanceIds: ['i-a'],
        states,
        snapshots: false,
      },
    );
    expect(details.cut).toEqual([expect.stringMatching(/^child executions \(task-executions\): .*EndlessPaging/)]);
    expect(details.problems).toEqual([]);
  });

  it('starts no detail call past its deadline, and says what it left out', async () => {
    let calls = 0;
    let now = 1000;
    const count =
      <T>(value: T) =>
      () => {
        calls += 1;
        now += 60_000;
        return Promise.resolve(value);
      };
    const oos = { listChildExecutions: count([]), listInstancePatches: count({ items: [], truncated: false }) } as unknown as OosApi;
    const details = await collectDetails(
      oos,
      { describeSnapshotsSince: unused },
      {
        execution,
        instanceIds: ['i-a'],
        states,
        snapshots: false,
        deadline: { now: () => now, at: 1000 + 30_000 },
      },
    );
    expect(calls).toBe(1);
    // ListTaskExecutions named no child and used up the time: the fallback through ListExecutions is not started either.
    expect(details.cut).toEqual([
      'child executions (list-executions): not read, the details ran out of time',
      'patches of i-a: not read, the details ran out of time',
    ]);
  });
});
