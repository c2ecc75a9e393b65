import * as core from '@actions/core';
import { cancelExecution } from './cancel.js';
import { systemClock } from './clock.js';
import { connectOos } from './connect.js';
import { Inputs } from './constants.js';
import { credentialsFromEnv, secretValues, toCredential } from './credentials.js';
import { parseInputs } from './inputs.js';
import { isTerminal } from './oos/types.js';
import { consoleUrl } from './report.js';
import { readPostState } from './state.js';
import { renderCleanup } from './summary.js';

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
    core.info(`Post: the main step saw execution ${executionId} through; nothing to clean up.`);
    return;
  }
  let url = executionId;
  try {
    const { settings } = parseInputs((name) => core.getInput(name));
    url = consoleUrl(settings.region, executionId);
    if (!settings.cancelOnAbort) {
      core.warning(
        `Post: the main step did not finish with execution ${executionId}; ${Inputs.CancelOnAbort} is false, so it is left as it is: ${url}`,
      );
      return;
    }
    const keys = credentialsFromEnv(env).keys;
    for (const secret of secretValues(keys)) core.setSecret(secret);
    const signal = AbortSignal.timeout(POST_BUDGET_MS);
    const oos = connectOos(settings, toCredential(keys), (m) => core.info(m))(signal);
    const last = await oos.getExecution(executionId);
    if (isTerminal(last.status)) {
      core.info(`Post: execution ${executionId} already ended ${last.status}; nothing to cancel.`);
      return;
    }
    core.warning(
      `Post: the main step did not finish, and execution ${executionId} is still ${last.status}: cancelling it (${Inputs.CancelOnAbort}).`,
    );
    const outcome = await cancelExecution(oos, last, { clock: systemClock, settleMs: 10_000, signal, log: (m) => core.info(m) });
    if (outcome.error) throw outcome.error;
    core.info(`Post: execution ${executionId} is now ${outcome.execution.status}. Details: ${url}`);
    if (env.GITHUB_STEP_SUMMARY) await core.summary.addRaw(renderCleanup(executionId, url, last.status, outcome.execution.status)).write();
  } catch (err) {
    const why = err instanceof Error ? err.message : String(err);
    core.warning(
      `Post: could not make sure execution ${executionId} stopped: ${why}. Check it at ${url} and cancel it there if it still runs.`,
    );
  }
}
