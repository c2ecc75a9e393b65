/**
 * What a later attempt of a workflow run does with the executions earlier attempts started for the same request
 * (found by tag, find-executions.ts): wait for a running one, report a succeeded one, and retry a failed or
 * cancelled one with a token of its own (`on-rerun: retry-failed`) or report it too (`reuse`). Pure.
 */
import { type ListedExecution, isTerminal } from '../alibaba/oos/types.js';
import type { OnRerun } from '../inputs/parse.js';
import { attemptOf } from './request-tags.js';

export type RerunDecision =
  /** Start an execution with this ClientToken (the base one when nothing was found, else the attempt's own). */
  | { kind: 'start'; clientToken: string; why: string }
  /** Follow (wait for, then report) an execution an earlier attempt started. */
  | { kind: 'follow'; execution: ListedExecution; why: string };

export interface RerunContext {
  runAttempt: number;
  onRerun: OnRerun;
  baseToken: string;
  /** The token a retry on this attempt starts with; absent when it cannot be derived (then a failed one is reported). */
  attemptToken?: string;
}

/** The decision for a request on attempt N > 1, from its executions newest first. */
export function decideRerun(found: readonly ListedExecution[], ctx: RerunContext): RerunDecision {
  const newest = found[0];
  if (!newest) {
    return {
      kind: 'start',
      clientToken: ctx.baseToken,
      why: `No execution of this request was found (attempt ${ctx.runAttempt}): starting one with the ClientToken ${ctx.baseToken}.`,
    };
  }
  const which = describeEarlier(newest);
  if (!isTerminal(newest.status)) {
    return { kind: 'follow', execution: newest, why: `${which} is still ${newest.status}: waiting for it instead of starting another.` };
  }
  if (newest.status === 'Success') {
    return { kind: 'follow', execution: newest, why: `${which} ended Success: reporting it; nothing new is started.` };
  }
  if (ctx.onRerun === 'reuse' || ctx.attemptToken === undefined) {
    const because = ctx.onRerun === 'reuse' ? 'on-rerun is reuse' : 'no token for a retry could be derived';
    return {
      kind: 'follow',
      execution: newest,
      why: `${which} ended ${newest.status}: reporting it (${because}); nothing new is started.`,
    };
  }
  return {
    kind: 'start',
    clientToken: ctx.attemptToken,
    why:
      `${which} ended ${newest.status}: this re-run (attempt ${ctx.runAttempt}, on-rerun: retry-failed) starts a new execution ` +
      `with the ClientToken ${ctx.attemptToken}.`,
  };
}

/** "Execution exec-… (started by attempt 1 at …)". */
export function describeEarlier(e: ListedExecution): string {
  const attempt = attemptOf(e.tags);
  const by = attempt === undefined ? 'started' : `started by attempt ${attempt}`;
  return `Execution ${e.executionId} (${by}${e.startDate ? ` at ${e.startDate}` : ''})`;
}
