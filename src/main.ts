import * as core from '@actions/core';
import type { Credential } from './alibaba/credential.js';
import { type JobCancellation, watchJobCancellation } from './runner/job-cancellation.js';
import { type Batch, splitIntoBatches, reportBatches, runBatches } from './execution/batches.js';
import { type Clearance, clearedSettings } from './approval/clearance.js';
import { clearForStart } from './approval/gate.js';
import { systemClock } from './lib/clock.js';
import { createEcsClient, type EcsClientOptions } from './alibaba/ecs/client.js';
import type { EcsApi } from './alibaba/ecs/types.js';
import { connectOos, retryContext } from './alibaba/connect.js';
import { ActionError } from './lib/errors.js';
import { collectDetails, DEFAULT_DETAIL_LIMITS, remainingLimits } from './execution/details.js';
import {
  type ExecutionContext,
  type ExecutionOutcome,
  type ExecutionRequest,
  NotStartedError,
  runExecution,
} from './execution/run-execution.js';
import { explain, type SignInContext } from './sign-in/explain.js';
import { parseInputs, type Settings } from './inputs/parse.js';
import type { OosApi } from './alibaba/oos/types.js';
import { MAX_INSTANCES_PER_EXECUTION, maxErrorsValue } from './alibaba/oos/template.js';
import type { PlanReport } from './preflight/plan.js';
import { renderPlanSummary } from './summary/plan-summary.js';
import { commentOnPr } from './pr-comment/phase.js';
import { preflightPhase } from './preflight/phase.js';
import { publishNotStarted, publishPlan, publishReport } from './runner/publish.js';
import type { DetailLimits, ExecutionDetails, PatchReport } from './report/model.js';
import { secrets } from './runner/secrets.js';
import { retrying } from './alibaba/retry.js';
import { protectSecrets, signIn, SignInError } from './sign-in/sign-in.js';
import { coreStepState, markMainStep } from './runner/step-state.js';
import { coreLogger } from './runner/log.js';
import { requireEnv } from './lib/env.js';
import { renderSummary } from './summary/run-summary.js';
import { readInstanceIdsFile } from './inputs/instance-ids-file.js';
import { describeTags, resolveTags } from './preflight/tags.js';
import { verdict } from './report/verdict.js';

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
    logPlan(plan, settings, batches, env);
    const job: PatchJob = { credential, ecs, cancellation, env, startedAt, ...(signedIn ? { signedIn } : {}) };
    const report = await patch(clearance, plan, batches, job);
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

/** What patch() needs besides the plan: the clients, the job's cancellation, and the step's facts. */
interface PatchJob {
  credential: Credential;
  ecs: EcsApi;
  cancellation: JobCancellation;
  env: NodeJS.ProcessEnv;
  startedAt: number;
  signedIn?: SignInContext;
}

const log = (message: string): void => core.info(message);

/**
 * Start -> wait -> patch states, batch after batch; one report for them all. Takes a Clearance: every batch's
 * settings come from clearedSettings, so an install cannot reach StartExecution without a positive approval decision.
 */
async function patch(clearance: Clearance, plan: PlanReport, batches: readonly Batch[], job: PatchJob): Promise<PatchReport> {
  const settings = clearance.settings;
  const oos = connectOos(settings, job.credential, log);
  const ctx: ExecutionContext = {
    oos,
    cancellation: job.cancellation,
    clock: systemClock,
    log: coreLogger,
    state: coreStepState,
    region: settings.region,
    waitTimeoutMinutes: settings.waitTimeoutMinutes,
    cancelOnTimeout: settings.cancelOnTimeout,
    cancelOnAbort: settings.cancelOnAbort,
    stepStartedAt: job.startedAt,
    runAttempt: runAttempt(job.env),
    ...(job.signedIn ? { signedIn: job.signedIn } : {}),
  };
  let limits: DetailLimits = DEFAULT_DETAIL_LIMITS;
  let ran;
  try {
    ran = await runBatches(batches, settings, {
      clear: (instanceIds) => clearedSettings(clearance, instanceIds),
      runExecution: async (request) => {
        const outcome = await runExecution(request, ctx);
        // Details only for an execution that ended and was reported: nothing to add to a stop or a failure to read.
        if (outcome.timedOut || outcome.problem !== undefined) return outcome;
        const details = await readDetails(oos(job.cancellation.signal), job.ecs, request, outcome, limits);
        limits = remainingLimits(limits, details);
        return { ...outcome, details };
      },
      now: () => systemClock.now(),
      log,
    });
  } catch (err) {
    // Nothing started: the summary and the outputs still say what was planned, and why it did not start.
    if (err instanceof NotStartedError) await publishNotStarted(plan, err.message, job.env);
    throw err;
  }
  return reportBatches(settings, ran, {
    preflight: plan.preflight,
    ...(clearance.approval ? { approval: clearance.approval } : {}),
  });
}

/** What each instance's child execution did, its patches and snapshot: bounded calls, never fatal. */
async function readDetails(
  oos: OosApi,
  ecs: EcsApi,
  request: ExecutionRequest,
  outcome: ExecutionOutcome,
  limits: DetailLimits,
): Promise<ExecutionDetails> {
  const details = await collectDetails(
    oos,
    ecs,
    {
      execution: outcome.execution,
      instanceIds: request.instanceIds,
      states: outcome.states,
      snapshots: request.spec.install?.createSnapshot === true,
    },
    limits,
  );
  if (details.problems.length > 0) {
    core.warning(`Some details could not be read (the result stands): ${details.problems.slice(0, 3).join('; ')}`);
  }
  return details;
}

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

function logPlan(plan: PlanReport, settings: Settings, batches: readonly Batch[], env: NodeJS.ProcessEnv): void {
  const n = plan.targets.length;
  const source = settings.tags
    ? ` carrying ${describeTags(settings.tags)}`
    : settings.instanceIdsFile !== undefined
      ? ` listed in ${settings.instanceIdsFile}`
      : '';
  core.info(`Plan: ${plan.action} on ${n} instance${n === 1 ? '' : 's'}${source} in ${plan.region}`);
  if (plan.install) {
    const i = plan.install;
    core.info(
      `  reboot if needed: ${i.rebootIfNeed}, snapshot: ${i.createSnapshot}${i.createSnapshot ? ` (kept ${i.retentionDays} days)` : ''}`,
    );
  }
  const rate = settings.rateControl;
  core.info(`  at most ${rate.maxConcurrency} at a time; max errors ${maxErrorsValue(rate.maxErrors)}`);
  if (batches.length > 1) {
    core.info(`  ${batches.length} batches of at most ${MAX_INSTANCES_PER_EXECUTION} instances, one execution each, one after another`);
  } else {
    core.info(`ClientToken: ${plan.clientToken}`);
  }
  const attempt = runAttempt(env);
  if (attempt > 1) {
    core.info(
      `This is attempt ${attempt} of run ${env.GITHUB_RUN_ID}: the ClientToken is the first attempt's, so OOS returns any execution an earlier attempt started instead of starting another.`,
    );
  }
}

function runAttempt(env: NodeJS.ProcessEnv): number {
  const n = Number(env.GITHUB_RUN_ATTEMPT ?? '1');
  return Number.isSafeInteger(n) && n > 0 ? n : 1;
}

function noClientToken(name: string): string {
  return `${name} is not set: run this action in a GitHub Actions workflow (the ClientToken is derived from it).`;
}

/** The failure as one actionable line, with every known secret value scrubbed (the last line of defence). */
function failureMessage(err: unknown, signedIn: SignInContext | undefined): string {
  const message = err instanceof SignInError ? explain(err.error, err.context) : explain(err, signedIn);
  return secrets.scrub(message);
}
