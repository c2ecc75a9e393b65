import * as core from '@actions/core';
import { connectOos, retryContext } from './alibaba/connect.js';
import type { Credential } from './alibaba/credential.js';
import { createEcsClient, type EcsClientOptions } from './alibaba/ecs/client.js';
import { retrying } from './alibaba/retry.js';
import { clearForStart } from './approval/gate.js';
import { splitIntoBatches } from './execution/batches.js';
import { executionPhase, type PatchJob } from './execution/phase.js';
import { NotStartedError } from './execution/run-execution.js';
import { readInstanceIdsFile } from './inputs/instance-ids-file.js';
import { parseInputs, type Settings } from './inputs/parse.js';
import { systemClock } from './lib/clock.js';
import { requireEnv, runAttempt } from './lib/env.js';
import { ActionError } from './lib/errors.js';
import { preflightPhase } from './preflight/phase.js';
import type { PlanReport } from './preflight/plan.js';
import { resolveTags } from './preflight/tags.js';
import { commentOnPr } from './pr-comment/phase.js';
import { verdict } from './report/verdict.js';
import { watchJobCancellation } from './runner/job-cancellation.js';
import { coreLogger } from './runner/log.js';
import { publishNotStarted, publishPlan, publishReport } from './runner/publish.js';
import { secrets } from './runner/secrets.js';
import { coreStepState, markMainStep } from './runner/step-state.js';
import { explain, type SignInContext } from './sign-in/explain.js';
import { protectSecrets, signIn, SignInError } from './sign-in/sign-in.js';
import { renderPlanSummary } from './summary/plan-summary.js';
import { renderSummary } from './summary/run-summary.js';

/** The action, phase by phase. The only caller of setFailed. */
export async function run(env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const startedAt = Date.now();
  markMainStep();
  const cancellation = watchJobCancellation(process, { log: (m) => core.warning(m) });
  const read = (name: string): string => core.getInput(name);
  let signedIn: SignInContext | undefined;
  try {
    protectSecrets(read, env, secrets);
    const { settings: parsed, warnings } = parseInputs(read);
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
    const report = await executionPhase(clearance, plan, batches, job).catch(async (err: unknown) => {
      // Nothing started: the summary and the outputs still say what was planned, and why it did not start.
      if (err instanceof NotStartedError) await publishNotStarted(plan, err.message, env);
      throw err;
    });
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

function ecsOptions(settings: Settings, credential: Credential): EcsClientOptions {
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
