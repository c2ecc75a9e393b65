import type { InstanceCheck } from '../preflight/checks.js';
import { consoleUrl } from '../alibaba/oos/console.js';
import { addCounts, needsAttention, ZERO_COUNTS } from './counts.js';
import { failedInstances } from './failed-instances.js';
import { isTerminal } from '../alibaba/oos/types.js';
import type {
  BatchReport,
  DetailCoverage,
  ExecutionDetails,
  ExecutionReport,
  InstanceReport,
  NotStartedBatch,
  PatchReport,
  ReportInput,
} from './model.js';

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
    consoleUrl: consoleUrl(input.region, input.execution.executionId, input.consoleSite),
  };
  const end = parseTime(input.execution.endDate);
  if (started !== undefined && end !== undefined && end >= started) {
    execution.durationSeconds = Math.round((end - started) / 1000);
  }
  const batch: BatchReport = { index: 1, instanceCount: instances.length, clientToken: input.clientToken, execution };
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
  if (isTerminal(execution.status)) {
    // Counted from the child executions, else the patch states; never from Counters, which count tasks.
    const children = (input.details ?? []).flatMap((d) => d.children);
    const failed = failedInstances(input.instanceIds, children, input.states, input.execution.startDate);
    batch.errors = failed.ids.length;
    report.failedInstances = failed.ids;
    if (failed.fromPatchStates > 0) report.failuresFromPatchStates = failed.fromPatchStates;
  }
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
    if (d.childSource === 'none') {
      // OOS named no child execution: an instance whose patch state counts failed patches counts as failed.
      (coverage.childrenUnnamed ??= []).push(d.executionId);
      for (const instance of report.instances) {
        const failed = !instance.stale && (instance.state?.counts.failed ?? 0) > 0;
        if (failed && !report.failedInstances.includes(instance.instanceId)) report.failedInstances.push(instance.instanceId);
      }
    }
    coverage.failuresRead += Object.keys(d.failures).length;
    coverage.patchListsRead += Object.keys(d.patches).length;
    coverage.problems.push(...d.problems);
    if (d.cut && d.cut.length > 0) (coverage.cut ??= []).push(...d.cut);
  }
  report.details = coverage;
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
    ...sumOf(started, (r) => r.failuresFromPatchStates),
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
    const unnamed = covered.flatMap((c) => c.childrenUnnamed ?? []);
    if (unnamed.length > 0) report.details.childrenUnnamed = unnamed;
  }
  if (stoppedEarly !== undefined) report.stoppedEarly = stoppedEarly;
  return report;
}

/** `failuresFromPatchStates` summed over the batches, or nothing when no batch judged any instance so. */
function sumOf(
  reports: readonly PatchReport[],
  pick: (r: PatchReport) => number | undefined,
): Pick<PatchReport, 'failuresFromPatchStates'> {
  const n = reports.reduce((sum, r) => sum + (pick(r) ?? 0), 0);
  return n > 0 ? { failuresFromPatchStates: n } : {};
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
