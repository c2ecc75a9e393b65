import type { JobCancellation } from '../runner/job-cancellation.js';
import { CANCEL_SETTLE_MS, cancelExecution } from './cancel-execution.js';
import type { Clock } from '../lib/clock.js';
import type { OosFactory } from '../alibaba/connect.js';
import { ActionError } from '../lib/errors.js';
import type { SignInContext } from '../sign-in/explain.js';
import { causeAndNextStep, isPhaseFailure, reportFailure, startFailure, type Stop, stopMessage } from './failure-messages.js';
import { type Execution, type InstancePatchState, isKnownStatus, isTerminal, type ExecutionSpec } from '../alibaba/oos/types.js';
import type { ExecutionDetails } from '../report/model.js';
import { waitForExecution } from './poll.js';
import { consoleUrl } from '../alibaba/oos/console.js';
import { isRetryable } from '../alibaba/retry.js';
import { describeStart } from './start-message.js';
import type { Logger } from '../lib/log.js';
import type { StepState } from '../runner/step-state.js';

/** One execution of the template: what to start and how long to wait for it. */
export interface ExecutionRequest {
  spec: ExecutionSpec;
  clientToken: string;
  /** The instances whose patch states to read afterwards (the resolved ones, also when the spec targets tags). */
  instanceIds: readonly string[];
  timeoutMs: number;
  /** The longest pause between two status checks. */
  maxIntervalMs: number;
}

/** What every execution of a run shares: the client, the job's cancellation, and what to do when waiting stops. */
export interface ExecutionContext {
  oos: OosFactory;
  cancellation: JobCancellation;
  clock: Clock;
  log: Logger;
  /** What the post step learns: the execution to look after, and when the main step is done with it. */
  state: StepState;
  region: string;
  waitTimeoutMinutes: number;
  cancelOnTimeout: boolean;
  cancelOnAbort: boolean;
  /** When this step began (epoch ms): an execution older than that was started by an earlier attempt. */
  stepStartedAt: number;
  runAttempt: number;
  signedIn?: SignInContext;
}

export interface ExecutionOutcome {
  /** The last state seen. */
  execution: Execution;
  /** Patch states of the request's instances; empty when the execution did not end, or they could not be read. */
  states: InstancePatchState[];
  /** The wait ran out of time before the execution ended. */
  timedOut: boolean;
  /** Status requests made while waiting. */
  polls: number;
  /** Why the action stopped waiting before the execution ended (deadline, cancelled job, unreadable status). */
  stop?: Stop;
  /** What went wrong, as the one line to fail with: the stop and what was done about it, or unreadable patch states. */
  problem?: string;
  /** Child executions, failures, patches and snapshots, when they were read (details.ts). */
  details?: ExecutionDetails;
}

/** StartExecution gave back no execution; the message says whether one may exist and what to do. */
export class NotStartedError extends ActionError {
  constructor(message: string) {
    super(message);
    this.name = 'NotStartedError';
  }
}

/** On a cancelled job, how long to wait for Cancelled after CancelExecution (within the cleanup budget). */
const CANCELLED_JOB_SETTLE_MS = 1000;

/** The single-execution flow: start (or find, by ClientToken) -> wait (or stop waiting, and cancel) -> read patch states. */
export async function runExecution(request: ExecutionRequest, ctx: ExecutionContext): Promise<ExecutionOutcome> {
  const started = await start(request, ctx);
  const waited = await waitOrStop(request, ctx, started);
  if (waited.stop) return { ...waited, states: [], problem: stopMessage(waited.stop) };
  try {
    const states = await ctx.oos(ctx.cancellation.signal).listInstancePatchStates(request.instanceIds);
    return { ...waited, states };
  } catch (err) {
    if (!isPhaseFailure(err)) throw err;
    return { ...waited, states: [], problem: reportFailure(err, waited.execution, ctx.signedIn) };
  }
}

/** What starting an execution needs of the context. */
export type StartDeps = Pick<ExecutionContext, 'oos' | 'cancellation' | 'state' | 'log' | 'stepStartedAt' | 'runAttempt' | 'signedIn'>;

/** StartExecution, retried with the same ClientToken; says whether the execution is new or an earlier attempt's. */
export async function start(request: Pick<ExecutionRequest, 'spec' | 'clientToken'>, ctx: StartDeps): Promise<Execution> {
  let attempts = 0;
  try {
    const oos = ctx.oos(ctx.cancellation.signal, (n) => (attempts = n));
    const execution = await oos.startExecution({ spec: request.spec, clientToken: request.clientToken });
    ctx.state.saveExecutionId(execution.executionId);
    ctx.log.info(describeStart(execution, { stepStartedAt: ctx.stepStartedAt, runAttempt: ctx.runAttempt, attempts }));
    return execution;
  } catch (err) {
    if (!isPhaseFailure(err)) throw err;
    throw new NotStartedError(startFailure(err, request.clientToken, attempts, ctx.signedIn));
  }
}

/** Polls until the execution ends; on the deadline, a cancelled job or an unreadable status, cancels it if the inputs say so. */
async function waitOrStop(request: ExecutionRequest, ctx: ExecutionContext, started: Execution): Promise<Omit<ExecutionOutcome, 'states'>> {
  const { cancellation, log } = ctx;
  const id = started.executionId;
  const waited = await waitForExecution(
    () => ctx.oos(cancellation.signal).getExecution(id),
    {
      timeoutMs: request.timeoutMs,
      maxIntervalMs: request.maxIntervalMs,
      initial: started,
      signal: cancellation.signal,
      onStatusChange: (e) => logStatus(e, log),
      isTransient: isRetryable,
      onPollError: (e) => log.info(`Status check of ${id} failed (${e.code}); still waiting, until the deadline.`),
    },
    ctx.clock,
  );
  const base = { execution: waited.execution, timedOut: false, polls: waited.polls };
  if (isTerminal(waited.execution.status)) {
    // StartExecution already said it ended: a status read that fails changes nothing but deserves a word.
    if (waited.error) {
      log.warning(
        `Execution ${id} had already ended ${waited.execution.status}, but reading its status failed: ${causeAndNextStep(waited.error, ctx.signedIn)}.`,
      );
    }
    ctx.state.markSettled();
    return base;
  }
  const reason = waited.aborted ? 'cancelled' : waited.timedOut ? 'timeout' : 'unreadable';
  const stop: Stop = { reason, last: waited.execution, waitTimeoutMinutes: ctx.waitTimeoutMinutes, consoleUrl: consoleUrl(ctx.region, id) };
  const pollError = waited.error ?? waited.lastPollError;
  if (pollError) stop.pollError = pollError;
  if (ctx.signedIn) stop.signedIn = ctx.signedIn;
  if (reason === 'cancelled' ? ctx.cancelOnAbort : ctx.cancelOnTimeout) {
    const signal = reason === 'cancelled' ? cancellation.cleanupSignal() : cancellation.signal;
    log.info(`Cancelling execution ${id} (${reason === 'cancelled' ? 'the job is cancelled' : `stopped waiting: ${reason}`}).`);
    stop.cancel = await cancelExecution(ctx.oos(signal), waited.execution, {
      clock: ctx.clock,
      settleMs: reason === 'cancelled' ? CANCELLED_JOB_SETTLE_MS : CANCEL_SETTLE_MS,
      signal,
      log: (m) => log.info(m),
    });
  }
  const execution = stop.cancel?.execution ?? waited.execution;
  // Left running on purpose, or seen to end: the post step has nothing to do. A failed cancel it tries again.
  if (!stop.cancel || isTerminal(execution.status)) ctx.state.markSettled();
  return { ...base, execution, timedOut: reason === 'timeout', stop };
}

function logStatus(e: Execution, log: Logger): void {
  const message = e.statusMessage ? ` (${e.statusMessage})` : '';
  if (isKnownStatus(e.status)) log.info(`Execution ${e.executionId}: ${e.status}${message}`);
  else log.warning(`Execution ${e.executionId} reports an unknown status ${JSON.stringify(e.status)}${message}: treated as still running.`);
}
