import { approvedBy } from '../approval/render.js';
import { Outputs } from '../inputs/names.js';
import type { PlanReport } from '../preflight/plan.js';
import type { PatchCounts } from '../alibaba/oos/types.js';
import type { DetachedStart, MergedReport, PatchReport } from './model.js';

/** Every step output, as strings, from the report. */
export function reportOutputs(report: PatchReport, reportFile: string): Record<string, string> {
  const t = report.totals;
  return {
    [Outputs.ExecutionId]: report.execution.executionId,
    [Outputs.ExecutionIds]: JSON.stringify(report.batches.flatMap((b) => (b.execution ? [b.execution.executionId] : []))),
    [Outputs.Status]: report.status,
    [Outputs.ClientToken]: report.clientToken,
    [Outputs.ConsoleUrl]: report.execution.consoleUrl,
    [Outputs.InstanceCount]: String(report.instances.length),
    ...countOutputs(t),
    [Outputs.NonCompliantInstances]: JSON.stringify(report.nonCompliant),
    [Outputs.SkippedInstances]: JSON.stringify(report.skipped.map((c) => c.instanceId)),
    [Outputs.SnapshotIds]: JSON.stringify(report.snapshotIds),
    [Outputs.ReportFile]: reportFile,
    [Outputs.ApprovedBy]: approvedBy(report.approval),
  };
}

/** The `status` output when StartExecution gave back no execution. */
export const NOT_STARTED = 'NotStarted';

/** The outputs when StartExecution failed: those of the plan, and the status NotStarted. */
export function notStartedOutputs(plan: PlanReport, reportFile: string): Record<string, string> {
  return { [Outputs.Status]: NOT_STARTED, ...planOutputs(plan, reportFile) };
}

/** The outputs of a run that stopped before StartExecution: what would have been started, and what was left out. */
export function planOutputs(plan: PlanReport, reportFile: string): Record<string, string> {
  return {
    [Outputs.ClientToken]: plan.clientToken,
    [Outputs.InstanceCount]: String(plan.targets.length),
    [Outputs.SkippedInstances]: JSON.stringify(plan.skipped.map((c) => c.instanceId)),
    [Outputs.ReportFile]: reportFile,
  };
}

/** `wait: false`: the execution left running, for a later `action: report`. */
export function detachedOutputs(d: DetachedStart): Record<string, string> {
  return {
    [Outputs.ExecutionId]: d.execution.executionId,
    [Outputs.ExecutionIds]: JSON.stringify([d.execution.executionId]),
    [Outputs.Status]: d.execution.status,
    [Outputs.ClientToken]: d.clientToken,
    [Outputs.ConsoleUrl]: d.consoleUrl,
    [Outputs.InstanceCount]: String(d.instanceCount),
  };
}

/** `action: summarize`: the counts across every report, and the merged report file. */
export function mergedOutputs(m: MergedReport, reportFile: string): Record<string, string> {
  return {
    [Outputs.ExecutionIds]: JSON.stringify(m.reports.flatMap((r) => r.executionIds)),
    [Outputs.Status]: m.status,
    [Outputs.InstanceCount]: String(m.instanceCount),
    ...countOutputs(m.totals),
    [Outputs.NonCompliantInstances]: JSON.stringify(m.nonCompliant),
    [Outputs.ReportFile]: reportFile,
  };
}

function countOutputs(t: PatchCounts): Record<string, string> {
  return {
    [Outputs.InstalledCount]: String(t.installed),
    [Outputs.InstalledOtherCount]: String(t.installedOther),
    [Outputs.InstalledPendingRebootCount]: String(t.installedPendingReboot),
    [Outputs.InstalledRejectedCount]: String(t.installedRejected),
    [Outputs.MissingCount]: String(t.missing),
    [Outputs.FailedCount]: String(t.failed),
  };
}
