import * as core from '@actions/core';
import { tmpdir } from 'node:os';
import { isExecutionId } from '../alibaba/ids.js';
import { ActionError } from '../lib/errors.js';
import { failureAnnotations } from '../report/annotations.js';
import { writeReportFile as writeFileIn } from './json-file.js';
import { secrets } from './secrets.js';
import { detachedOutputs, mergedOutputs, notStartedOutputs, planOutputs, reportOutputs } from '../report/outputs.js';
import type { PlanReport } from '../preflight/plan.js';
import { renderPlanSummary } from '../summary/plan-summary.js';
import type { DetachedStart, MergedReport, PatchReport } from '../report/model.js';
import { planFileContent, reportFileContent } from '../report/report-file.js';
import { renderDetached, renderMergedSummary } from '../summary/fleet-summary.js';
import { renderNotStarted, renderSummary } from '../summary/run-summary.js';

/** Writes the report file, sets every output and writes the job summary. Returns the report file's path. */
export async function publishReport(report: PatchReport, env: NodeJS.ProcessEnv): Promise<string> {
  const id = report.execution.executionId;
  // The OOS client checked it already; the file name and the execution-id output depend on it, so again here.
  if (!isExecutionId(id))
    throw new ActionError(`The execution ID ${JSON.stringify(String(id).slice(0, 80))} is not of the form exec-<letters and digits>.`);
  const file = await writeReportFile(env, `patch-report-${id}.json`, reportFileContent(report));
  for (const [name, value] of Object.entries(reportOutputs(report, file))) setOutput(name, value);
  for (const a of failureAnnotations(report)) core.error(a.message, { title: a.title });
  await writeSummary(renderSummary(report), env);
  return file;
}

/** The same for a run that stopped before StartExecution (dry run, or pre-flight blocking it). */
export async function publishPlan(plan: PlanReport, env: NodeJS.ProcessEnv): Promise<string> {
  const file = await writeReportFile(env, `patch-plan-${plan.clientToken}.json`, planFileContent(plan));
  for (const [name, value] of Object.entries(planOutputs(plan, file))) setOutput(name, value);
  await writeSummary(renderPlanSummary(plan), env);
  return file;
}

/** The same when StartExecution gave back no execution: the plan, and why nothing is known to have started. */
export async function publishNotStarted(plan: PlanReport, problem: string, env: NodeJS.ProcessEnv): Promise<string> {
  const file = await writeReportFile(env, `patch-plan-${plan.clientToken}.json`, planFileContent(plan, problem));
  for (const [name, value] of Object.entries(notStartedOutputs(plan, file))) setOutput(name, value);
  await writeSummary(renderNotStarted(plan, problem), env);
  return file;
}

/** `wait: false`: the outputs of the execution left running, and a summary that says how to collect its result. */
export async function publishDetached(started: DetachedStart, env: NodeJS.ProcessEnv): Promise<void> {
  for (const [name, value] of Object.entries(detachedOutputs(started))) setOutput(name, value);
  await writeSummary(renderDetached(started), env);
}

/** `action: summarize`: the merged report file, the count outputs and the merged summary. Returns the file's path. */
export async function publishMerged(merged: MergedReport, env: NodeJS.ProcessEnv): Promise<string> {
  const file = await writeReportFile(env, 'patch-summary.json', merged);
  for (const [name, value] of Object.entries(mergedOutputs(merged, file))) setOutput(name, value);
  await writeSummary(renderMergedSummary(merged), env);
  return file;
}

/** Into RUNNER_TEMP, created afresh, every known secret scrubbed as the last step. */
function writeReportFile(env: NodeJS.ProcessEnv, name: string, content: unknown): Promise<string> {
  return writeFileIn(env.RUNNER_TEMP || tmpdir(), name, content, (text) => secrets.scrub(text));
}

/** An output: every known secret scrubbed, on one line (a later `run:` may interpolate it). */
function setOutput(name: string, value: string): void {
  core.setOutput(name, secrets.scrub(value).replace(/[\r\n]+/g, ' '));
}

async function writeSummary(markdown: string, env: NodeJS.ProcessEnv): Promise<void> {
  if (env.GITHUB_STEP_SUMMARY) {
    // The writer's last line: whatever a server echoed, no known secret reaches the job summary.
    await core.summary.addRaw(secrets.scrub(markdown)).write();
  } else {
    core.info('GITHUB_STEP_SUMMARY is not set: no job summary written.');
  }
}
