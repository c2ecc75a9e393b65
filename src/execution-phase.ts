import * as core from '@actions/core';
import type { JobCancellation } from './abort.js';
import { type Clearance, clearedPlan } from './approval/clearance.js';
import { CANCEL_SETTLE_MS, cancelExecution } from './cancel.js';
import { systemClock } from './clock.js';
import type { OosFactory } from './connect.js';
import { ActionError } from './errors.js';
import type { SignInContext } from './explain.js';
import { causeAndNextStep, isPhaseFailure, reportFailure, startFailure, type Stop, stopMessage } from './failure.js';
import type { Settings } from './inputs.js';
import { type Execution, type InstancePatchState, isKnownStatus, isTerminal } from './oos/types.js';
import type { PlanReport } from './plan.js';
import { waitForExecution } from './poll.js';
import { publishNotStarted, publishReport } from './publish.js';
import { buildReport, consoleUrl, type PatchReport } from './report.js';
import { isRetryable } from './retry.js';
import { describeStart } from './start.js';
import { markSettled, saveExecutionId } from './state.js';

/**
 * The phases after pre-flight: start, wait (or stop waiting, and cancel), read the patch states and publish.
 * Each writes the summary and the outputs with what it knows when it cannot go on, and says why in one line.
 */
export interface Job {
  settings: Settings;
  /** Permission to start (an install needs an approval): StartExecution takes its plan from here. */
  clearance: Clearance;
  /** What pre-flight decided: the instances to send and the ClientToken over them. */
  plan: PlanReport;
  oos: OosFactory;
  cancellation: JobCancellation;
  env: NodeJS.ProcessEnv;
  /** When this step began (epoch ms). */
  startedAt: number;
  runAttempt: number;
  signedIn?: SignInContext;
}

/** On a cancelled job, how long to wait for Cancelled after CancelExecution (within the cleanup budget). */
const CANCELLED_JOB_SETTLE_MS = 1000;

/** StartExecution (retried with the same ClientToken); on failure, publishes the plan and why, and throws. */
export async function startPhase(job: Job): Promise<Execution> {
  let attempts = 0;
  try {
    const oos = job.oos(job.cancellation.signal, (n) => (attempts = n));
    const execution = await oos.startExecution({
      plan: clearedPlan(job.clearance, job.plan.targets),
      clientToken: job.plan.clientToken,
    });
    saveExecutionId(execution.executionId);
    core.info(describeStart(execution, { stepStartedAt: job.startedAt, runAttempt: job.runAttempt, attempts }));
    return execution;
  } catch (err) {
    if (!isPhaseFailure(err)) throw err;
    const problem = startFailure(err, job.plan.clientToken, attempts, job.signedIn);
    await publishNotStarted(job.plan, problem, job.env);
    throw new ActionError(problem);
  }
}

export interface Waited {
  execution: Execution;
  /** Present when the action stopped waiting before the execution ended. */
  stop?: Stop;
}

/** Polls until the execution ends; on the deadline, a cancelled job or an unreadable status, cancels it if the inputs say so. */
export async function waitPhase(job: Job, started: Execution): Promise<Waited> {
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
    // StartExecution already said it ended: a status read that fails changes nothing but deserves a word.
    if (waited.error) {
      const e = waited.execution;
      core.warning(
        `Execution ${e.executionId} had already ended ${e.status}, but reading its status failed: ${causeAndNextStep(waited.error, job.signedIn)}.`,
      );
    }
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
  if (job.signedIn) stop.signedIn = job.signedIn;
  if (reason === 'cancelled' ? settings.cancelOnAbort : settings.cancelOnTimeout) {
    const signal = reason === 'cancelled' ? cancellation.cleanupSignal() : cancellation.signal;
    core.info(
      `Cancelling execution ${started.executionId} (${reason === 'cancelled' ? 'the job is cancelled' : `stopped waiting: ${reason}`}).`,
    );
    stop.cancel = await cancelExecution(job.oos(signal), waited.execution, {
      clock: systemClock,
      settleMs: reason === 'cancelled' ? CANCELLED_JOB_SETTLE_MS : CANCEL_SETTLE_MS,
      signal,
      log: (m) => core.info(m),
    });
  }
  const execution = stop.cancel?.execution ?? waited.execution;
  // Left running on purpose, or seen to end: the post step has nothing to do. A failed cancel it tries again.
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
export async function reportPhase(job: Job, waited: Waited): Promise<PatchReport> {
  const { plan } = job;
  let states: InstancePatchState[] = [];
  let problem = waited.stop ? stopMessage(waited.stop) : undefined;
  if (!waited.stop) {
    try {
      states = await job.oos(job.cancellation.signal).listInstancePatchStates(plan.targets);
    } catch (err) {
      if (!isPhaseFailure(err)) throw err;
      problem = reportFailure(err, waited.execution, job.signedIn);
    }
  }
  const report = buildReport({
    action: plan.action,
    region: plan.region,
    clientToken: plan.clientToken,
    instanceIds: plan.targets,
    preflight: plan.preflight,
    ...(plan.install ? { install: plan.install } : {}),
    ...(job.clearance.approval ? { approval: job.clearance.approval } : {}),
    execution: waited.execution,
    states,
  });
  if (problem) report.problem = problem;
  const file = await publishReport(report, job.env);
  core.info(`Report written to ${file}`);
  return report;
}
