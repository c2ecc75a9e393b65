import * as core from '@actions/core';
import { connectOos, connectReadOnlyOos, retryContext } from './alibaba/connect.js';
import type { Credential } from './alibaba/credential.js';
import { createEcsClient, type EcsClientOptions } from './alibaba/ecs/client.js';
import { retrying } from './alibaba/retry.js';
import { clearForStart } from './approval/gate.js';
import { splitIntoBatches } from './execution/batches.js';
import { type AttachJob, attachPhase } from './attach/phase.js';
import { startDetached } from './execution/detach.js';
import { executionPhase, type PatchJob } from './execution/phase.js';
import { NotStartedError } from './execution/run-execution.js';
import { readInstanceIdsFile } from './inputs/instance-ids-file.js';
import { parseRequest, type ReportSettings, type SummarizeSettings } from './inputs/flows.js';
import type { Settings } from './inputs/parse.js';
import { systemClock } from './lib/clock.js';
import { requireEnv, runAttempt } from './lib/env.js';
import { ActionError } from './lib/errors.js';
import { preflightPhase } from './preflight/phase.js';
import type { PlanReport } from './preflight/plan.js';
import { resolveTags } from './preflight/tags.js';
import { commentOnPr } from './pr-comment/phase.js';
import { verdict } from './report/verdict.js';
import { type JobCancellation, watchJobCancellation } from './runner/job-cancellation.js';
import { coreLogger } from './runner/log.js';
import { publishDetached, publishMerged, publishNotStarted, publishPlan, publishReport } from './runner/publish.js';
import { secrets } from './runner/secrets.js';
import { coreStepState, markMainStep } from './runner/step-state.js';
import { explain, type SignInContext } from './sign-in/explain.js';
import { protectSecrets, signIn, SignInError } from './sign-in/sign-in.js';
import { renderPlanSummary } from './summary/plan-summary.js';
import { renderSummary } from './summary/run-summary.js';
import { summarizePhase, summarizeVerdict } from './summarize/phase.js';

/** The action, phase by phase. The only caller of setFailed. */
export async function run(env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const startedAt = Date.now();
  markMainStep();
  const cancellation = watchJobCancellation(process, { log: (m) => core.warning(m) });
  const read = (name: string): string => core.getInput(name);
  let signedIn: SignInContext | undefined;
  try {
    protectSecrets(read, env, secrets);
    const request = parseRequest(read);
    if (request.action === 'summarize') return await summarizeReports(request.settings, env);
    if (request.action === 'report') return await reportOnExecutions(request.settings, read, env, cancellation, (s) => (signedIn = s));
    const { settings: parsed, warnings } = request.parsed;
    for (const w of warnings) core.warning(w);
    const listed = await readInstanceIdsFile(parsed, env);
    const { credential, context } = await signIn(read, env, secrets, retryContext(cancellation.signal, log));
    signedIn = context;
    const runId = requireEnv(env, 'GITHUB_RUN_ID', noClientToken);
    const ecs = retrying(createEcsClient(ecsOptions(listed, credential)), retryContext(cancellation.signal, log));
    const settings = await resolveTags(listed, ecs);
    const clearance = await clearForStart(settings, env, { log: coreLogger, secrets });
    const plan = await preflightPhase(settings, ecs, runId, coreLogger);
    if (plan.blocked || settings.dryRun) return await stopBeforeStart(plan, settings, env);
    const batches = splitIntoBatches(runId, settings, plan.targets);
    const job: PatchJob = {
      oos: connectOos(settings, credential, log),
      ecs,
      cancellation,
      clock: systemClock,
      log: coreLogger,
      state: coreStepState,
      startedAt,
      runAttempt: runAttempt(env),
      runId,
      repository: env.GITHUB_REPOSITORY ?? '',
      ...(signedIn ? { signedIn } : {}),
    };
    const notStarted = async (err: unknown): Promise<never> => {
      // Nothing started: the summary and the outputs still say what was planned, and why it did not start.
      if (err instanceof NotStartedError) await publishNotStarted(plan, err.message, env);
      throw err;
    };
    if (settings.detach) return await publishDetached(await startDetached(clearance, plan, batches, job).catch(notStarted), env);
    const report = await executionPhase(clearance, plan, batches, job).catch(notStarted);
    const file = await publishReport(report, env);
    core.info(`Report written to ${file}`);
    await commentOnPr(settings, env, (budget, measure) => renderSummary(report, budget, measure), coreLogger);
    verdict(report, settings, coreLogger);
  } catch (err) {
    core.setFailed(failureMessage(err, signedIn));
  } finally {
    cancellation.close();
  }
}

const log = (message: string): void => coreLogger.info(message);

/** action: report: attach to executions that exist (read only), wait for them, publish as a run would. */
async function reportOnExecutions(
  settings: ReportSettings,
  read: (name: string) => string,
  env: NodeJS.ProcessEnv,
  cancellation: JobCancellation,
  onSignIn: (context: SignInContext) => void,
): Promise<void> {
  const { credential, context } = await signIn(read, env, secrets, retryContext(cancellation.signal, log));
  onSignIn(context);
  const job: AttachJob = {
    oos: connectReadOnlyOos(settings, credential, cancellation.signal, log),
    ecs: retrying(createEcsClient(ecsOptions(settings, credential)), retryContext(cancellation.signal, log)),
    clock: systemClock,
    log: coreLogger,
    signal: cancellation.signal,
    signedIn: context,
    repository: env.GITHUB_REPOSITORY ?? '',
  };
  const patchReport = await attachPhase(settings, job);
  const file = await publishReport(patchReport, env);
  core.info(`Report written to ${file}`);
  const scope = { ...settings, action: 'report' };
  await commentOnPr(scope, env, (budget, measure) => renderSummary(patchReport, budget, measure), coreLogger);
  verdict(patchReport, settings, coreLogger);
}

/** action: summarize: merge report files into one summary, outputs and file. No cloud call, no credentials. */
async function summarizeReports(settings: SummarizeSettings, env: NodeJS.ProcessEnv): Promise<void> {
  const merged = await summarizePhase(settings, env, coreLogger);
  const file = await publishMerged(merged, env);
  core.info(`Merged report written to ${file}`);
  summarizeVerdict(merged, settings, coreLogger);
}

function ecsOptions(settings: Pick<Settings, 'region' | 'ecsEndpoint'>, credential: Credential): EcsClientOptions {
  return { region: settings.region, credential, ...(settings.ecsEndpoint ? { endpoint: settings.ecsEndpoint } : {}) };
}

/** Dry run, or pre-flight said no: write the plan, then stop (with success only for a dry run that is ready). */
async function stopBeforeStart(plan: PlanReport, settings: Settings, env: NodeJS.ProcessEnv): Promise<void> {
  const file = await publishPlan(plan, env);
  core.info(`Plan written to ${file}`);
  await commentOnPr(settings, env, (budget, measure) => renderPlanSummary(plan, budget, measure), coreLogger);
  if (plan.blocked) throw new ActionError(plan.blocked);
  core.info(
    `Dry run: StartExecution would patch ${plan.targets.length} instance(s) with ClientToken ${plan.clientToken}. Nothing was started.`,
  );
}

function noClientToken(name: string): string {
  return `${name} is not set: run this action in a GitHub Actions workflow (the ClientToken is derived from it).`;
}

/** The failure as one actionable line, with every known secret value scrubbed (the last line of defence). */
function failureMessage(err: unknown, signedIn: SignInContext | undefined): string {
  const message = err instanceof SignInError ? explain(err.error, err.context) : explain(err, signedIn);
  return secrets.scrub(message);
}
