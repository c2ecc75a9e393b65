import type { JobCancellation } from '../runner/job-cancellation.js';
import { CANCEL_SETTLE_MS, cancelExecution } from './cancel-execution.js';
import type { Clock } from '../lib/clock.js';
import type { OosFactory } from '../alibaba/connect.js';
import type { SignInContext } from '../sign-in/explain.js';
import {
  causeAndNextStep,
  isPhaseFailure,
  mayHaveStarted,
  reportFailure,
  startFailure,
  type Stop,
  stopMessage,
} from './failure-messages.js';
import { CloudError } from '../alibaba/cloud-error.js';
import { ActionError, CancelledError } from '../lib/errors.js';
import {
  type Execution,
  type InstancePatchState,
  isKnownStatus,
  isTerminal,
  type ExecutionSpec,
  type ListedExecution,
} from '../alibaba/oos/types.js';
import type { ExecutionDetails, RequestLookup } from '../report/model.js';
import type { OnRerun } from '../inputs/parse.js';
import { attemptClientToken } from './client-token.js';
import { findRequestExecutions, RERUN_WINDOW_MS, type FoundExecutions } from './find-executions.js';
import { decideRerun } from './rerun.js';
import { attemptOf, describeQuery, executionTags, type ExecutionTags, type RequestQuery } from './request-tags.js';
import { waitForExecution } from './poll.js';
import { type ConsoleSite, consoleUrl } from '../alibaba/oos/console.js';
import { isRetryable } from '../alibaba/retry.js';
import { CLOCK_SLACK_MS, describeStart } from './start-message.js';
import { type Logger, untrusted } from '../lib/log.js';
import type { StepState } from '../runner/step-state.js';

/** One execution of the template: what to start and how long to wait for it. */
export interface ExecutionRequest {
  spec: ExecutionSpec;
  /** The base ClientToken: the one every attempt of the run shares (client-token.ts). */
  clientToken: string;
  /** The string the base token hashes: a re-run that retries a failed execution derives its own token from it. */
  tokenSource?: string;
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
  /** Which console the execution's link opens (default china). */
  consoleSite?: ConsoleSite;
  waitTimeoutMinutes: number;
  cancelOnTimeout: boolean;
  cancelOnAbort: boolean;
  /** When this step began (epoch ms): an execution older than that was started by an earlier attempt. */
  stepStartedAt: number;
  runAttempt: number;
  signedIn?: SignInContext;
  /**
   * The workflow run the executions are tagged with (request-tags.ts). With it, every execution is tagged, a later
   * attempt looks for the request's executions before starting, and a start whose answers were lost looks for the one
   * it created. Without it (some unit tests), the ClientToken alone converges, as before tags existed.
   */
  origin?: { repository: string; runId: string };
  /** What a re-run does after a failed or cancelled execution; default retry-failed. */
  onRerun?: OnRerun;
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
  /** How the execution, or the request's earlier ones, were found by their tags. */
  lookup?: RequestLookup;
  /** Executions earlier attempts started for this request, newest first, other than `execution`. */
  earlier?: ListedExecution[];
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
  const { execution: started, ...found } = await startOrFind(request, ctx);
  const waited = { ...(await waitOrStop(request, ctx, started)), ...found };
  if (waited.stop) return { ...waited, states: [], problem: stopMessage(waited.stop) };
  try {
    const states = await ctx.oos(ctx.cancellation.signal).listInstancePatchStates(request.instanceIds);
    return { ...waited, states };
  } catch (err) {
    if (!isPhaseFailure(err)) throw err;
    return { ...waited, states: [], problem: reportFailure(err, waited.execution, ctx.signedIn) };
  }
}

export type Started = Pick<ExecutionOutcome, 'execution' | 'lookup' | 'earlier'>;

/**
 * The execution to follow. On attempt 1: StartExecution. On a later attempt (with an origin): the request's executions
 * found by tag decide (rerun.ts) between following one and starting, with the base token or the attempt's own.
 */
export async function startOrFind(
  request: Pick<ExecutionRequest, 'spec' | 'clientToken' | 'tokenSource'>,
  ctx: ExecutionContext,
): Promise<Started> {
  const tags = ctx.origin
    ? executionTags(request.clientToken, request.spec.action, { ...ctx.origin, runAttempt: ctx.runAttempt })
    : undefined;
  if (!tags || ctx.runAttempt <= 1) return start(request, ctx, request.clientToken, tags);
  const query: RequestQuery = { clientToken: request.clientToken };
  const found = await lookUp(ctx, query, ctx.stepStartedAt - RERUN_WINDOW_MS);
  if (found instanceof CloudError || found instanceof CancelledError) {
    if (found instanceof CancelledError) throw new NotStartedError(startFailure(found, request.clientToken, 0, ctx.signedIn));
    // The base token still converges on an earlier attempt's execution (within OOS's dedup window).
    ctx.log.warning(
      `Looking for this request's earlier executions by tag failed (${found.code}); starting with the ClientToken ${request.clientToken}.`,
    );
    return start(request, ctx, request.clientToken, tags);
  }
  if (found.truncated && found.executions.length === 0) {
    ctx.log.warning(
      'Looked through the newest executions of the template only (more exist): an older one of this request may have been missed.',
    );
  }
  const decision = decideRerun(found.executions, {
    runAttempt: ctx.runAttempt,
    onRerun: ctx.onRerun ?? 'retry-failed',
    baseToken: request.clientToken,
    ...(request.tokenSource !== undefined ? { attemptToken: attemptClientToken(request.tokenSource, ctx.runAttempt) } : {}),
  });
  ctx.log.info(decision.why);
  const lookup = lookupNote('rerun', query, found, decision.why);
  if (decision.kind === 'follow') {
    ctx.state.saveExecutionId(decision.execution.executionId);
    const earlier = found.executions.filter((e) => e !== decision.execution);
    return { execution: decision.execution, lookup, earlier };
  }
  const started = await start(request, ctx, decision.clientToken, tags);
  return { ...started, lookup: started.lookup ?? lookup, earlier: found.executions };
}

/**
 * StartExecution, retried with the same ClientToken; says whether the execution is new or an earlier attempt's. When
 * every answer was lost (OOS may hold an execution nobody saw), looks for it by its tags before giving up.
 */
async function start(
  request: Pick<ExecutionRequest, 'spec' | 'clientToken'>,
  ctx: ExecutionContext,
  clientToken: string,
  tags: ExecutionTags | undefined,
): Promise<Started> {
  let attempts = 0;
  try {
    const oos = ctx.oos(ctx.cancellation.signal, (n) => (attempts = n));
    const execution = await oos.startExecution({ spec: request.spec, clientToken, ...(tags ? { tags } : {}) });
    ctx.state.saveExecutionId(execution.executionId);
    ctx.log.info(describeStart(execution, { stepStartedAt: ctx.stepStartedAt, runAttempt: ctx.runAttempt, attempts }));
    return { execution };
  } catch (err) {
    if (!isPhaseFailure(err)) throw err;
    const message = startFailure(err, clientToken, attempts, ctx.signedIn);
    if (!tags || !mayHaveStarted(err)) throw new NotStartedError(message);
    return findLostStart(request, ctx, message);
  }
}

/** After a start whose answers were all lost: this attempt's execution of the request, found by its tags, or NotStartedError. */
async function findLostStart(request: Pick<ExecutionRequest, 'clientToken'>, ctx: ExecutionContext, message: string): Promise<Started> {
  const query: RequestQuery = { clientToken: request.clientToken };
  const found = await lookUp(ctx, query, ctx.stepStartedAt - CLOCK_SLACK_MS);
  if (found instanceof CloudError || found instanceof CancelledError) {
    const why = found instanceof CloudError ? found.code : 'the job was cancelled';
    throw new NotStartedError(`${message} Looking for it by its tags failed too (${why}).`);
  }
  const mine = found.executions.find((e) => attemptOf(e.tags) === ctx.runAttempt);
  if (!mine) throw new NotStartedError(`${message} No execution carrying its tags (${describeQuery(query)}) was found either.`);
  const outcome = `Every StartExecution answer was lost; found execution ${mine.executionId} by its tags (${describeQuery(query)}) and following it.`;
  ctx.log.info(outcome);
  ctx.state.saveExecutionId(mine.executionId);
  const earlier = ctx.runAttempt > 1 ? found.executions.filter((e) => e !== mine) : [];
  return { execution: mine, lookup: lookupNote('lost-start', query, found, outcome), earlier };
}

/** findRequestExecutions through the job's client; a cloud failure or a cancelled job is returned, not thrown. */
async function lookUp(ctx: ExecutionContext, query: RequestQuery, since: number): Promise<FoundExecutions | CloudError | CancelledError> {
  try {
    return await findRequestExecutions(ctx.oos(ctx.cancellation.signal), query, { since });
  } catch (err) {
    if (err instanceof CloudError || err instanceof CancelledError) return err;
    throw err;
  }
}

function lookupNote(reason: RequestLookup['reason'], query: RequestQuery, found: FoundExecutions, outcome: string): RequestLookup {
  return { reason, tags: describeQuery(query), tagFilter: found.tagFilter, outcome };
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
  const stop: Stop = {
    reason,
    last: waited.execution,
    waitTimeoutMinutes: ctx.waitTimeoutMinutes,
    consoleUrl: consoleUrl(ctx.region, id, ctx.consoleSite),
  };
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
  const message = e.statusMessage ? ` (${untrusted(e.statusMessage)})` : '';
  if (isKnownStatus(e.status)) log.info(`Execution ${e.executionId}: ${e.status}${message}`);
  else
    log.warning(
      `Execution ${e.executionId} reports an unknown status ${untrusted(JSON.stringify(e.status))}${message}: treated as still running.`,
    );
}
