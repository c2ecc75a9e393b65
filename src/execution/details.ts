import type { EcsApi } from '../alibaba/ecs/types.js';
import type { Execution, InstancePatchState, OosApi, PatchInfo } from '../alibaba/oos/types.js';
import { needsAttention } from '../report/counts.js';
import type { ChildFailure, DetailLimits, ExecutionDetails } from '../report/model.js';

/**
 * After an execution: what each instance's child execution did, why the failed ones failed, which patches are
 * still missing, and the snapshot to roll back to. One execution and its instances at a time (a batch of a
 * larger run calls it once per execution). The number of calls is bounded whatever the fleet size:
 *   - child executions: ceil(instances / 100) ListTaskExecutions pages;
 *   - failures: 2 calls (ListTaskExecutions, ListExecutionLogs) for at most `failedChildren` instances;
 *   - patches: ListInstancePatches for at most `patchInstances` instances, at most `patchPages` pages each;
 *   - snapshots: one DescribeSnapshots listing of what was created since the execution started (pages of 100).
 * A failed detail call is recorded as a problem and never fails the run: the patch result stands without it.
 */
export const DEFAULT_DETAIL_LIMITS: Readonly<DetailLimits> = Object.freeze({
  failedChildren: 10,
  patchInstances: 20,
  patchPages: 2,
  logLines: 15,
  logPages: 5,
});

/** The statuses an operator has to act on, worst first. */
export const ATTENTION_STATUSES = ['Failed', 'Missing', 'InstalledPendingReboot'] as const;
const SEVERITY_ORDER = ['critical', 'important', 'high', 'moderate', 'medium', 'low'];

export interface DetailRequest {
  execution: Execution;
  /** The instances this execution targeted. */
  instanceIds: readonly string[];
  states: readonly InstancePatchState[];
  /** Look for snapshots (install with create-snapshot). */
  snapshots: boolean;
}

export async function collectDetails(
  oos: Pick<OosApi, 'listChildExecutions' | 'listTaskExecutions' | 'listExecutionLogs' | 'listInstancePatches'>,
  ecs: Pick<EcsApi, 'describeSnapshotsSince'>,
  request: DetailRequest,
  limits: DetailLimits = DEFAULT_DETAIL_LIMITS,
): Promise<ExecutionDetails> {
  const { execution } = request;
  const details: ExecutionDetails = {
    executionId: execution.executionId,
    children: [],
    failures: {},
    patches: {},
    snapshots: {},
    problems: [],
    limits,
  };
  const attempt = async <T>(what: string, call: () => Promise<T>): Promise<T | undefined> => {
    try {
      return await call();
    } catch (err) {
      details.problems.push(`${what}: ${err instanceof Error ? err.message : String(err)}`);
      return undefined;
    }
  };
  const wanted = new Set(request.instanceIds);
  details.children = ((await attempt('child executions', () => oos.listChildExecutions(execution.executionId))) ?? []).filter((c) =>
    wanted.has(c.instanceId),
  );

  for (const child of details.children.filter((c) => c.status === 'Failed').slice(0, limits.failedChildren)) {
    const failure: ChildFailure = { message: child.statusMessage, log: [], logTruncated: false };
    const tasks = await attempt(`tasks of ${child.executionId}`, () => oos.listTaskExecutions(child.executionId));
    const failed = tasks?.filter((t) => t.status === 'Failed').at(-1);
    if (failed) {
      failure.task = failed.taskName;
      if (failed.statusMessage) failure.message = failed.statusMessage;
    }
    const log = await attempt(`log of ${child.executionId}`, () =>
      oos.listExecutionLogs(child.executionId, { tail: limits.logLines, maxPages: limits.logPages }),
    );
    if (log) {
      failure.log = log.items.map((l) => l.message);
      failure.logTruncated = log.truncated;
    }
    details.failures[child.instanceId] = failure;
  }

  for (const state of worstPatchStates(request.states.filter((s) => wanted.has(s.instanceId))).slice(0, limits.patchInstances)) {
    const list = await attempt(`patches of ${state.instanceId}`, () =>
      oos.listInstancePatches(state.instanceId, ATTENTION_STATUSES, { maxPages: limits.patchPages }),
    );
    if (list) details.patches[state.instanceId] = { items: sortPatches(list.items), truncated: list.truncated };
  }

  const since = execution.startDate ? new Date(execution.startDate) : undefined;
  if (request.snapshots && since && !Number.isNaN(since.getTime()) && details.children.length > 0) {
    const all = (await attempt('snapshots', () => ecs.describeSnapshotsSince(since))) ?? [];
    const byName = new Map(all.map((s) => [s.name, s]));
    for (const child of details.children) {
      // The template names the snapshot after the child execution.
      const snapshot = byName.get(`Snapshot-${child.executionId}`);
      if (snapshot) details.snapshots[child.instanceId] = snapshot;
    }
  }
  return details;
}

/**
 * What is left of a run's limits after one execution's details: the failure logs and patch lists are a budget
 * for the whole run, so ten batches of 1000 read no more of them than one batch does.
 */
export function remainingLimits(limits: DetailLimits, used: ExecutionDetails): DetailLimits {
  return {
    ...limits,
    failedChildren: Math.max(0, limits.failedChildren - Object.keys(used.failures).length),
    patchInstances: Math.max(0, limits.patchInstances - Object.keys(used.patches).length),
  };
}

/** Instances that need attention, worst first: failed patches, then missing, then pending reboot. */
export function worstPatchStates(states: readonly InstancePatchState[]): InstancePatchState[] {
  return states
    .filter((s) => needsAttention(s.counts))
    .sort(
      (a, b) =>
        b.counts.failed - a.counts.failed ||
        b.counts.missing - a.counts.missing ||
        b.counts.installedPendingReboot - a.counts.installedPendingReboot ||
        a.instanceId.localeCompare(b.instanceId),
    );
}

/** Worst first: by status (Failed, Missing, pending reboot), then severity (Critical first), then ID. */
export function sortPatches(patches: readonly PatchInfo[]): PatchInfo[] {
  const statusRank = (p: PatchInfo): number => rank(ATTENTION_STATUSES, p.status);
  const severityRank = (p: PatchInfo): number => rank(SEVERITY_ORDER, p.severity.toLowerCase());
  return [...patches].sort((a, b) => statusRank(a) - statusRank(b) || severityRank(a) - severityRank(b) || a.kbId.localeCompare(b.kbId));
}

function rank(order: readonly string[], value: string): number {
  const i = order.indexOf(value);
  return i === -1 ? order.length : i;
}
