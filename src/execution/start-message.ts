import { type Execution, isTerminal } from '../alibaba/oos/types.js';

/**
 * OOS dates have whole seconds and two clocks are involved: an execution that started more than this long before
 * the step itself began was not started by this step.
 */
export const CLOCK_SLACK_MS = 5000;

export interface StartContext {
  /** When this step began (epoch ms). */
  stepStartedAt: number;
  /** GITHUB_RUN_ATTEMPT: 1, then 2, ... for each re-run. */
  runAttempt: number;
  /** StartExecution attempts this step made (more than 1 after a lost answer, a timeout, a 5xx...). */
  attempts: number;
}

/**
 * Whether the execution StartExecution returned existed before this step (OOS returns it again for the same ClientToken):
 * it started before this step did, or the step's only StartExecution found it already ended (a new one starts as
 * Started or Queued; after retries, an execution this step's own first attempt created may have ended meanwhile).
 */
export function startedEarlier(execution: Execution, ctx: Pick<StartContext, 'stepStartedAt' | 'attempts'>): boolean {
  const started = execution.startDate ? Date.parse(execution.startDate) : NaN;
  if (!Number.isNaN(started) && started < ctx.stepStartedAt - CLOCK_SLACK_MS) return true;
  return ctx.attempts <= 1 && isTerminal(execution.status);
}

/** The log line about the execution StartExecution returned: new, or found again through the ClientToken. */
export function describeStart(execution: Execution, ctx: StartContext): string {
  const id = execution.executionId;
  if (startedEarlier(execution, ctx)) {
    const who = ctx.runAttempt > 1 ? `an earlier attempt of this workflow run (this is attempt ${ctx.runAttempt})` : 'an earlier attempt';
    return (
      `Execution ${id} was started by ${who}, at ${execution.startDate ?? 'an unknown time'}, with the same ClientToken; ` +
      `following it (now ${execution.status}) instead of starting another.`
    );
  }
  if (ctx.attempts > 1) {
    return (
      `Started execution ${id} (StartExecution took ${ctx.attempts} attempts; every attempt sent the same ClientToken, ` +
      `so OOS holds this one execution for it, whichever attempt created it).`
    );
  }
  return `Started execution ${id}.`;
}
