import * as core from '@actions/core';
import { type JobCancellation, watchJobCancellation } from './abort.js';
import { CANCEL_SETTLE_MS, cancelExecution } from './cancel.js';
import { systemClock } from './clock.js';
import { connectOos, type OosFactory } from './connect.js';
import { credentialsFromEnv, maskKeyId, secretValues, toCredential, type ResolvedCredentials } from './credentials.js';
import { ActionError, InputError } from './errors.js';
import { isPhaseFailure, reportFailure, startFailure, type Stop, stopMessage } from './failure.js';
import { parseInputs, type Settings } from './inputs.js';
import { type Execution, type InstancePatchState, isKnownStatus, isTerminal } from './oos/types.js';
import { waitForExecution } from './poll.js';
import { publishNotStarted, publishReport } from './publish.js';
import { buildReport, consoleUrl, type PatchReport } from './report.js';
import { isRetryable } from './retry.js';
import { describeStart } from './start.js';
import { markMainStep, markSettled, saveExecutionId } from './state.js';
import { clientToken } from './token.js';

/** What the phases after sign-in share. */
interface Job {
  settings: Settings;
  token: string;
  oos: OosFactory;
  cancellation: JobCancellation;
  env: NodeJS.ProcessEnv;
  startedAt: number;
}

/** The action, phase by phase. The only caller of setFailed. */
export async function run(env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const startedAt = Date.now();
  markMainStep();
  const cancellation = watchJobCancellation(process, { log: (m) => core.warning(m) });
  try {
    const { settings, warnings } = parseInputs((name) => core.getInput(name));
    for (const w of warnings) core.warning(w);
    const credentials = signIn(env);
    const token = clientToken(requireEnv(env, 'GITHUB_RUN_ID'), settings);
    logPlan(settings, token, env);
    const oos = connectOos(settings, toCredential(credentials.keys), (m) => core.info(m));
    const job: Job = { settings, token, oos, cancellation, env, startedAt };
    const execution = await start(job);
    const waited = await waitOrStop(job, execution);
    const report = await readAndPublish(job, waited);
    verdict(report, settings);
  } catch (err) {
    core.setFailed(failureMessage(err));
  } finally {
    cancellation.close();
  }
}

function signIn(env: NodeJS.ProcessEnv): ResolvedCredentials {
  const credentials = credentialsFromEnv(env);
  for (const secret of secretValues(credentials.keys)) core.setSecret(secret);
  core.info(`Credentials: ${credentials.source}, key ${maskKeyId(credentials.keys.accessKeyId)}`);
  return credentials;
}

function logPlan(settings: Settings, token: string, env: NodeJS.ProcessEnv): void {
  const n = settings.instanceIds.length;
  core.info(`Plan: ${settings.action} on ${n} instance${n === 1 ? '' : 's'} in ${settings.region}`);
  if (settings.install) {
    const i = settings.install;
    core.info(
      `  reboot if needed: ${i.rebootIfNeed}, snapshot: ${i.createSnapshot}${i.createSnapshot ? ` (kept ${i.retentionDays} days)` : ''}`,
    );
  }
  core.info(`ClientToken: ${token}`);
  const attempt = runAttempt(env);
  if (attempt > 1) {
    core.info(
      `This is attempt ${attempt} of run ${env.GITHUB_RUN_ID}: the ClientToken is the first attempt's, so OOS returns any execution an earlier attempt started instead of starting another.`,
    );
  }
}

/** StartExecution (retried with the same ClientToken); on failure, publishes what is known and throws. */
async function start(job: Job): Promise<Execution> {
  let attempts = 0;
  try {
    const oos = job.oos(job.cancellation.signal, (n) => (attempts = n));
    const execution = await oos.startExecution({ plan: job.settings, clientToken: job.token });
    saveExecutionId(execution.executionId);
    core.info(describeStart(execution, { stepStartedAt: job.startedAt, runAttempt: runAttempt(job.env), attempts }));
    return execution;
  } catch (err) {
    if (!isPhaseFailure(err)) throw err;
    const problem = startFailure(err, job.token, attempts);
    await publishNotStarted({ ...planOf(job), problem }, job.env);
    throw new ActionError(problem);
  }
}

interface Waited {
  execution: Execution;
  /** Present when the action stopped waiting before the execution ended. */
  stop?: Stop;
}

/** Polls until the execution ends; on the deadline, a cancelled job or unreadable status, cancels it if the inputs say so. */
async function waitOrStop(job: Job, started: Execution): Promise<Waited> {
  const { settings, cancellation } = job;
  const waited = await waitForExecution(
    () => job.oos(cancellation.signal).getExecution(started.executionId),
    {
      timeoutMs: settings.waitTimeoutMinutes * 60_000,
      maxIntervalMs: settings.pollIntervalSeconds * 1000,
      initial: started,
      signal: cancellation.signal,
      onStatusChange: logStatus,
      isTransient: isRetryable,
      onPollError: (e) => core.info(`Status check of ${started.executionId} failed (${e.code}); still waiting, until the deadline.`),
    },
    systemClock,
  );
  if (isTerminal(waited.execution.status)) {
    markSettled();
    return { execution: waited.execution };
  }
  const reason = waited.aborted ? 'cancelled' : waited.timedOut ? 'timeout' : 'unreadable';
  const stop: Stop = {
    reason,
    last: waited.execution,
    waitTimeoutMinutes: settings.waitTimeoutMinutes,
    consoleUrl: consoleUrl(settings.region, started.executionId),
  };
  const pollError = waited.error ?? waited.lastPollError;
  if (pollError) stop.pollError = pollError;
  if (reason === 'cancelled' ? settings.cancelOnAbort : settings.cancelOnTimeout) {
    const signal = reason === 'cancelled' ? cancellation.cleanupSignal() : cancellation.signal;
    core.info(
      `Cancelling execution ${started.executionId} (${reason === 'cancelled' ? 'the job is cancelled' : `stopped waiting: ${reason}`}).`,
    );
    stop.cancel = await cancelExecution(job.oos(signal), waited.execution, {
      clock: systemClock,
      settleMs: reason === 'cancelled' ? 1000 : CANCEL_SETTLE_MS,
      signal,
      log: (m) => core.info(m),
    });
  }
  const execution = stop.cancel?.execution ?? waited.execution;
  if (!stop.cancel || isTerminal(execution.status)) markSettled();
  return { execution, stop };
}

function logStatus(e: Execution): void {
  const message = e.statusMessage ? ` (${e.statusMessage})` : '';
  if (isKnownStatus(e.status)) core.info(`Execution ${e.executionId}: ${e.status}${message}`);
  else
    core.warning(`Execution ${e.executionId} reports an unknown status ${JSON.stringify(e.status)}${message}: treated as still running.`);
}

/** Reads the patch states (once the execution ended) and writes the report, the outputs and the summary. */
async function readAndPublish(job: Job, waited: Waited): Promise<PatchReport> {
  let states: InstancePatchState[] = [];
  let problem = waited.stop ? stopMessage(waited.stop) : undefined;
  if (!waited.stop) {
    try {
      states = await job.oos(job.cancellation.signal).listInstancePatchStates(job.settings.instanceIds);
    } catch (err) {
      if (!isPhaseFailure(err)) throw err;
      problem = reportFailure(err, waited.execution);
    }
  }
  const report = buildReport({ ...planOf(job), execution: waited.execution, states });
  if (problem) report.problem = problem;
  const file = await publishReport(report, job.env);
  core.info(`Report written to ${file}`);
  return report;
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

function planOf(job: Job) {
  const s = job.settings;
  return {
    action: s.action,
    region: s.region,
    clientToken: job.token,
    instanceIds: s.instanceIds,
    ...(s.install ? { install: s.install } : {}),
  };
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

function failureMessage(err: unknown): string {
  if (err instanceof InputError || err instanceof ActionError) return err.message;
  if (err instanceof Error) return err.message;
  return String(err);
}
