import { Outputs } from './constants.js';
import type { NotStartedReport, PatchReport } from './report.js';

/** Every step output, as strings, from the report. */
export function reportOutputs(report: PatchReport, reportFile: string): Record<string, string> {
  const t = report.totals;
  return {
    [Outputs.ExecutionId]: report.execution.executionId,
    [Outputs.Status]: report.execution.status,
    [Outputs.ClientToken]: report.clientToken,
    [Outputs.ConsoleUrl]: report.execution.consoleUrl,
    [Outputs.InstanceCount]: String(report.instances.length),
    [Outputs.InstalledCount]: String(t.installed),
    [Outputs.InstalledOtherCount]: String(t.installedOther),
    [Outputs.InstalledPendingRebootCount]: String(t.installedPendingReboot),
    [Outputs.InstalledRejectedCount]: String(t.installedRejected),
    [Outputs.MissingCount]: String(t.missing),
    [Outputs.FailedCount]: String(t.failed),
    [Outputs.NonCompliantInstances]: JSON.stringify(report.nonCompliant),
    [Outputs.ReportFile]: reportFile,
  };
}

/** The `status` output when no execution was started. */
export const NOT_STARTED = 'NotStarted';

/** The outputs that are known when no execution is. */
export function notStartedOutputs(r: NotStartedReport): Record<string, string> {
  return {
    [Outputs.Status]: NOT_STARTED,
    [Outputs.ClientToken]: r.clientToken,
    [Outputs.InstanceCount]: String(r.instanceIds.length),
  };
}
