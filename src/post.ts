import * as core from '@actions/core';
import { cancelExecution } from './execution/cancel-execution.js';
import { systemClock } from './lib/clock.js';
import { connectOos, retryContext } from './alibaba/connect.js';
import { Inputs } from './inputs/names.js';
import { explain } from './sign-in/explain.js';
import { parseInputs } from './inputs/parse.js';
import { isTerminal } from './alibaba/oos/types.js';
import { consoleUrl } from './alibaba/oos/console.js';
import { secrets } from './runner/secrets.js';
import { protectSecrets, signIn, SignInError } from './sign-in/sign-in.js';
import { readPostState } from './runner/step-state.js';
import { renderCleanup } from './summary/run-summary.js';

/** The post step's whole budget: it runs after a cancelled job too, and must not hang the job's teardown. */
export const POST_BUDGET_MS = 20_000;

/**
 * The post step (same bundle, `post:` in action.yml): if the main step ended without settling its execution
 * (killed, or timed out by the runner before it could cancel), cancels the execution when it is still running.
 * Never fails the job: whatever goes wrong is a warning that names the execution.
 */
export async function post(env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const { executionId, settled } = readPostState();
  if (!executionId) {
    core.info('Post: the main step started no execution; nothing to clean up.');
    return;
  }
  if (settled) {
    core.info(
      `Post: the main step saw execution ${executionId} through, or left it running on purpose (wait: false); nothing to clean up.`,
    );
    return;
  }
  let url = executionId;
  const read = (name: string): string => core.getInput(name);
  const log = (m: string): void => core.info(m);
  try {
    protectSecrets(read, env, secrets);
    const { settings } = parseInputs(read);
    url = consoleUrl(settings.region, executionId, settings.consoleSite);
    if (!settings.cancelOnAbort) {
      core.warning(
        `Post: the main step did not finish with execution ${executionId}; ${Inputs.CancelOnAbort} is false, so it is left as it is: ${url}`,
      );
      return;
    }
    const signal = AbortSignal.timeout(POST_BUDGET_MS);
    const { credential } = await signIn(read, env, secrets, retryContext(signal, log));
    const oos = connectOos(settings, credential, log)(signal);
    const last = await oos.getExecution(executionId);
    if (isTerminal(last.status)) {
      core.info(`Post: execution ${executionId} already ended ${last.status}; nothing to cancel.`);
      return;
    }
    core.warning(
      `Post: the main step did not finish, and execution ${executionId} is still ${last.status}: cancelling it (${Inputs.CancelOnAbort}).`,
    );
    const outcome = await cancelExecution(oos, last, { clock: systemClock, settleMs: 10_000, signal, log });
    if (outcome.error) throw outcome.error;
    core.info(`Post: execution ${executionId} is now ${outcome.execution.status}. Details: ${url}`);
    if (env.GITHUB_STEP_SUMMARY) await core.summary.addRaw(renderCleanup(executionId, url, last.status, outcome.execution.status)).write();
  } catch (err) {
    const why = secrets.scrub(err instanceof SignInError ? explain(err.error, err.context) : explain(err));
    core.warning(
      `Post: could not make sure execution ${executionId} stopped: ${why}. Check it at ${url} and cancel it there if it still runs.`,
    );
  }
}
