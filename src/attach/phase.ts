import type { EcsApi } from '../alibaba/ecs/types.js';
import { consoleUrl } from '../alibaba/oos/console.js';
import { type ExecutionDescription, isKnownStatus, isTerminal, type ReadOnlyOos } from '../alibaba/oos/types.js';
import { isRetryable } from '../alibaba/retry.js';
import { collectDetails, DEFAULT_DETAIL_LIMITS, remainingLimits } from '../execution/details.js';
import { causeAndNextStep, isPhaseFailure, reportFailure } from '../execution/failure-messages.js';
import { waitForExecution } from '../execution/poll.js';
import type { ReportSettings } from '../inputs/flows.js';
import type { Clock } from '../lib/clock.js';
import { ActionError } from '../lib/errors.js';
import type { Logger } from '../lib/log.js';
import { buildReport, combineReports } from '../report/build.js';
import type { DetailLimits, PatchReport } from '../report/model.js';
import type { SignInContext } from '../sign-in/explain.js';
import { type LocatedExecution, locateExecutions } from './locate.js';
import { type AttachTarget, attachTarget } from './target.js';

/**
 * What `action: report` works with. The OOS it gets is a ReadOnlyOos: StartExecution and CancelExecution are not
 * on it, so this phase cannot start or cancel anything, whatever happens while it waits.
 */
export interface AttachJob {
  oos: ReadOnlyOos;
  /** Snapshots of an install with create-snapshot (DescribeSnapshots only). */
  ecs: Pick<EcsApi, 'describeSnapshotsSince'>;
  clock: Clock;
  log: Logger;
  /** The job's cancellation: stops the wait (the executions run on). */
  signal: AbortSignal;
  signedIn?: SignInContext;
  /** GITHUB_REPOSITORY: a run-id is looked up together with it. */
  repository?: string;
}

/**
 * The report phase: find the executions (by ID, or by the tags of a request or a workflow run: attach/locate.ts),
 * check each is a patch run of this region, wait for each to end (one wait-timeout-minutes for them all), read its
 * patch states and details, and join them into one report, as a run of several batches would be. Waiting that stops (deadline, cancelled job, unreadable status) leaves the
 * execution as it is: the report says so and the verdict fails the step.
 */
export async function attachPhase(settings: ReportSettings, job: AttachJob): Promise<PatchReport> {
  const located = await locateExecutions(settings.locator, {
    oos: job.oos,
    region: settings.region,
    repository: job.repository ?? '',
    now: job.clock.now(),
    log: job.log,
  });
  const found = located.executions;
  const targets = found.map((e) => attachTarget(e.description, settings.region));
  const actions = new Set(targets.map((t) => t.action));
  if (actions.size > 1) {
    throw new ActionError(
      `The executions do different things (${targets.map((t) => `${t.executionId}: ${t.action}`).join(', ')}): report the scans and the installs in separate steps (by execution-id or client-token).`,
    );
  }
  const deadline = job.clock.now() + settings.waitTimeoutMinutes * 60_000;
  const reports: PatchReport[] = [];
  let problem: string | undefined;
  let limits: DetailLimits = DEFAULT_DETAIL_LIMITS;
  for (const [i, target] of targets.entries()) {
    const { description, clientToken } = found[i] as LocatedExecution;
    const one = await reportOne(settings, job, target, description, clientToken ?? '', Math.max(0, deadline - job.clock.now()), limits);
    reports.push(one.report);
    if (one.limits) limits = one.limits;
    problem ??= one.problem;
  }
  const report = combineReports(reports);
  if (problem !== undefined) report.problem = problem;
  if (located.lookup) report.lookups = [located.lookup];
  if (located.earlier) report.earlierExecutions = located.earlier;
  return report;
}

interface OneReport {
  report: PatchReport;
  problem?: string;
  limits?: DetailLimits;
}

async function reportOne(
  settings: ReportSettings,
  job: AttachJob,
  target: AttachTarget,
  described: ExecutionDescription,
  clientToken: string,
  timeoutMs: number,
  limits: DetailLimits,
): Promise<OneReport> {
  const { oos, log } = job;
  const id = target.executionId;
  const what = target.tags ? 'tagged instances' : `${target.instanceIds.length} instance(s)`;
  log.info(
    `Attaching to execution ${id}: ${target.action} of ${what} in ${settings.region}, ${described.execution.status}. Read only: nothing is started or cancelled.`,
  );
  const waited = await waitForExecution(
    () => oos.getExecution(id),
    {
      timeoutMs,
      maxIntervalMs: settings.pollIntervalSeconds * 1000,
      initial: described.execution,
      signal: job.signal,
      onStatusChange: (e) =>
        isKnownStatus(e.status)
          ? log.info(`Execution ${id}: ${e.status}`)
          : log.warning(`Execution ${id} reports an unknown status ${JSON.stringify(e.status)}: treated as still running.`),
      isTransient: isRetryable,
      onPollError: (e) => log.info(`Status check of ${id} failed (${e.code}); still waiting, until the deadline.`),
    },
    job.clock,
  );
  const execution = waited.execution;
  const base = {
    action: target.action,
    region: settings.region,
    clientToken,
    ...(target.install ? { install: target.install } : {}),
    ...(target.tags ? { tags: target.tags } : {}),
    ...(target.rateControl ? { rateControl: target.rateControl } : {}),
    execution,
  };
  if (!isTerminal(execution.status)) {
    const url = consoleUrl(settings.region, id);
    const report = buildReport({ ...base, instanceIds: target.instanceIds, states: [], timedOut: waited.timedOut });
    if (waited.timedOut) return { report };
    const why = waited.aborted
      ? `The job was cancelled while execution ${id} was ${execution.status}`
      : `Could not read the status of execution ${id} (last seen ${execution.status})${waited.error ? `: ${causeAndNextStep(waited.error, job.signedIn)}` : ''}`;
    return { report, problem: `${why}. action: report never cancels: it runs on; report it again later: ${url}` };
  }
  try {
    // A tag target names its instances only in the child executions, one per instance.
    const instanceIds = target.tags ? (await oos.listChildExecutions(id)).map((c) => c.instanceId) : target.instanceIds;
    const states = await oos.listInstancePatchStates(instanceIds);
    const details = await collectDetails(
      oos,
      job.ecs,
      { execution, instanceIds, states, snapshots: target.install?.createSnapshot === true },
      limits,
    );
    if (details.problems.length > 0)
      log.warning(`Some details could not be read (the result stands): ${details.problems.slice(0, 3).join('; ')}`);
    return { report: buildReport({ ...base, instanceIds, states, details: [details] }), limits: remainingLimits(limits, details) };
  } catch (err) {
    if (!isPhaseFailure(err)) throw err;
    const report = buildReport({ ...base, instanceIds: target.instanceIds, states: [] });
    return { report, problem: reportFailure(err, execution, job.signedIn).replace(/ To report it, re-run.*$/, ' Run the report again.') };
  }
}
