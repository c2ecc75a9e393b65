import { describe, expect, it } from 'vitest';
import {
  batchSpec,
  errorAllowance,
  splitIntoBatches,
  reportBatches,
  runBatches,
  type SettingsForBatches,
} from '../../../src/execution/batches.js';
import type { ExecutionOutcome, ExecutionRequest } from '../../../src/execution/run-execution.js';
import type { MaxErrors } from '../../../src/alibaba/oos/types.js';
import { clientToken } from '../../../src/execution/client-token.js';
import { DEFAULT_DETAIL_LIMITS } from '../../../src/execution/details.js';

const ids = (n: number): string[] => Array.from({ length: n }, (_, i) => `i-${String(i).padStart(5, '0')}`);

function settings(n: number, maxErrors: MaxErrors = { count: 0 }): SettingsForBatches {
  return {
    region: 'cn-hangzhou',
    action: 'scan',
    instanceIds: ids(n),
    rateControl: { maxConcurrency: 10, maxErrors },
    waitTimeoutMinutes: 60,
    pollIntervalSeconds: 10,
  };
}

describe('splitIntoBatches', () => {
  it('splits 2,500 instances into three batches of at most 1000, in order, each with its own token', () => {
    const s = settings(2500);
    const batches = splitIntoBatches('42', s);
    expect(batches.map((b) => b.covers.length)).toEqual([1000, 1000, 500]);
    expect(batches.flatMap((b) => b.covers)).toEqual(s.instanceIds);
    for (const b of batches) {
      expect(b.clientToken).toBe(clientToken('42', s, { index: b.index, count: 3, instanceIds: b.covers }));
    }
    expect(new Set(batches.map((b) => b.clientToken)).size).toBe(3);
  });

  it('cuts the batches from the canonical order, so a list in another order gets the same batches and tokens', () => {
    const s = settings(2500);
    const shuffled = [...s.instanceIds].reverse();
    const again = splitIntoBatches('42', { ...s, instanceIds: shuffled }, shuffled);
    const first = splitIntoBatches('42', s);
    expect(again.map((b) => [b.clientToken, b.covers])).toEqual(first.map((b) => [b.clientToken, b.covers]));
    expect(again[0]?.covers).toEqual(s.instanceIds.slice(0, 1000));
  });

  it('keeps the documented token for a single batch', () => {
    const s = settings(1000);
    const [only, ...rest] = splitIntoBatches('42', s);
    expect(rest).toEqual([]);
    expect(only?.clientToken).toBe(clientToken('42', s));
  });

  it('targets tags while they fit one execution, and lists IDs in batches beyond', () => {
    const tags = [{ key: 'env', value: 'prod' }];
    const [small] = splitIntoBatches('42', { ...settings(3), tags });
    expect(small?.byTags).toBe(true);
    expect(small?.clientToken).toBe(clientToken('42', { ...settings(3), tags }));
    expect(batchSpec({ ...settings(3), tags }, small!, 0).tags).toEqual(tags);
    const large = splitIntoBatches('42', { ...settings(1001), tags });
    expect(large.map((b) => [b.byTags, b.covers.length])).toEqual([
      [false, 1000],
      [false, 1],
    ]);
    expect(batchSpec({ ...settings(1001), tags }, large[0]!, 0).tags).toBeUndefined();
  });

  it('lists the IDs instead of the tags when pre-flight left some tagged instances out', () => {
    const tags = [{ key: 'env', value: 'prod' }];
    const s = { ...settings(3), tags };
    const ready = s.instanceIds.slice(1);
    const [only] = splitIntoBatches('42', s, ready);
    expect(only?.byTags).toBe(false);
    expect(only?.covers).toEqual(ready);
    expect(batchSpec(s, only!, 0).tags).toBeUndefined();
    expect(only?.clientToken).toBe(clientToken('42', s, { index: 1, count: 1, instanceIds: ready }));
  });
});

describe('error budget', () => {
  it('is a count for the whole run, or a percentage of the instances run so far', () => {
    expect(errorAllowance({ count: 3 }, 2000)).toBe(3);
    expect(errorAllowance({ percent: 10 }, 1500)).toBe(150);
    expect(errorAllowance({ percent: 5 }, 30)).toBe(1);
  });

  it('sends each batch what is left of a count, and a percentage unchanged', () => {
    const [, second] = splitIntoBatches('1', settings(2000, { count: 5 }));
    expect(batchSpec(settings(2000, { count: 5 }), second!, 2).rateControl?.maxErrors).toEqual({ count: 3 });
    expect(batchSpec(settings(2000, { percent: 10 }), second!, 2).rateControl?.maxErrors).toEqual({ percent: 10 });
  });
});

/**
 * A fake single-execution flow: each batch ends with the given status and `failed` failed child executions (the
 * first instances). Counters count tasks, as OOS does (four, the loop task Failed when the execution is), so a
 * count taken from them is wrong. `children: false` names no child execution: failures show only in patch states.
 */
function fakeRuns(results: Array<{ status: string; failed?: number; timedOut?: boolean; children?: boolean }>) {
  const requests: ExecutionRequest[] = [];
  const runExecution = (request: ExecutionRequest): Promise<ExecutionOutcome> => {
    const r = results[requests.length] ?? { status: 'Success' };
    requests.push(request);
    const failed = r.failed ?? 0;
    const executionId = `exec-${requests.length}`;
    const loopFailed = r.status === 'Failed' ? 1 : 0;
    const outcome: ExecutionOutcome = {
      execution: {
        executionId,
        status: r.status,
        statusMessage: '',
        startDate: '2026-11-29T10:00:00Z',
        counters: { total: 4, failed: loopFailed, success: 2 - loopFailed },
      },
      states: request.instanceIds.map((instanceId, i) => ({
        instanceId,
        operationEndTime: '2026-11-29T10:05:00Z',
        counts: {
          installed: 1,
          installedOther: 0,
          installedPendingReboot: 0,
          installedRejected: 0,
          missing: 0,
          failed: i < failed ? 1 : 0,
        },
      })),
      timedOut: r.timedOut ?? false,
      polls: 1,
    };
    if (r.children !== false && !r.timedOut) {
      outcome.details = {
        executionId,
        children: request.instanceIds.map((instanceId, i) => ({
          executionId: `${executionId}-${instanceId}`,
          instanceId,
          status: i < failed ? 'Failed' : 'Success',
          statusMessage: '',
        })),
        failures: {},
        patches: {},
        snapshots: {},
        problems: [],
        limits: DEFAULT_DETAIL_LIMITS,
      };
    }
    return Promise.resolve(outcome);
  };
  const logged: string[] = [];
  const clear = (s: SettingsForBatches) => (instanceIds: readonly string[]) => ({ ...s, instanceIds: [...instanceIds] });
  return {
    requests,
    logged,
    deps: (s: SettingsForBatches) => ({ clear: clear(s), runExecution, now: () => 0, log: (m: string) => logged.push(m) }),
  };
}

describe('runBatches', () => {
  it('runs every batch one after another when all succeed', async () => {
    const s = settings(2500);
    const fake = fakeRuns([]);
    const run = await runBatches(splitIntoBatches('1', s), s, fake.deps(s));
    expect(fake.requests.map((r) => r.instanceIds.length)).toEqual([1000, 1000, 500]);
    expect(fake.requests.map((r) => r.clientToken)).toEqual(splitIntoBatches('1', s).map((b) => b.clientToken));
    expect(run.stoppedEarly).toBeUndefined();
    expect(reportBatches(s, run).status).toBe('Success');
  });

  it('builds the spec of every batch from what the clearance allows for that batch', async () => {
    const s = settings(1500);
    const fake = fakeRuns([]);
    const cleared: string[][] = [];
    const deps = fake.deps(s);
    await runBatches(splitIntoBatches('1', s), s, {
      ...deps,
      clear: (ids) => {
        cleared.push([...ids]);
        return { ...s, instanceIds: [...ids], action: 'install', install: { rebootIfNeed: true, createSnapshot: false, retentionDays: 7 } };
      },
    });
    expect(cleared).toEqual([s.instanceIds.slice(0, 1000), s.instanceIds.slice(1000)]);
    expect(fake.requests.map((r) => [r.spec.action, r.spec.instanceIds])).toEqual(cleared.map((ids) => ['install', ids]));
  });

  it('stops after a first batch that exceeded max-errors', async () => {
    const s = settings(2500);
    const fake = fakeRuns([{ status: 'Failed', failed: 4 }]);
    const run = await runBatches(splitIntoBatches('1', s), s, fake.deps(s));
    expect(fake.requests).toHaveLength(1);
    expect(run.stoppedEarly).toContain('4 instance(s) failed so far, more than max-errors allows (0 of the 1000 run)');
    const report = reportBatches(s, run);
    expect(report.status).toBe('Failed');
    expect(report.batches.map((b) => b.execution?.executionId)).toEqual(['exec-1', undefined, undefined]);
    expect(report.unreported).toEqual(s.instanceIds.slice(1000));
    expect(report.instances.filter((i) => i.notStarted)).toHaveLength(1500);
  });

  it('goes on while the failures stay within a count, passing on what is left, and stops once they exceed it', async () => {
    const s = settings(3000, { count: 5 });
    const fake = fakeRuns([
      { status: 'Success', failed: 2 },
      { status: 'Success', failed: 3 },
      { status: 'Success', failed: 0 },
    ]);
    const run = await runBatches(splitIntoBatches('1', s), s, fake.deps(s));
    expect(fake.requests.map((r) => r.spec.rateControl?.maxErrors)).toEqual([{ count: 5 }, { count: 3 }, { count: 0 }]);
    expect(run.stoppedEarly).toBeUndefined();

    const over = fakeRuns([
      { status: 'Success', failed: 2 },
      { status: 'Success', failed: 4 },
    ]);
    const stopped = await runBatches(splitIntoBatches('1', s), s, over.deps(s));
    expect(over.requests).toHaveLength(2);
    expect(stopped.stoppedEarly).toContain('6 instance(s) failed so far');
    expect(reportBatches(s, stopped).status).toBe('Failed');
  });

  it('counts failed instances from the child executions, not from Counters (which count tasks), and logs the disagreement', async () => {
    const s = settings(2000, { count: 5 });
    const fake = fakeRuns([{ status: 'Success', failed: 3 }]);
    const run = await runBatches(splitIntoBatches('1', s), s, fake.deps(s));
    expect(fake.requests.map((r) => r.spec.rateControl?.maxErrors)).toEqual([{ count: 5 }, { count: 2 }]);
    expect(fake.logged).toContain(
      'Execution exec-1: 3 failed instance(s) counted from its child executions and patch states; its Counters say Failed 0 of 4 (OOS counts tasks there, not instances: the count above is used).',
    );
    const report = reportBatches(s, run);
    expect(report.batches.map((b) => b.errors)).toEqual([3, 0]);
    expect(report.failedInstances).toEqual(s.instanceIds.slice(0, 3));
    expect(report.failuresFromPatchStates).toBeUndefined();
  });

  it('counts failures from the patch states when no child execution is named, and the report says how many were', async () => {
    const s = settings(1500, { count: 5 });
    const fake = fakeRuns([{ status: 'Success', failed: 2, children: false }]);
    const run = await runBatches(splitIntoBatches('1', s), s, fake.deps(s));
    expect(fake.requests.map((r) => r.spec.rateControl?.maxErrors)).toEqual([{ count: 5 }, { count: 3 }]);
    const report = reportBatches(s, run);
    expect(report.batches.map((b) => b.errors)).toEqual([2, 0]);
    expect(report.failuresFromPatchStates).toBe(1000);
  });

  it('links each batch to the console of console-site', async () => {
    const s = { ...settings(1500), consoleSite: 'international' as const };
    const run = await runBatches(splitIntoBatches('1', s), s, fakeRuns([]).deps(s));
    expect(reportBatches(s, run).batches.map((b) => b.execution?.consoleUrl)).toEqual([
      'https://oos.console.alibabacloud.com/cn-hangzhou/execution/detail/exec-1',
      'https://oos.console.alibabacloud.com/cn-hangzhou/execution/detail/exec-2',
    ]);
  });

  it('stops after a batch that ended Failed for another reason, or ran out of time', async () => {
    const s = settings(2000, { percent: 50 });
    const failed = fakeRuns([{ status: 'Failed', failed: 0 }]);
    expect((await runBatches(splitIntoBatches('1', s), s, failed.deps(s))).stoppedEarly).toBe('execution exec-1 ended Failed.');
    const slow = fakeRuns([{ status: 'Running', timedOut: true }]);
    expect((await runBatches(splitIntoBatches('1', s), s, slow.deps(s))).stoppedEarly).toContain('wait-timeout-minutes (60) ran out');
    expect(failed.requests).toHaveLength(1);
    expect(slow.requests).toHaveLength(1);
  });
});
