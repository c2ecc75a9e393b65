import * as core from '@actions/core';
import type Credential from '@alicloud/credentials';
import { systemClock } from './clock.js';
import { credentialsFromEnv, maskKeyId, secretValues, toCredential, type ResolvedCredentials } from './credentials.js';
import { defaultOosEndpoint } from './endpoint.js';
import { type Batch, planBatches, reportBatches, runBatches } from './batches.js';
import { MAX_INSTANCES_PER_EXECUTION } from './constants.js';
import type { EcsClientOptions } from './ecs/client.js';
import { loadEcsClient } from './ecs/load.js';
import { ActionError, InputError } from './errors.js';
import { runExecution } from './execution.js';
import { parseInputs, type Settings } from './inputs.js';
import { createOosClient } from './oos/client.js';
import { maxErrorsValue } from './oos/template.js';
import { publishReport } from './publish.js';
import type { PatchReport } from './report.js';
import { describeTags, readInstanceIdsFile, resolveTags } from './targets.js';

/** The action, phase by phase. The only caller of setFailed. */
export async function run(env: NodeJS.ProcessEnv = process.env): Promise<void> {
  try {
    const { settings: parsed, warnings } = parseInputs((name) => core.getInput(name));
    for (const w of warnings) core.warning(w);
    const listed = await readInstanceIdsFile(parsed, env);
    const credentials = signIn(env);
    const runId = requireEnv(env, 'GITHUB_RUN_ID');
    const credential = toCredential(credentials.keys);
    const settings = await resolveTags(listed, () => loadEcsClient(ecsOptions(listed, credential)));
    const batches = planBatches(runId, settings);
    logPlan(settings, batches, env);
    const report = await patch(settings, batches, credential);
    const file = await publishReport(report, env);
    core.info(`Report written to ${file}`);
    verdict(report, settings);
  } catch (err) {
    core.setFailed(failureMessage(err));
  }
}

/** Start -> wait -> patch states, batch after batch; one report for them all. */
async function patch(settings: Settings, batches: readonly Batch[], credential: Credential): Promise<PatchReport> {
  const oos = createOosClient({
    region: settings.region,
    endpoint: settings.oosEndpoint ?? defaultOosEndpoint(settings.region),
    credential,
  });
  const ran = await runBatches(batches, settings, {
    runExecution: (request) => runExecution(oos, request, systemClock),
    now: () => systemClock.now(),
    log: (message) => core.info(message),
  });
  return reportBatches(settings, ran);
}

function ecsOptions(settings: Settings, credential: Credential): EcsClientOptions {
  return { region: settings.region, credential, ...(settings.ecsEndpoint ? { endpoint: settings.ecsEndpoint } : {}) };
}

function signIn(env: NodeJS.ProcessEnv): ResolvedCredentials {
  const credentials = credentialsFromEnv(env);
  for (const secret of secretValues(credentials.keys)) core.setSecret(secret);
  core.info(`Credentials: ${credentials.source}, key ${maskKeyId(credentials.keys.accessKeyId)}`);
  return credentials;
}

function logPlan(settings: Settings, batches: readonly Batch[], env: NodeJS.ProcessEnv): void {
  const n = settings.instanceIds.length;
  const source = settings.tags
    ? ` carrying ${describeTags(settings.tags)}`
    : settings.instanceIdsFile !== undefined
      ? ` listed in ${settings.instanceIdsFile}`
      : '';
  core.info(`Plan: ${settings.action} on ${n} instance${n === 1 ? '' : 's'}${source} in ${settings.region}`);
  if (settings.install) {
    const i = settings.install;
    core.info(
      `  reboot if needed: ${i.rebootIfNeed}, snapshot: ${i.createSnapshot}${i.createSnapshot ? ` (kept ${i.retentionDays} days)` : ''}`,
    );
  }
  const rate = settings.rateControl;
  core.info(`  at most ${rate.maxConcurrency} at a time; max errors ${maxErrorsValue(rate.maxErrors)}`);
  if (batches.length > 1) {
    core.info(`  ${batches.length} batches of at most ${MAX_INSTANCES_PER_EXECUTION} instances, one execution each, one after another`);
  } else {
    core.info(`ClientToken: ${batches[0]?.clientToken}`);
  }
  const attempt = Number(env.GITHUB_RUN_ATTEMPT ?? '1');
  if (attempt > 1) {
    core.info(
      `This is attempt ${attempt} of run ${env.GITHUB_RUN_ID}: the ClientToken is the first attempt's, so OOS returns any execution an earlier attempt started instead of starting another.`,
    );
  }
}

function verdict(report: PatchReport, settings: Settings): void {
  const timedOut = report.batches.find((b) => b.timedOut);
  if (timedOut?.execution) {
    const e = timedOut.execution;
    throw new ActionError(
      `Execution ${e.executionId} did not end within wait-timeout-minutes (${settings.waitTimeoutMinutes}); last status ${e.status}. ` +
        `Follow it at ${e.consoleUrl}, or raise wait-timeout-minutes.${also(notStarted(report))}`,
    );
  }
  const failed = report.batches.find((b) => b.execution && b.execution.status !== 'Success')?.execution;
  if (failed) {
    throw new ActionError(
      `Execution ${failed.executionId} ended ${failed.status}${failed.statusMessage ? `: ${failed.statusMessage}` : ''}. Details: ${failed.consoleUrl}${also(notStarted(report))}`,
    );
  }
  if (report.stoppedEarly !== undefined) throw new ActionError(notStarted(report));
  if (report.unreported.length > 0) {
    core.warning(`No current patch state for ${report.unreported.length} instance(s): ${report.unreported.join(', ')}`);
  }
  if (settings.failOnMissing && (report.nonCompliant.length > 0 || report.unreported.length > 0)) {
    const ids = [...report.nonCompliant, ...report.unreported];
    throw new ActionError(`fail-on-missing: ${ids.length} instance(s) are not compliant: ${ids.join(', ')}`);
  }
}

/** "2 of 3 batches (1500 instances) were not started: <why>", or nothing. */
function notStarted(report: PatchReport): string {
  const skipped = report.batches.filter((b) => !b.execution);
  if (skipped.length === 0) return '';
  const instances = skipped.reduce((n, b) => n + b.instanceCount, 0);
  return `${skipped.length} of ${report.batches.length} batches (${instances} instances) were not started: ${report.stoppedEarly ?? ''}`;
}

function also(text: string): string {
  return text === '' ? '' : ` — ${text}`;
}

function requireEnv(env: NodeJS.ProcessEnv, name: string): string {
  const value = env[name];
  if (!value)
    throw new ActionError(`${name} is not set: run this action in a GitHub Actions workflow (the ClientToken is derived from it).`);
  return value;
}

function failureMessage(err: unknown): string {
  if (err instanceof InputError || err instanceof ActionError) return err.message;
  if (err instanceof Error) return err.message;
  return String(err);
}
