/**
 * The failure messages of the start, wait and report phases: each names the execution (or the ClientToken when
 * there is no execution ID), the request ID, and what to do next. Pure: values in, one line out.
 */
import type { CancelOutcome } from './cancel-execution.js';
import { CloudError } from '../alibaba/cloud-error.js';
import { Inputs } from '../inputs/names.js';
import { CancelledError } from '../lib/errors.js';
import { explain, type SignInContext } from '../sign-in/explain.js';
import type { Execution } from '../alibaba/oos/types.js';
import { isRetryable } from '../alibaba/retry.js';

const RERUN =
  're-run this workflow run: the same ClientToken makes OOS return the execution it names, if there is one, instead of starting a second';

/** The error as one clause, with the attempts it took. */
export function describeCloudError(err: CloudError): string {
  return `${err.message}${err.attempts > 1 ? ` after ${err.attempts} attempts` : ''}`;
}

/**
 * The cause and what to do about it: the sign-in aware explanation (credentials, RAM) where there is one, else the
 * error itself and a next step chosen by its code and status.
 */
export function causeAndNextStep(err: CloudError, who?: SignInContext): string {
  const explained = explain(err, who);
  if (explained !== err.message) return `${explained.replace(/\.$/, '')}${err.attempts > 1 ? ` (after ${err.attempts} attempts)` : ''}`;
  return `${describeCloudError(err)}; ${nextStep(err)}`;
}

/** What to do about a cloud error that ended a phase, by its code and status. */
export function nextStep(err: CloudError): string {
  if (err.code === 'MalformedResponse' || err.code === 'InvalidResponseBody') {
    return 'the API answered something the action cannot read; if it keeps happening, report it with the request ID';
  }
  if (isRetryable(err)) return 'Alibaba Cloud kept failing or could not be reached; try again later';
  if (/^(Forbidden|NoPermission|AccessDenied)/.test(err.code) || err.statusCode === 403) {
    return `grant ${err.operation} to the identity the action signs in as (the README lists every permission it needs)`;
  }
  return 'fix the cause above and run the job again';
}

/** StartExecution did not give back an execution. */
export function startFailure(err: CloudError | CancelledError, clientToken: string, attemptsSent: number, who?: SignInContext): string {
  if (err instanceof CancelledError) {
    if (attemptsSent === 0)
      return `The job was cancelled before StartExecution was sent: no execution was started (ClientToken ${clientToken}).`;
    return (
      `The job was cancelled while StartExecution was in flight: OOS may have started an execution for ClientToken ${clientToken}. ` +
      `Look for it in the OOS console, or ${RERUN}.`
    );
  }
  const ref = requestRef(err);
  if (err.code === 'IdempotentParameterMismatch') {
    return (
      `StartExecution refused ClientToken ${clientToken}: OOS already holds an execution for it that was started with other parameters${ref}. ` +
      `The token is derived from the run ID and the inputs, so an earlier attempt of this run sent other template parameters for the same ` +
      `inputs (did the action's version change between attempts?). Start a new workflow run: its run ID gives a new token.`
    );
  }
  // Ambiguous: the request may have reached OOS and started an execution whose answer never came back.
  if (mayHaveStarted(err)) {
    return `${describeCloudError(err)}. No execution ID is known for ClientToken ${clientToken}, but OOS may have started one: ${RERUN}.`;
  }
  return `No execution was started for ClientToken ${clientToken}: ${causeAndNextStep(err, who)}.`;
}

export type StopReason = 'timeout' | 'cancelled' | 'unreadable';

/** Why the action stopped waiting before the execution ended, and what it did about the execution. */
export interface Stop {
  reason: StopReason;
  /** The state when the wait stopped. */
  last: Execution;
  /** What cancelling did; absent when the input said not to cancel. */
  cancel?: CancelOutcome;
  /** For 'unreadable', the failure that ended the wait; for 'timeout', the last failed status check, if any. */
  pollError?: CloudError;
  /** How the action signed in, to explain credential and permission errors. */
  signedIn?: SignInContext;
  waitTimeoutMinutes: number;
  consoleUrl: string;
}

export function stopMessage(stop: Stop): string {
  const last = stop.last;
  const seen = `${last.status}${last.requestId ? ` (request ID ${last.requestId})` : ''}`;
  let what: string;
  if (stop.reason === 'timeout') {
    what = `Execution ${last.executionId} did not end within ${Inputs.WaitTimeoutMinutes} (${stop.waitTimeoutMinutes}); its last status was ${seen}`;
    if (stop.pollError) what += `, and the last status check failed: ${describeCloudError(stop.pollError)}`;
  } else if (stop.reason === 'cancelled') {
    what = `The job was cancelled while execution ${last.executionId} was ${seen}`;
  } else {
    const err = stop.pollError;
    what = `Could not read the status of execution ${last.executionId} (last seen ${seen})${err ? `: ${causeAndNextStep(err, stop.signedIn)}` : ''}`;
  }
  return `${what}. ${cancelSentence(stop)}`;
}

function cancelSentence(stop: Stop): string {
  const input = stop.reason === 'cancelled' ? Inputs.CancelOnAbort : Inputs.CancelOnTimeout;
  const c = stop.cancel;
  const next = stop.reason === 'timeout' ? ` Raise ${Inputs.WaitTimeoutMinutes} if the patch run needs longer.` : '';
  if (!c) return `Left it running (${input} is false): follow it at ${stop.consoleUrl}.${next}`;
  const e = c.execution;
  if (!c.requested && e.status !== stop.last.status && !c.error)
    return `It ended ${e.status} before it could be cancelled: ${stop.consoleUrl}.${next}`;
  if (c.error) {
    const why = c.error instanceof CancelledError ? 'no answer in the time the runner allows' : describeCloudError(c.error);
    const post = stop.reason === 'cancelled' ? ' The post step tries again.' : '';
    const state = c.requested
      ? `cancellation was requested${c.requestId ? ` (request ID ${c.requestId})` : ''} but its end was not seen`
      : 'cancelling it failed';
    return `${capitalize(state)}: ${why}; it may still be running: check ${stop.consoleUrl} and cancel it there if needed.${post}${next}`;
  }
  const ref = c.requestId ? ` (CancelExecution request ID ${c.requestId})` : '';
  const now = e.status === 'Cancelled' ? 'it is now Cancelled' : `it is now ${e.status}`;
  return `Cancelled it${ref}: ${now}. Details: ${stop.consoleUrl}.${next}`;
}

/** The execution ended, but its patch states could not be read. */
export function reportFailure(err: CloudError | CancelledError, execution: Execution, who?: SignInContext): string {
  const why = err instanceof CancelledError ? 'the job was cancelled' : causeAndNextStep(err, who);
  return (
    `Execution ${execution.executionId} ended ${execution.status}, but its patch states could not be read: ${why}. ` +
    `The summary lists every instance as not reported. To report it, re-run this workflow run: the same ClientToken makes OOS ` +
    `return this execution instead of starting a second.`
  );
}

function requestRef(err: CloudError): string {
  return err.requestId ? ` (request ID ${err.requestId})` : '';
}

function capitalize(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

/** CloudError and CancelledError are what the phases expect; anything else is a bug and propagates. */
/** A failed StartExecution that may still have reached OOS and started an execution whose answer never came back. */
export function mayHaveStarted(err: CloudError | CancelledError): boolean {
  return err instanceof CloudError && (isRetryable(err) || err.code === 'MalformedResponse');
}

export function isPhaseFailure(err: unknown): err is CloudError | CancelledError {
  return err instanceof CloudError || err instanceof CancelledError;
}
