import { addCounts, ZERO_COUNTS } from '../report/counts.js';
import { type MergedInstance, type MergedReport, type PatchReportFile, REPORT_SCHEMA_VERSION } from '../report/model.js';
import { worstFirst } from '../summary/run-summary.js';

/** A report file as read: its name as given, and its checked content. */
export interface ReadReport {
  file: string;
  report: PatchReportFile;
}

/**
 * Several reports as one (pure): the sums of their counts, every instance worst first across all of them (ties
 * keep the order of the files, then of each report), and one row per report. An instance ID in two reports (two
 * runs of one region) stays twice, each with its region and report.
 */
export function mergeReports(read: readonly ReadReport[]): MergedReport {
  const instances: MergedInstance[] = read.flatMap(({ report }, n) =>
    report.instances.map((i) => ({ ...i, region: report.region, report: n })),
  );
  const failed = read.find(({ report }) => report.status !== 'Success');
  return {
    schemaVersion: REPORT_SCHEMA_VERSION,
    kind: 'summary',
    reports: read.map(({ file, report }) => ({
      file,
      action: report.action,
      region: report.region,
      status: report.status,
      executionIds: report.batches.flatMap((b) => (b.execution ? [b.execution.executionId] : [])),
      instanceCount: report.instances.length,
      totals: report.totals,
      nonCompliant: report.nonCompliant.length,
      unreported: report.unreported.length,
      ...(report.problem !== undefined ? { problem: report.problem } : {}),
    })),
    status: failed?.report.status ?? 'Success',
    instanceCount: instances.length,
    totals: read.reduce((sum, { report }) => addCounts(sum, report.totals), ZERO_COUNTS),
    nonCompliant: read.flatMap(({ report }) => report.nonCompliant),
    unreported: read.flatMap(({ report }) => report.unreported),
    instances: worstFirst(instances),
  };
}
