import type { ApprovalRecord } from '../approval/types.js';
import type { ChildFailure, DetailLimits, ExecutionDetails } from '../execution/details.js';
import type { SnapshotInfo } from '../alibaba/ecs/types.js';
import type { InstallOptions, PatchAction } from '../inputs/parse.js';
import type {
  Bounded,
  ChildExecution,
  Execution,
  InstancePatchState,
  PatchCounts,
  PatchInfo,
  RateControl,
  TargetTag,
} from '../alibaba/oos/types.js';
import type { InstanceCheck, PreflightReport } from '../preflight/checks.js';

export interface InstanceReport {
  instanceId: string;
  /** Absent when OOS has no patch state for the instance. */
  state?: InstancePatchState;
  /** The state predates this execution: the instance was not processed by it. */
  stale: boolean;
  /** Has missing, failed or pending-reboot patches. */
  needsAttention: boolean;
  /** Its batch was not started: an earlier batch failed, exceeded max-errors or ran out of time. */
  notStarted?: boolean;
  /** Name, status and OS as pre-flight saw them. */
  name?: string;
  osType?: string;
  osName?: string;
  /** This instance's child execution, when OOS listed it. */
  child?: Omit<ChildExecution, 'instanceId'>;
  /** Why the child execution failed (for the first few failed ones). */
  failure?: ChildFailure;
  /** Missing, failed and pending-reboot patches, worst first (for the worst few instances). */
  patches?: Bounded<PatchInfo>;
  /** The snapshot taken before patching (install with create-snapshot). */
  snapshot?: SnapshotInfo;
}

/** How far the per-instance details go, so the summary can say what it left out. */
export interface DetailCoverage {
  limits: DetailLimits;
  /** Instances whose failing task and log were read. */
  failuresRead: number;
  /** Instances whose patch list was read. */
  patchListsRead: number;
  /** Detail calls that failed (the result stands without them). */
  problems: string[];
}

export interface ExecutionReport extends Execution {
  consoleUrl: string;
  durationSeconds?: number;
}

/** One batch of at most 1000 instances: one execution with its own ClientToken. */
export interface BatchReport {
  /** 1-based, in the order the batches ran. */
  index: number;
  instanceCount: number;
  clientToken: string;
  /** Absent when the batch was not started. */
  execution?: ExecutionReport;
  /** Instances whose child execution failed, from the execution's Counters, when OOS reported them. */
  errors?: number;
  /** The wait ended before the execution did. */
  timedOut?: boolean;
}

/** Everything a run found out; the summary, the outputs and the report file are all rendered from it. */
export interface PatchReport {
  action: PatchAction;
  region: string;
  /** The first batch's ClientToken (the only one unless the run has several batches). */
  clientToken: string;
  install?: InstallOptions;
  /** The verified approval an install started on; absent for a scan. */
  approval?: ApprovalRecord;
  /** max-concurrency and max-errors as given. */
  rateControl?: RateControl;
  /** The tags that named the instances, when tags did. */
  tags?: TargetTag[];
  /** The first batch's execution (the only one unless the run has several batches). */
  execution: ExecutionReport;
  /** Success when every batch ran and ended Success; otherwise the status of the first batch that did not. */
  status: string;
  /** Every batch in order, one execution each; a single entry for up to 1000 instances. */
  batches: BatchReport[];
  /** Why the later batches were not started, when they were not. */
  stoppedEarly?: string;
  instances: InstanceReport[];
  totals: PatchCounts;
  /** IDs with missing, failed or pending-reboot patches. */
  nonCompliant: string[];
  /** IDs with no patch state from this execution (none at all, or older than the execution). */
  unreported: string[];
  /** Instances left out by pre-flight (on-unavailable: skip), with the reason. Not in `instances`. */
  skipped: InstanceCheck[];
  /** Every pre-flight check, of the instances sent and of the skipped ones. */
  preflight?: PreflightReport;
  /** Why the run did not finish normally (wait stopped, states unreadable, job cancelled), and what was done about it. */
  problem?: string;
  /** IDs whose child execution ended Failed. */
  failedInstances: string[];
  /** Instance ID -> the snapshot ID to roll back to (install with create-snapshot). */
  snapshotIds: Record<string, string>;
  /** Present when details were collected after the execution. */
  details?: DetailCoverage;
}

export interface ReportInput {
  action: PatchAction;
  region: string;
  clientToken: string;
  install?: InstallOptions;
  approval?: ApprovalRecord;
  rateControl?: RateControl;
  tags?: TargetTag[];
  instanceIds: readonly string[];
  execution: Execution;
  states: readonly InstancePatchState[];
  /** The wait ended before the execution did. */
  timedOut?: boolean;
  preflight?: PreflightReport;
  /** Per-execution details (one per execution of a batched run). */
  details?: readonly ExecutionDetails[];
}

export const ZERO_COUNTS: PatchCounts = Object.freeze({
  installed: 0,
  installedOther: 0,
  installedPendingReboot: 0,
  installedRejected: 0,
  missing: 0,
  failed: 0,
});

export function consoleUrl(region: string, executionId: string): string {
  return `https://oos.console.aliyun.com/${encodeURIComponent(region)}/execution/detail/${encodeURIComponent(executionId)}`;
}

export function needsAttention(counts: PatchCounts): boolean {
  return counts.missing > 0 || counts.failed > 0 || counts.installedPendingReboot > 0;
}

export function addCounts(a: PatchCounts, b: PatchCounts): PatchCounts {
  return {
    installed: a.installed + b.installed,
    installedOther: a.installedOther + b.installedOther,
    installedPendingReboot: a.installedPendingReboot + b.installedPendingReboot,
    installedRejected: a.installedRejected + b.installedRejected,
    missing: a.missing + b.missing,
    failed: a.failed + b.failed,
  };
}

/** Joins the execution and the patch states into one report, in the order the instances were given. */
export function buildReport(input: ReportInput): PatchReport {
  const byId = new Map(input.states.map((s) => [s.instanceId, s]));
  const checks = new Map((input.preflight?.checks ?? []).map((c) => [c.instanceId, c]));
  const started = parseTime(input.execution.startDate);
  const instances: InstanceReport[] = input.instanceIds.map((instanceId) => {
    const state = byId.get(instanceId);
    const facts = describedBy(checks.get(instanceId));
    if (!state) return { instanceId, stale: false, needsAttention: false, ...facts };
    const ended = parseTime(state.operationEndTime);
    const stale = started !== undefined && ended !== undefined && ended < started;
    return { instanceId, state, stale, needsAttention: needsAttention(state.counts), ...facts };
  });
  const sent = new Set(input.instanceIds);
  const totals = instances.reduce((sum, i) => (i.state ? addCounts(sum, i.state.counts) : sum), ZERO_COUNTS);
  const execution: ExecutionReport = {
    ...input.execution,
    consoleUrl: consoleUrl(input.region, input.execution.executionId),
  };
  const end = parseTime(input.execution.endDate);
  if (started !== undefined && end !== undefined && end >= started) {
    execution.durationSeconds = Math.round((end - started) / 1000);
  }
  const batch: BatchReport = { index: 1, instanceCount: instances.length, clientToken: input.clientToken, execution };
  if (input.execution.counters) batch.errors = input.execution.counters.failed;
  if (input.timedOut) batch.timedOut = true;
  const report: PatchReport = {
    action: input.action,
    region: input.region,
    clientToken: input.clientToken,
    execution,
    status: execution.status,
    batches: [batch],
    instances,
    totals,
    nonCompliant: instances.filter((i) => i.needsAttention).map((i) => i.instanceId),
    unreported: instances.filter((i) => !i.state || i.stale).map((i) => i.instanceId),
    skipped: (input.preflight?.checks ?? []).filter((c) => c.verdict !== 'ok' && !sent.has(c.instanceId)),
    failedInstances: [],
    snapshotIds: {},
  };
  if (input.install) report.install = input.install;
  if (input.rateControl) report.rateControl = input.rateControl;
  if (input.tags) report.tags = input.tags;
  if (input.preflight) report.preflight = input.preflight;
  if (input.details) attachDetails(report, input.details);
  if (input.approval) report.approval = input.approval;
  return report;
}

/** Puts each execution's details on its instances; pure apart from filling in `report`. */
function attachDetails(report: PatchReport, all: readonly ExecutionDetails[]): void {
  const first = all[0];
  if (!first) return;
  const byId = new Map(report.instances.map((i) => [i.instanceId, i]));
  const coverage: DetailCoverage = { limits: first.limits, failuresRead: 0, patchListsRead: 0, problems: [] };
  for (const d of all) {
    for (const { instanceId, ...child } of d.children) {
      const instance = byId.get(instanceId);
      if (!instance) continue;
      instance.child = child;
      if (child.status === 'Failed') report.failedInstances.push(instanceId);
    }
    for (const [id, failure] of Object.entries(d.failures)) {
      const instance = byId.get(id);
      if (instance) instance.failure = failure;
    }
    for (const [id, patches] of Object.entries(d.patches)) {
      const instance = byId.get(id);
      if (instance) instance.patches = patches;
    }
    for (const [id, snapshot] of Object.entries(d.snapshots)) {
      const instance = byId.get(id);
      if (!instance) continue;
      instance.snapshot = snapshot;
      report.snapshotIds[id] = snapshot.snapshotId;
    }
    coverage.failuresRead += Object.keys(d.failures).length;
    coverage.patchListsRead += Object.keys(d.patches).length;
    coverage.problems.push(...d.problems);
  }
  report.details = coverage;
}

/** A batch that was not started, for combineReports. */
export interface NotStartedBatch {
  clientToken: string;
  instanceIds: readonly string[];
}

/**
 * One report for a run of several batches: the batches' reports in the order they ran, then the batches that
 * were not started (their instances unreported) and why. The first batch gives `execution` and `clientToken`.
 */
export function combineReports(
  started: readonly PatchReport[],
  notStarted: readonly NotStartedBatch[] = [],
  stoppedEarly?: string,
): PatchReport {
  const [first] = started;
  if (!first) throw new Error('combineReports needs at least one started batch');
  const batches: BatchReport[] = [
    ...started.flatMap((r) => r.batches),
    ...notStarted.map((b) => ({ index: 0, instanceCount: b.instanceIds.length, clientToken: b.clientToken })),
  ].map((b, i) => ({ ...b, index: i + 1 }));
  const unstarted: InstanceReport[] = notStarted.flatMap((b) =>
    b.instanceIds.map((instanceId) => ({ instanceId, stale: false, needsAttention: false, notStarted: true })),
  );
  const failedBatch = started.find((r) => r.status !== 'Success');
  const report: PatchReport = {
    ...first,
    status: failedBatch?.status ?? (stoppedEarly !== undefined ? 'Failed' : 'Success'),
    batches,
    instances: [...started.flatMap((r) => r.instances), ...unstarted],
    totals: started.reduce((sum, r) => addCounts(sum, r.totals), ZERO_COUNTS),
    nonCompliant: started.flatMap((r) => r.nonCompliant),
    unreported: [...started.flatMap((r) => r.unreported), ...unstarted.map((i) => i.instanceId)],
    failedInstances: started.flatMap((r) => r.failedInstances),
    snapshotIds: Object.assign({}, ...started.map((r) => r.snapshotIds)) as Record<string, string>,
  };
  const covered = started.flatMap((r) => (r.details ? [r.details] : []));
  const [firstCoverage] = covered;
  if (firstCoverage) {
    report.details = {
      limits: firstCoverage.limits,
      failuresRead: covered.reduce((n, c) => n + c.failuresRead, 0),
      patchListsRead: covered.reduce((n, c) => n + c.patchListsRead, 0),
      problems: covered.flatMap((c) => c.problems),
    };
  }
  if (stoppedEarly !== undefined) report.stoppedEarly = stoppedEarly;
  return report;
}

function describedBy(check: InstanceCheck | undefined): Pick<InstanceReport, 'name' | 'osType' | 'osName'> {
  const facts: Pick<InstanceReport, 'name' | 'osType' | 'osName'> = {};
  if (check?.name) facts.name = check.name;
  if (check?.osType) facts.osType = check.osType;
  if (check?.osName) facts.osName = check.osName;
  return facts;
}

function parseTime(value: string | undefined): number | undefined {
  if (!value) return undefined;
  const t = Date.parse(value);
  return Number.isNaN(t) ? undefined : t;
}
