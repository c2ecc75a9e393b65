import * as core from '@actions/core';
import { mkdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { notStartedOutputs, reportOutputs } from './outputs.js';
import type { NotStartedReport, PatchReport } from './report.js';
import { renderNotStarted, renderSummary } from './summary.js';

/** Writes the report file, sets every output and writes the job summary. Returns the report file's path. */
export async function publishReport(report: PatchReport, env: NodeJS.ProcessEnv): Promise<string> {
  const dir = env.RUNNER_TEMP || tmpdir();
  await mkdir(dir, { recursive: true });
  const file = join(dir, `patch-report-${report.execution.executionId}.json`);
  await writeFile(file, `${JSON.stringify(report, null, 2)}\n`, 'utf8');
  for (const [name, value] of Object.entries(reportOutputs(report, file))) core.setOutput(name, value);
  if (env.GITHUB_STEP_SUMMARY) {
    await core.summary.addRaw(renderSummary(report)).write();
  } else {
    core.info('GITHUB_STEP_SUMMARY is not set: no job summary written.');
  }
  return file;
}

/** Sets the outputs that are known and writes a short job summary, when no execution ID is known. */
export async function publishNotStarted(report: NotStartedReport, env: NodeJS.ProcessEnv): Promise<void> {
  for (const [name, value] of Object.entries(notStartedOutputs(report))) core.setOutput(name, value);
  if (env.GITHUB_STEP_SUMMARY) await core.summary.addRaw(renderNotStarted(report)).write();
}
