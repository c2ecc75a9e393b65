import { CloudError } from '../alibaba/cloud-error.js';
import type { EcsApi } from '../alibaba/ecs/types.js';
import type { Execution, InstancePatchState, OosApi, PatchInfo } from '../alibaba/oos/types.js';
import { needsAttention } from '../report/counts.js';
import type { ChildExecution } from '../alibaba/oos/types.js';
import type { ChildFailure, ChildSource, DetailLimits, ExecutionDetails } from '../report/model.js';

/**
 * After an execution: what each instance's child execution did, why the failed ones failed, which patches are
 * still missing, and the snapshot to roll back to. One execution and its instances at a time (a batch of a
 * larger run calls it once per execution). The number of calls is bounded whatever the fleet size:
 *   - child executions: ceil(instances / 100) ListTaskExecutions pages; when they name no child, as many
 *     ListExecutions pages by ParentExecutionId (which call names the children is unconfirmed: docs/cloud-facts.md);
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
export const ATTENTION_STATUSES = ['Failed', 'Missing', 'InstalledPendingReboot', 'InstalledRejected'] as const;
const SEVERITY_ORDER = ['critical', 'important', 'high', 'moderate', 'medium', 'low'];

export interface DetailRequest {
  execution: Execution;
  /** The instances this execution targeted. */
  instanceIds: readonly string[];
  states: readonly InstancePatchState[];
  /** Look for snapshots (install with create-snapshot). */
  snapshots: boolean;
  /** No detail call starts after `at` (epoch ms on `now`): what is left is listed as cut. */
  deadline?: { now: () => number; at: number };
}

/** How long the details of one execution may take: past it, the rest is skipped and the summary says so. */
export const DETAILS_BUDGET_MS = 120_000;

export async function collectDetails(
  oos: Pick<
    OosApi,
    'listChildExecutions' | 'listChildExecutionsByParent' | 'listTaskExecutions' | 'listExecutionLogs' | 'listInstancePatches'
  >,
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
    childSource: 'none',
  };
  const { deadline } = request;
  const attempt = async <T>(what: string, call: () => Promise<T>): Promise<T | undefined> => {
    if (deadline && deadline.now() >= deadline.at) {
      (details.cut ??= []).push(`${what}: not read, the details ran out of time`);
      return undefined;
    }
    try {
      return await call();
    } catch (err) {
      if (err instanceof CloudError && err.code === 'EndlessPaging') {
        (details.cut ??= []).push(`${what}: ${err.message}`);
        return undefined;
      }
      details.problems.push(`${what}: ${err instanceof Error ? err.message : String(err)}`);
      return undefined;
    }
  };
  const wanted = new Set(request.instanceIds);
  const found = await findChildren(oos, execution.executionId, wanted, attempt);
  details.children = found.children;
  details.childSource = found.source;

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
      // worstPatchStates keeps only instances whose counts say they have such patches.
      oos.listInstancePatches(state.instanceId, ATTENTION_STATUSES, { maxPages: limits.patchPages, expectPatches: true }),
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
 * The child executions of a bulk execution, and which call named them: the loop task's items of ListTaskExecutions
 * (`ChildExecutionId` + `LoopItem`), else ListExecutions `ParentExecutionId`, else none (source `none`: the report
 * then counts failed instances from their patch states).
 */
export async function findChildren(
  oos: Pick<OosApi, 'listChildExecutions' | 'listChildExecutionsByParent'>,
  executionId: string,
  wanted: ReadonlySet<string>,
  attempt: <T>(what: string, call: () => Promise<T>) => Promise<T | undefined>,
): Promise<{ children: ChildExecution[]; source: ChildSource }> {
  const reads: Array<[Exclude<ChildSource, 'none'>, () => Promise<ChildExecution[]>]> = [
    ['task-executions', () => oos.listChildExecutions(executionId)],
    ['list-executions', () => oos.listChildExecutionsByParent(executionId)],
  ];
  for (const [source, read] of reads) {
    const children = ((await attempt(`child executions (${source})`, read)) ?? []).filter((c) => wanted.has(c.instanceId));
    if (children.length > 0) return { children, source };
  }
  return { children: [], source: 'none' };
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

/** Instances that need attention, worst first: failed patches, then missing, then pending reboot, then rejected installed. */
export function worstPatchStates(states: readonly InstancePatchState[]): InstancePatchState[] {
  return states
    .filter((s) => needsAttention(s.counts))
    .sort(
      (a, b) =>
        b.counts.failed - a.counts.failed ||
        b.counts.missing - a.counts.missing ||
        b.counts.installedPendingReboot - a.counts.installedPendingReboot ||
        b.counts.installedRejected - a.counts.installedRejected ||
        a.instanceId.localeCompare(b.instanceId),
    );
}

/** Worst first: by status (Failed, Missing, pending reboot, rejected installed), then severity (Critical first), then ID. */
export function sortPatches(patches: readonly PatchInfo[]): PatchInfo[] {
  const statusRank = (p: PatchInfo): number => rank(ATTENTION_STATUSES, p.status);
  const severityRank = (p: PatchInfo): number => rank(SEVERITY_ORDER, p.severity.toLowerCase());
  return [...patches].sort((a, b) => statusRank(a) - statusRank(b) || severityRank(a) - severityRank(b) || a.kbId.localeCompare(b.kbId));
}

function rank(order: readonly string[], value: string): number {
  const i = order.indexOf(value);
  return i === -1 ? order.length : i;
}
