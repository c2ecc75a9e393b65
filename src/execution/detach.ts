import { consoleUrl } from '../alibaba/oos/console.js';
import { type Clearance, clearedSettings } from '../approval/clearance.js';
import { tooManyToDetach } from '../inputs/parse.js';
import type { PlanReport } from '../preflight/plan.js';
import type { DetachedStart } from '../report/model.js';
import { type Batch, batchSpec } from './batches.js';
import { logPlan, type PatchJob } from './phase.js';
import { start } from './run-execution.js';

/**
 * `wait: false`: the same approval, plan and StartExecution (with the same ClientToken, so a re-run gets this
 * execution back) as a run that waits, then nothing more. The step state marks the execution settled, so the post
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
  const spec = batchSpec(clearedSettings(clearance, batch.covers), batch, 0);
  const execution = await start({ spec, clientToken: batch.clientToken }, { ...job, stepStartedAt: job.startedAt });
  // Left running on purpose: the post step must not cancel it.
  job.state.markSettled();
  const url = consoleUrl(plan.region, execution.executionId);
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
