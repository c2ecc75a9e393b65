import type Credential from '@alicloud/credentials';
import * as core from '@actions/core';
import { type Clearance, clearedPlan } from './approval/clearance.js';
import { clearForStart } from './approval/gate.js';
import { systemClock } from './clock.js';
import { collectDetails } from './details.js';
import { createEcsClient, type EcsClientOptions } from './ecs/client.js';
import type { EcsApi } from './ecs/types.js';
import { defaultOosEndpoint } from './endpoint.js';
import { ActionError } from './errors.js';
import { explain, type SignInContext } from './explain.js';
import { parseInputs, type Settings } from './inputs.js';
import { createOosClient } from './oos/client.js';
import { type Execution, isTerminal, type OosApi } from './oos/types.js';
import type { PlanReport } from './plan.js';
import { waitForExecution } from './poll.js';
import { planRun } from './preflight-phase.js';
import { publishPlan, publishReport } from './publish.js';
import { buildReport, type PatchReport } from './report.js';
import { secrets } from './secrets.js';
import { protectSecrets, signIn, SignInError } from './sign-in.js';

/** The action, phase by phase. The only caller of setFailed. */
export async function run(env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const read = (name: string): string => core.getInput(name);
  let signedIn: SignInContext | undefined;
  try {
    protectSecrets(read, env, secrets);
    const { settings, warnings } = parseInputs(read);
    for (const w of warnings) core.warning(w);
    const { credential, context } = await signIn(read, env, secrets);
    signedIn = context;
    const runId = requireEnv(env, 'GITHUB_RUN_ID');
    const clearance = await clearForStart(settings, env);
    const ecs = createEcsClient(ecsOptions(settings, credential));
    const plan = await planRun(settings, ecs, runId);
    if (plan.blocked || settings.dryRun) return await stopBeforeStart(plan, env);
    logPlan(plan, env);
    const oos = createOosClient({
      region: settings.region,
      endpoint: settings.oosEndpoint ?? defaultOosEndpoint(settings.region),
      credential,
    });
    const started = await start(oos, clearance, plan);
    const { report, timedOut } = await waitAndReport(oos, ecs, clearance, plan, started);
    const file = await publishReport(report, env);
    core.info(`Report written to ${file}`);
    verdict(report, settings, timedOut);
  } catch (err) {
    core.setFailed(failureMessage(err, signedIn));
  }
}

function ecsOptions(settings: Settings, credential: Credential): EcsClientOptions {
  return { region: settings.region, credential, ...(settings.ecsEndpoint ? { endpoint: settings.ecsEndpoint } : {}) };
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
  const attempt = Number(env.GITHUB_RUN_ATTEMPT ?? '1');
  if (attempt > 1) {
    core.info(
      `This is attempt ${attempt} of run ${env.GITHUB_RUN_ID}: the ClientToken is the first attempt's, so OOS returns any execution an earlier attempt started instead of starting another.`,
    );
  }
}

/** Takes a Clearance, not Settings: an install cannot reach StartExecution without a positive approval decision. */
async function start(oos: OosApi, clearance: Clearance, plan: PlanReport): Promise<Execution> {
  const requestedAt = Date.now();
  const execution = await oos.startExecution({ plan: clearedPlan(clearance, plan.targets), clientToken: plan.clientToken });
  core.saveState('execution-id', execution.executionId);
  const startedAt = execution.startDate ? Date.parse(execution.startDate) : NaN;
  // The same token returns the existing execution: say so, because nothing new was started.
  if (isTerminal(execution.status) || (!Number.isNaN(startedAt) && startedAt < requestedAt - 30_000)) {
    core.info(
      `Execution ${execution.executionId} already existed for this ClientToken (started ${execution.startDate}); following it instead of starting another.`,
    );
  } else {
    core.info(`Started execution ${execution.executionId}`);
  }
  return execution;
}

async function waitAndReport(
  oos: OosApi,
  ecs: EcsApi,
  clearance: Clearance,
  plan: PlanReport,
  started: Execution,
): Promise<{ report: PatchReport; timedOut: boolean }> {
  const settings = clearance.settings;
  const waited = await waitForExecution(
    () => oos.getExecution(started.executionId),
    {
      timeoutMs: settings.waitTimeoutMinutes * 60_000,
      maxIntervalMs: settings.pollIntervalSeconds * 1000,
      onStatusChange: (e) => core.info(`Execution ${e.executionId}: ${e.status}${e.statusMessage ? ` (${e.statusMessage})` : ''}`),
    },
    systemClock,
  );
  const base = {
    action: plan.action,
    region: plan.region,
    clientToken: plan.clientToken,
    instanceIds: plan.targets,
    preflight: plan.preflight,
    ...(plan.install ? { install: plan.install } : {}),
    ...(clearance.approval ? { approval: clearance.approval } : {}),
  };
  if (waited.timedOut) return { report: buildReport({ ...base, execution: waited.execution, states: [] }), timedOut: true };
  const states = await oos.listInstancePatchStates(plan.targets);
  const details = await collectDetails(oos, ecs, {
    execution: waited.execution,
    instanceIds: plan.targets,
    states,
    snapshots: plan.install?.createSnapshot === true,
  });
  if (details.problems.length > 0) {
    core.warning(`Some details could not be read (the result stands): ${details.problems.slice(0, 3).join('; ')}`);
  }
  return { report: buildReport({ ...base, execution: waited.execution, states, details: [details] }), timedOut: false };
}

function verdict(report: PatchReport, settings: Settings, timedOut: boolean): void {
  const e = report.execution;
  if (timedOut) {
    throw new ActionError(
      `Execution ${e.executionId} did not end within wait-timeout-minutes (${settings.waitTimeoutMinutes}); last status ${e.status}. ` +
        `Follow it at ${e.consoleUrl}, or raise wait-timeout-minutes.`,
    );
  }
  if (e.status !== 'Success') {
    throw new ActionError(
      `Execution ${e.executionId} ended ${e.status}${e.statusMessage ? `: ${e.statusMessage}` : ''}. Details: ${e.consoleUrl}`,
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
