import type { SummarizeSettings } from '../inputs/flows.js';
import { ActionError } from '../lib/errors.js';
import type { Logger } from '../lib/log.js';
import type { MergedReport } from '../report/model.js';
import { listIds } from '../report/verdict.js';
import { readReportFiles } from './files.js';
import { mergeReports } from './merge.js';

/** `action: summarize`: read and check the report files, merge them. No cloud call, no credentials. */
export async function summarizePhase(
  settings: SummarizeSettings,
  env: NodeJS.ProcessEnv,
  log: Pick<Logger, 'info'>,
): Promise<MergedReport> {
  const read = await readReportFiles(settings.reportFiles, env);
  log.info(
    `Merging ${read.length} report file(s): ${read.map((r) => `${r.file} (${r.report.region}, ${r.report.instances.length} instances)`).join(', ')}`,
  );
  return mergeReports(read);
}

/** The merged outcome: fail-on-missing across every report; instances without a current patch state are a warning. */
export function summarizeVerdict(m: MergedReport, settings: Pick<SummarizeSettings, 'failOnMissing'>, log: Pick<Logger, 'warning'>): void {
  if (m.unreported.length > 0) log.warning(`No current patch state for ${m.unreported.length} instance(s): ${listIds(m.unreported)}`);
  if (settings.failOnMissing && (m.nonCompliant.length > 0 || m.unreported.length > 0)) {
    const ids = [...m.nonCompliant, ...m.unreported];
    throw new ActionError(
      `fail-on-missing: ${ids.length} instance(s) across ${m.reports.length} reports are not compliant: ${listIds(ids)}`,
    );
  }
}
