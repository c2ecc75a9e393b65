import { canonicalIds, MAX_INSTANCES_PER_EXECUTION } from '../alibaba/oos/template.js';
import { type ExecutionOutcome, type ExecutionRequest, NotStartedError } from './run-execution.js';
import type { Settings } from '../inputs/parse.js';
import { isTerminal, type MaxErrors, type ExecutionSpec } from '../alibaba/oos/types.js';
import { buildReport, combineReports } from '../report/build.js';
import type { EarlierExecution, NotStartedBatch, PatchReport, ReportInput, RequestLookup } from '../report/model.js';
import { consoleUrl } from '../alibaba/oos/console.js';
import { attemptOf } from './request-tags.js';
import { clientToken, type TokenBatch, tokenSource } from './client-token.js';
import { countersCrossCheck, failedInstances } from '../report/failed-instances.js';

/**
 * A run of more than 1000 instances (the OOS loop limit) is split into batches of at most 1000, each its own
 * execution with its own ClientToken, run one after another so that max-concurrency still means what it says.
 * This module is the layer around the single-execution flow (run-execution.ts): it splits the targets into batches, runs them in
 * turn and decides, between two batches, whether to go on.
 */
export interface Batch extends TokenBatch {
  /** The execution targets the run's tags instead of listing IDs (one batch of at most 1000 tagged instances). */
  byTags: boolean;
  /** The instances this batch covers and reports on (also when it targets by tags). */
  covers: readonly string[];
  clientToken: string;
  /** The string the ClientToken hashes (client-token.ts), from which a re-run derives its attempt token. */
  tokenSource: string;
}

/** How one batch went; `outcome` is absent for a batch that was not started. */
export interface BatchOutcome {
  batch: Batch;
  outcome?: ExecutionOutcome;
}

export interface BatchRun {
  batches: BatchOutcome[];
  /** Why the later batches were not started, when they were not. */
  stoppedEarly?: string;
}

export type SettingsForBatches = Pick<
  Settings,
  'region' | 'action' | 'instanceIds' | 'tags' | 'install' | 'rateControl' | 'waitTimeoutMinutes' | 'pollIntervalSeconds'
> &
  Partial<Pick<Settings, 'consoleSite'>>;

/**
 * Splits the targets (the instances pre-flight let through) into batches, cut from the canonical (sorted) order:
 * a re-run whose list comes in another order (a regenerated file, tags resolved in another order) gets the same
 * batches, so the same ClientTokens with the same parameters. Tags stay tags while they fit one execution and
 * pre-flight left none of the tagged instances out; otherwise the IDs are listed.
 */
export function splitIntoBatches(
  runId: string,
  settings: SettingsForBatches,
  targets: readonly string[] = settings.instanceIds,
  size = MAX_INSTANCES_PER_EXECUTION,
): Batch[] {
  const ids = canonicalIds(targets);
  const count = Math.max(1, Math.ceil(ids.length / size));
  const byTags = settings.tags !== undefined && count === 1 && targets.length === settings.instanceIds.length;
  return Array.from({ length: count }, (_, i) => {
    const covers = ids.slice(i * size, (i + 1) * size);
    const token: TokenBatch = { index: i + 1, count, instanceIds: byTags ? [] : covers };
    return { ...token, byTags, covers, clientToken: clientToken(runId, settings, token), tokenSource: tokenSource(runId, settings, token) };
  });
}

/**
 * How many failed instances the run tolerates after `instancesRun` instances have run: a count is a budget for
 * the whole run; a percentage applies to the instances run so far.
 */
export function errorAllowance(maxErrors: MaxErrors, instancesRun: number): number {
  return 'percent' in maxErrors ? Math.floor((maxErrors.percent * instancesRun) / 100) : maxErrors.count;
}

/** What one batch's execution is asked to do. A count of max errors becomes what is left of the run's budget. */
export function batchSpec(settings: SettingsForBatches, batch: Batch, errorsSoFar: number): ExecutionSpec {
  const rate = settings.rateControl;
  const maxErrors: MaxErrors = 'percent' in rate.maxErrors ? rate.maxErrors : { count: Math.max(0, rate.maxErrors.count - errorsSoFar) };
  const spec: ExecutionSpec = {
    region: settings.region,
    action: settings.action,
    instanceIds: [...batch.covers],
    rateControl: { maxConcurrency: rate.maxConcurrency, maxErrors },
  };
  if (batch.byTags && settings.tags) spec.tags = settings.tags;
  if (settings.install) spec.install = settings.install;
  return spec;
}

/**
 * Failed instances of a finished batch: its child executions (status Failed), and for the instances no child
 * execution names, their patch states (report/failed-instances.ts). Never the execution's Counters: they count
 * tasks. Undefined for an execution that did not end (nothing more starts after it anyway).
 */
export function batchErrors(batch: Pick<Batch, 'covers'>, outcome: ExecutionOutcome): number | undefined {
  const e = outcome.execution;
  if (!isTerminal(e.status)) return undefined;
  return failedInstances(batch.covers, outcome.details?.children ?? [], outcome.states, e.startDate).ids.length;
}

export interface BatchDeps {
  /** The settings a batch of these instances may start with (main: the approval clearance's clearedSettings). */
  clear: (instanceIds: readonly string[]) => SettingsForBatches;
  /** The single-execution flow (execution.ts runExecution bound to a client and a clock). */
  runExecution: (request: ExecutionRequest) => Promise<ExecutionOutcome>;
  now: () => number;
  log: (message: string) => void;
}

/**
 * Runs the batches one after another. Between two batches it goes on only when the last one ended Success and
 * the failed instances so far (batchErrors: child executions, else patch states) are within max-errors; otherwise the rest are
 * not started. The wait timeout covers the whole run.
 */
export async function runBatches(batches: readonly Batch[], settings: SettingsForBatches, deps: BatchDeps): Promise<BatchRun> {
  const deadline = deps.now() + settings.waitTimeoutMinutes * 60_000;
  const done: BatchOutcome[] = [];
  let errors = 0;
  let instancesRun = 0;
  for (const batch of batches) {
    const stop = done.length > 0 ? stopReason(done.at(-1)?.outcome, errors, instancesRun, settings) : undefined;
    if (stop !== undefined) {
      deps.log(`Not starting batches ${batch.index} to ${batch.count}: ${stop}`);
      return { batches: [...done, ...batches.slice(done.length).map((b) => ({ batch: b }))], stoppedEarly: stop };
    }
    if (batch.count > 1) {
      deps.log(`Batch ${batch.index} of ${batch.count}: ${batch.covers.length} instances, ClientToken ${batch.clientToken}`);
    }
    let outcome: ExecutionOutcome;
    try {
      outcome = await deps.runExecution({
        spec: batchSpec(deps.clear(batch.covers), batch, errors),
        clientToken: batch.clientToken,
        tokenSource: batch.tokenSource,
        instanceIds: batch.covers,
        timeoutMs: Math.max(0, deadline - deps.now()),
        maxIntervalMs: settings.pollIntervalSeconds * 1000,
      });
    } catch (err) {
      // The first batch not starting is the run not starting (the caller reports the plan); a later one ends the run here.
      if (!(err instanceof NotStartedError) || done.length === 0) throw err;
      deps.log(`Batch ${batch.index} of ${batch.count} did not start: ${err.message}`);
      return { batches: [...done, ...batches.slice(done.length).map((b) => ({ batch: b }))], stoppedEarly: err.message };
    }
    done.push({ batch, outcome });
    const failed = batchErrors(batch, outcome);
    const disagree =
      failed === undefined ? undefined : countersCrossCheck(outcome.execution.executionId, failed, outcome.execution.counters);
    if (disagree !== undefined) deps.log(disagree);
    errors += failed ?? 0;
    instancesRun += batch.covers.length;
  }
  return { batches: done };
}

function stopReason(
  last: ExecutionOutcome | undefined,
  errors: number,
  instancesRun: number,
  settings: SettingsForBatches,
): string | undefined {
  if (!last) return undefined;
  const e = last.execution;
  // Stopped waiting (cancelled job, deadline, unreadable status) or unreadable patch states: nothing more starts.
  if (last.problem !== undefined && !last.timedOut) {
    if (last.stop?.reason === 'cancelled') return 'the job was cancelled.';
    return `the ${last.stop ? 'status' : 'patch states'} of execution ${e.executionId} could not be read.`;
  }
  if (last.timedOut)
    return `wait-timeout-minutes (${settings.waitTimeoutMinutes}) ran out while execution ${e.executionId} was ${e.status}.`;
  const allowed = errorAllowance(settings.rateControl.maxErrors, instancesRun);
  if (errors > allowed) {
    return `${errors} instance(s) failed so far, more than max-errors allows (${allowed} of the ${instancesRun} run).`;
  }
  if (e.status !== 'Success') return `execution ${e.executionId} ended ${e.status}.`;
  return undefined;
}

/** What every batch's report shares: the pre-flight of the whole run, the approval of an install. */
export type ReportExtras = Pick<ReportInput, 'preflight' | 'approval'>;

/** One report for the whole run: every batch's execution and patch states, and the batches not started. */
export function reportBatches(settings: SettingsForBatches, run: BatchRun, extras: ReportExtras = {}): PatchReport {
  const started: PatchReport[] = [];
  const notStarted: NotStartedBatch[] = [];
  for (const { batch, outcome } of run.batches) {
    if (!outcome) {
      notStarted.push({ clientToken: batch.clientToken, instanceIds: batch.covers });
      continue;
    }
    started.push(
      buildReport({
        action: settings.action,
        region: settings.region,
        ...(settings.consoleSite ? { consoleSite: settings.consoleSite } : {}),
        clientToken: batch.clientToken,
        ...(settings.install ? { install: settings.install } : {}),
        ...(settings.tags ? { tags: settings.tags } : {}),
        rateControl: settings.rateControl,
        instanceIds: batch.covers,
        execution: outcome.execution,
        states: outcome.states,
        timedOut: outcome.timedOut,
        ...(outcome.details ? { details: [outcome.details] } : {}),
        ...extras,
      }),
    );
  }
  const report = combineReports(started, notStarted, run.stoppedEarly);
  const problem = run.batches.find((b) => b.outcome?.problem !== undefined)?.outcome?.problem;
  if (problem !== undefined) report.problem = problem;
  Object.assign(report, requestHistory(settings.region, run));
  return report;
}

/** How executions were found by tag, and the executions earlier attempts started, over every batch. */
function requestHistory(region: string, run: BatchRun): Pick<PatchReport, 'lookups' | 'earlierExecutions'> {
  const several = run.batches.length > 1;
  const lookups: RequestLookup[] = [];
  const earlier: EarlierExecution[] = [];
  for (const { batch, outcome } of run.batches) {
    const where = several ? { batch: batch.index } : {};
    if (outcome?.lookup) lookups.push({ ...outcome.lookup, ...where });
    for (const e of outcome?.earlier ?? []) {
      const attempt = attemptOf(e.tags);
      earlier.push({
        executionId: e.executionId,
        status: e.status,
        ...(e.startDate ? { startDate: e.startDate } : {}),
        ...(attempt !== undefined ? { runAttempt: attempt } : {}),
        consoleUrl: consoleUrl(region, e.executionId),
        ...where,
      });
    }
  }
  return { ...(lookups.length > 0 ? { lookups } : {}), ...(earlier.length > 0 ? { earlierExecutions: earlier } : {}) };
}
