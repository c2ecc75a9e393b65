import { consoleUrl } from '../alibaba/oos/console.js';
import { type Clearance, clearedSettings } from '../approval/clearance.js';
import { tooManyToDetach } from '../inputs/parse.js';
import type { PlanReport } from '../preflight/plan.js';
import type { DetachedStart } from '../report/model.js';
import { type Batch, batchSpec } from './batches.js';
import { executionContext, logPlan, type PatchJob } from './phase.js';
import { startOrFind } from './run-execution.js';

/**
 * `wait: false`: the same approval, plan and StartExecution (with the same ClientToken and tags, so a re-run gets this
 * execution back or, after it failed, retries it as a run that waits would) as a run that waits, then nothing more. The step state marks the execution settled, so the post
 * step leaves it running. One batch only: batches run one after another, and only a step that waits starts the next.
 */
export async function startDetached(
  clearance: Clearance,
  plan: PlanReport,
  batches: readonly Batch[],
  job: PatchJob,
): Promise<DetachedStart> {
  const [batch, second] = batches;
  if (!batch || second) throw tooManyToDetach(plan.targets.length);
  logPlan(plan, clearance.settings, batches, job);
  const settings = clearedSettings(clearance, batch.covers);
  const spec = batchSpec(settings, batch, 0);
  // The same start as a run that waits: tagged, and on a re-run the request's executions found by tag decide.
  const { execution } = await startOrFind(
    { spec, clientToken: batch.clientToken, tokenSource: batch.tokenSource },
    executionContext(settings, job),
  );
  // Left running on purpose: the post step must not cancel it.
  job.state.markSettled();
  const url = consoleUrl(plan.region, execution.executionId, settings.consoleSite);
  job.log.info(
    `wait is false: execution ${execution.executionId} is ${execution.status} and left running. Collect its result with action: report and execution-id: ${execution.executionId}. ${url}`,
  );
  return {
    action: plan.action,
    region: plan.region,
    execution,
    clientToken: batch.clientToken,
    consoleUrl: url,
    instanceCount: batch.covers.length,
  };
}
