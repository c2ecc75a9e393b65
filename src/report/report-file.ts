import { show } from '../inputs/parse.js';
import { ActionError } from '../lib/errors.js';
import type { PlanReport } from '../preflight/plan.js';
import { type PatchReport, type PatchReportFile, REPORT_SCHEMA_VERSION } from './model.js';

/** What the report file of a run holds: the report, after the schema version and the kind. */
export function reportFileContent(report: PatchReport): PatchReportFile {
  return { schemaVersion: REPORT_SCHEMA_VERSION, kind: 'report', ...report };
}

/** What a plan file holds (dry run, blocked, not started): the plan after the schema version, and why it did not start. */
export function planFileContent(
  plan: PlanReport,
  problem?: string,
): { schemaVersion: typeof REPORT_SCHEMA_VERSION } & PlanReport & { problem?: string } {
  return { schemaVersion: REPORT_SCHEMA_VERSION, ...plan, ...(problem !== undefined ? { problem } : {}) };
}

/**
 * A parsed report file, checked against what docs/report.schema.json requires of `kind: report` before anything
 * reads it: the schema version, the kind, and the fields a merge uses, with their types. Hand-written (no schema
 * library in the bundle); test/unit/report/schema.test.ts proves the files the action writes pass both this and
 * the published schema. Every refusal names the file.
 */
export function checkReportFile(value: unknown, file: string): PatchReportFile {
  const name = show(file);
  const refuse = (why: string): never => {
    throw new ActionError(`Report file ${name} ${why}; summarize reads the report files this action writes (report-file output).`);
  };
  if (!isObject(value)) return refuse('is not a JSON object');
  if (value.schemaVersion === undefined)
    return refuse('has no schemaVersion: it is not a report of this action, or one from a version before 1');
  if (value.schemaVersion !== REPORT_SCHEMA_VERSION) {
    return refuse(
      `has schemaVersion ${JSON.stringify(value.schemaVersion)}, and this version of the action reads ${REPORT_SCHEMA_VERSION} only`,
    );
  }
  if (value.kind === 'plan') return refuse('is a plan (dry run, or a run that did not start): it has no patch states to merge');
  if (value.kind === 'summary') return refuse('is already a merged summary: merge the report files it was made from');
  if (value.kind !== 'report') return refuse(`has kind ${JSON.stringify(value.kind)}, not report`);
  const bad = firstProblem(value);
  if (bad !== undefined) return refuse(`does not match the report schema: ${bad}`);
  return value as unknown as PatchReportFile;
}

const COUNTS = ['installed', 'installedOther', 'installedPendingReboot', 'installedRejected', 'missing', 'failed'] as const;

function firstProblem(r: Record<string, unknown>): string | undefined {
  if (r.action !== 'scan' && r.action !== 'install') return 'action is not scan or install';
  for (const key of ['region', 'status', 'clientToken'] as const) if (typeof r[key] !== 'string') return `${key} is not a string`;
  if (!isObject(r.execution) || typeof r.execution.executionId !== 'string' || typeof r.execution.status !== 'string') {
    return 'execution has no executionId or status';
  }
  if (!Array.isArray(r.batches) || !r.batches.every(isObject)) return 'batches is not a list of objects';
  const totals = countsProblem(r.totals);
  if (totals) return `totals: ${totals}`;
  for (const key of ['nonCompliant', 'unreported', 'failedInstances'] as const) {
    const list = r[key];
    if (!Array.isArray(list) || !list.every((v) => typeof v === 'string')) return `${key} is not a list of instance IDs`;
  }
  if (!Array.isArray(r.skipped)) return 'skipped is not a list';
  if (!isObject(r.snapshotIds)) return 'snapshotIds is not an object';
  if (!Array.isArray(r.instances)) return 'instances is not a list';
  for (const [n, i] of r.instances.entries()) {
    if (!isObject(i) || typeof i.instanceId !== 'string') return `instances[${n}] has no instanceId`;
    if (typeof i.stale !== 'boolean' || typeof i.needsAttention !== 'boolean') return `instances[${n}] lacks stale or needsAttention`;
    if (i.state !== undefined) {
      const c = isObject(i.state) ? countsProblem(i.state.counts) : 'is not an object';
      if (c) return `instances[${n}].state: ${c}`;
    }
  }
  return undefined;
}

function countsProblem(v: unknown): string | undefined {
  if (!isObject(v)) return 'is not an object of counts';
  const bad = COUNTS.find((k) => !Number.isSafeInteger(v[k]) || (v[k] as number) < 0);
  return bad === undefined ? undefined : `${bad} is not a count`;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
