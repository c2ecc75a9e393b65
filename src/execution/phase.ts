import type { EcsApi } from '../alibaba/ecs/types.js';
import { MAX_INSTANCES_PER_EXECUTION, maxErrorsValue } from '../alibaba/oos/template.js';
import type { OosApi } from '../alibaba/oos/types.js';
import { type Clearance, clearedSettings } from '../approval/clearance.js';
import type { Settings } from '../inputs/parse.js';
import { type Logger, untrusted } from '../lib/log.js';
import type { PlanReport } from '../preflight/plan.js';
import { describeTags } from '../preflight/tags.js';
import type { DetailLimits, ExecutionDetails, PatchReport } from '../report/model.js';
import { type Batch, reportBatches, runBatches } from './batches.js';
import { collectDetails, DEFAULT_DETAIL_LIMITS, DETAILS_BUDGET_MS, remainingLimits } from './details.js';
import { type ExecutionContext, type ExecutionOutcome, type ExecutionRequest, runExecution } from './run-execution.js';

/** What the execution phase works with besides the clearance and the plan: clients, time, the job, the step. */
export interface PatchJob extends Pick<ExecutionContext, 'oos' | 'cancellation' | 'clock' | 'log' | 'state' | 'runAttempt' | 'signedIn'> {
  ecs: EcsApi;
  /** When this step began (epoch ms). */
  startedAt: number;
  runId: string;
  /** GITHUB_REPOSITORY (`owner/name`): with the run ID, what every execution is tagged with (request-tags.ts). */
  repository?: string;
}

/**
 * The execution phase: start -> wait -> patch states -> details, batch after batch; one report for them all. Takes a
 * Clearance: every batch's settings come from clearedSettings, so an install cannot reach StartExecution without a
 * positive approval decision. A first batch that does not start throws NotStartedError (the caller publishes the plan).
 */
export async function executionPhase(
  clearance: Clearance,
  plan: PlanReport,
  batches: readonly Batch[],
  job: PatchJob,
): Promise<PatchReport> {
  const settings = clearance.settings;
  logPlan(plan, settings, batches, job);
  const ctx = executionContext(settings, job);
  let limits: DetailLimits = DEFAULT_DETAIL_LIMITS;
  const ran = await runBatches(batches, settings, {
    clear: (instanceIds) => clearedSettings(clearance, instanceIds),
    runExecution: async (request) => {
      const outcome = await runExecution(request, ctx);
      // Details only for an execution that ended and was reported: nothing to add to a stop or a failure to read.
      if (outcome.timedOut || outcome.problem !== undefined) return outcome;
      const details = await readDetails(job.oos(job.cancellation.signal), job.ecs, request, outcome, limits, job.log, () =>
        job.clock.now(),
      );
      limits = remainingLimits(limits, details);
      return { ...outcome, details };
    },
    now: () => job.clock.now(),
    log: (message) => job.log.info(message),
  });
  return reportBatches(settings, ran, {
    preflight: plan.preflight,
    ...(clearance.approval ? { approval: clearance.approval } : {}),
  });
}

/** What each instance's child execution did, its patches and snapshot: bounded calls, never fatal. */
async function readDetails(
  oos: OosApi,
  ecs: EcsApi,
  request: ExecutionRequest,
  outcome: ExecutionOutcome,
  limits: DetailLimits,
  log: Logger,
  now: () => number,
): Promise<ExecutionDetails> {
  const details = await collectDetails(
    oos,
    ecs,
    {
      execution: outcome.execution,
      instanceIds: request.instanceIds,
      states: outcome.states,
      snapshots: request.spec.install?.createSnapshot === true,
      deadline: { now, at: now() + DETAILS_BUDGET_MS },
    },
    limits,
  );
  if (details.cut) log.warning(`Some details were cut short (the result stands): ${details.cut.slice(0, 3).join('; ')}`);
  if (details.problems.length > 0) {
    log.warning(`Some details could not be read (the result stands): ${details.problems.slice(0, 3).join('; ')}`);
  }
  return details;
}

/** The plan as the log shows it before the first StartExecution. */
export function logPlan(
  plan: PlanReport,
  settings: Settings,
  batches: readonly Batch[],
  job: Pick<PatchJob, 'log' | 'runAttempt' | 'runId'>,
): void {
  const { log } = job;
  const n = plan.targets.length;
  const source = settings.tags
    ? ` carrying ${untrusted(describeTags(settings.tags))}`
    : settings.instanceIdsFile !== undefined
      ? ` listed in ${untrusted(settings.instanceIdsFile)}`
      : '';
  log.info(`Plan: ${plan.action} on ${n} instance${n === 1 ? '' : 's'}${source} in ${plan.region}`);
  if (plan.install) {
    const i = plan.install;
    log.info(
      `  reboot if needed: ${i.rebootIfNeed}, snapshot: ${i.createSnapshot}${i.createSnapshot ? ` (kept ${i.retentionDays} days)` : ''}`,
    );
  }
  const rate = settings.rateControl;
  log.info(`  at most ${rate.maxConcurrency} at a time; max errors ${maxErrorsValue(rate.maxErrors)}`);
  if (batches.length > 1) {
    log.info(`  ${batches.length} batches of at most ${MAX_INSTANCES_PER_EXECUTION} instances, one execution each, one after another`);
  } else {
    log.info(`ClientToken: ${plan.clientToken}`);
  }
  if (job.runAttempt > 1) {
    log.info(
      `This is attempt ${job.runAttempt} of run ${job.runId}: looking for the executions earlier attempts started for this request (by tag) ` +
        `before starting one; a running one is waited for, a succeeded one reported, a failed or cancelled one ` +
        (settings.onRerun === 'reuse' ? 'reported (on-rerun: reuse).' : 'retried with a new execution (on-rerun: retry-failed).'),
    );
  }
}

/** What every execution of the job shares, from the cleared settings: also what `wait: false` starts with. */
export function executionContext(settings: Settings, job: PatchJob): ExecutionContext {
  const { oos, cancellation, clock, log, state, runAttempt, signedIn } = job;
  return {
    oos,
    cancellation,
    clock,
    log,
    state,
    runAttempt,
    region: settings.region,
    consoleSite: settings.consoleSite,
    waitTimeoutMinutes: settings.waitTimeoutMinutes,
    cancelOnTimeout: settings.cancelOnTimeout,
    cancelOnAbort: settings.cancelOnAbort,
    stepStartedAt: job.startedAt,
    origin: { repository: job.repository ?? '', runId: job.runId },
    onRerun: settings.onRerun,
    ...(signedIn ? { signedIn } : {}),
  };
}
