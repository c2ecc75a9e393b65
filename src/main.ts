import * as core from '@actions/core';
import { watchJobCancellation } from './abort.js';
import { clearForStart } from './approval/gate.js';
import { connectEcs, connectOos, retryContext } from './connect.js';
import { ActionError } from './errors.js';
import { type Job, reportPhase, startPhase, waitPhase } from './execution-phase.js';
import { explain, type SignInContext } from './explain.js';
import { parseInputs, type Settings } from './inputs.js';
import type { PlanReport } from './plan.js';
import { planRun } from './preflight-phase.js';
import { publishPlan } from './publish.js';
import type { PatchReport } from './report.js';
import { secrets } from './secrets.js';
import { protectSecrets, signIn, SignInError } from './sign-in.js';
import { markMainStep } from './state.js';

/** The action, phase by phase. The only caller of setFailed. */
export async function run(env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const startedAt = Date.now();
  markMainStep();
  const cancellation = watchJobCancellation(process, { log: (m) => core.warning(m) });
  const log = (m: string): void => core.info(m);
  const read = (name: string): string => core.getInput(name);
  let signedIn: SignInContext | undefined;
  try {
    protectSecrets(read, env, secrets);
    const { settings, warnings } = parseInputs(read);
    for (const w of warnings) core.warning(w);
    const { credential, context } = await signIn(read, env, secrets, retryContext(cancellation.signal, log));
    signedIn = context;
    const runId = requireEnv(env, 'GITHUB_RUN_ID');
    const clearance = await clearForStart(settings, env);
    const plan = await planRun(settings, connectEcs(settings, credential, retryContext(cancellation.signal, log)), runId);
    if (plan.blocked || settings.dryRun) return await stopBeforeStart(plan, env);
    logPlan(plan, env);
    const job: Job = {
      settings,
      clearance,
      plan,
      oos: connectOos(settings, credential, log),
      cancellation,
      env,
      startedAt,
      runAttempt: runAttempt(env),
      signedIn,
    };
    const execution = await startPhase(job);
    const waited = await waitPhase(job, execution);
    const report = await reportPhase(job, waited);
    verdict(report, settings);
  } catch (err) {
    core.setFailed(failureMessage(err, signedIn));
  } finally {
    cancellation.close();
  }
}

/** Dry run, or pre-flight said no: write the plan, then stop (with success only for a dry run that is ready). */
async function stopBeforeStart(plan: PlanReport, env: NodeJS.ProcessEnv): Promise<void> {
  const file = await publishPlan(plan, env);
  core.info(`Plan written to ${file}`);
  if (plan.blocked) throw new ActionError(plan.blocked);
  core.info(
    `Dry run: StartExecution would patch ${plan.targets.length} instance(s) with ClientToken ${plan.clientToken}. Nothing was started.`,
  );
}

function logPlan(plan: PlanReport, env: NodeJS.ProcessEnv): void {
  const n = plan.targets.length;
  core.info(`Plan: ${plan.action} on ${n} instance${n === 1 ? '' : 's'} in ${plan.region}`);
  if (plan.install) {
    const i = plan.install;
    core.info(
      `  reboot if needed: ${i.rebootIfNeed}, snapshot: ${i.createSnapshot}${i.createSnapshot ? ` (kept ${i.retentionDays} days)` : ''}`,
    );
  }
  core.info(`ClientToken: ${plan.clientToken}`);
  const attempt = runAttempt(env);
  if (attempt > 1) {
    core.info(
      `This is attempt ${attempt} of run ${env.GITHUB_RUN_ID}: the ClientToken is the first attempt's, so OOS returns any execution an earlier attempt started instead of starting another.`,
    );
  }
}

function verdict(report: PatchReport, settings: Settings): void {
  const e = report.execution;
  if (report.problem) throw new ActionError(report.problem);
  if (e.status !== 'Success') {
    throw new ActionError(
      `Execution ${e.executionId} ended ${e.status}${e.statusMessage ? `: ${e.statusMessage}` : ''}${e.requestId ? ` (request ID ${e.requestId})` : ''}. ` +
        `See which instances failed and why at ${e.consoleUrl}.`,
    );
  }
  if (report.unreported.length > 0) {
    core.warning(`No current patch state for ${report.unreported.length} instance(s): ${report.unreported.join(', ')}`);
  }
  if (settings.failOnMissing && (report.nonCompliant.length > 0 || report.unreported.length > 0)) {
    const ids = [...report.nonCompliant, ...report.unreported];
    throw new ActionError(`fail-on-missing: ${ids.length} instance(s) are not compliant: ${ids.join(', ')}`);
  }
}

function runAttempt(env: NodeJS.ProcessEnv): number {
  const n = Number(env.GITHUB_RUN_ATTEMPT ?? '1');
  return Number.isSafeInteger(n) && n > 0 ? n : 1;
}

function requireEnv(env: NodeJS.ProcessEnv, name: string): string {
  const value = env[name];
  if (!value)
    throw new ActionError(`${name} is not set: run this action in a GitHub Actions workflow (the ClientToken is derived from it).`);
  return value;
}

/** The failure as one actionable line, with every known secret value scrubbed (the last line of defence). */
function failureMessage(err: unknown, signedIn: SignInContext | undefined): string {
  const message = err instanceof SignInError ? explain(err.error, err.context) : explain(err, signedIn);
  return secrets.scrub(message);
}
