import { CloudError } from '../alibaba/cloud-error.js';
import { consoleUrl } from '../alibaba/oos/console.js';
import { TEMPLATE_NAME } from '../alibaba/oos/template.js';
import type { ExecutionDescription, ListedExecution, ReadOnlyOos } from '../alibaba/oos/types.js';
import { DEFAULT_LOOKUP_PAGES, type FoundExecutions, findRequestExecutions, RERUN_WINDOW_MS } from '../execution/find-executions.js';
import { attemptOf, describeQuery, type RequestQuery, TAG_KEYS } from '../execution/request-tags.js';
import { type ExecutionLocator, MAX_REPORT_EXECUTIONS } from '../inputs/flows.js';
import { Inputs } from '../inputs/names.js';
import { ActionError } from '../lib/errors.js';
import type { Logger } from '../lib/log.js';
import type { EarlierExecution, RequestLookup } from '../report/model.js';
import { newestPerRequest } from './requests.js';

/** What locating needs: the read operations, the region, and for a run ID the repository it belongs to. */
export interface LocateContext {
  oos: Pick<ReadOnlyOos, 'describeExecution' | 'listExecutions'>;
  region: string;
  /** GITHUB_REPOSITORY (`owner/name`): a run ID is looked up together with it. */
  repository: string;
  /** Now (epoch ms): executions started up to RERUN_WINDOW_MS before are looked at. */
  now: number;
  log: Logger;
}

/** One execution to report, as OOS describes it; found by tag, with its request's base ClientToken. */
export interface LocatedExecution {
  description: ExecutionDescription;
  clientToken?: string;
}

export interface Located {
  executions: LocatedExecution[];
  /** How they were found by their tags (not set for execution-id). */
  lookup?: RequestLookup;
  /** Older executions of the same requests (earlier attempts), not reported. */
  earlier?: EarlierExecution[];
}

/**
 * The executions a report attaches to. One case per form of ExecutionLocator: IDs in the order asked for; a
 * ClientToken or a run ID by the tags the action puts on its executions, the newest execution of each request.
 * Nothing after this step depends on the form.
 */
export async function locateExecutions(locator: ExecutionLocator, ctx: LocateContext): Promise<Located> {
  switch (locator.by) {
    case 'execution-id': {
      const executions: LocatedExecution[] = [];
      for (const id of locator.executionIds) executions.push({ description: await describe(ctx, id) });
      return { executions };
    }
    case 'client-token':
      return byRequest({ clientToken: locator.clientToken }, Inputs.ClientToken, ctx);
    case 'run-id': {
      if (ctx.repository === '') {
        throw new ActionError(
          'GITHUB_REPOSITORY is not set: run-id is looked up together with the repository (tag patch-action:repository). Run the report in a GitHub Actions job, or use client-token.',
        );
      }
      return byRequest({ runId: locator.runId, repository: ctx.repository }, Inputs.RunId, ctx);
    }
  }
}

/**
 * The newest execution of each request the query finds (the one its latest attempt followed), oldest request
 * first, each described (template and Parameters) as an execution-id would be; the older ones as earlier executions.
 */
async function byRequest(query: RequestQuery, input: string, ctx: LocateContext): Promise<Located> {
  const { region, log } = ctx;
  const tags = describeQuery(query);
  const since = ctx.now - RERUN_WINDOW_MS;
  log.info(
    `Looking in ${region} for the executions of ${TEMPLATE_NAME} tagged ${tags}, started since ${new Date(since).toISOString()} (from ${input}).`,
  );
  const found = await findRequestExecutions(ctx.oos, query, { since });
  log.info(
    found.tagFilter === 'honoured'
      ? `ListExecutions answered with executions carrying the tags only: ${found.executions.length}.`
      : `OOS ignored the Tags filter and listed the template's executions; ${found.executions.length} carry the tags.`,
  );
  if (found.executions.length === 0) throw notFound(tags, input, found, region);
  const { newest, older } = newestPerRequest(found.executions);
  if (newest.length > MAX_REPORT_EXECUTIONS) {
    throw new ActionError(
      `${newest.length} requests carry the tags ${tags} in ${region}; action: report attaches to at most ${MAX_REPORT_EXECUTIONS} ` +
        `executions: report them by client-token, one step per request.`,
    );
  }
  const several = newest.length > 1;
  const outcome =
    `Reporting ${several ? `the newest execution of each of ${newest.length} requests` : 'the newest execution of the request'}: ` +
    `${newest.map(named).join(', ')}${older.length > 0 ? `; ${older.length} earlier execution(s) listed` : ''}.` +
    (found.truncated
      ? ` Only the newest ${DEFAULT_LOOKUP_PAGES * 100} executions of the template were read: an older request may be missing.`
      : '');
  if (found.truncated) log.warning(outcome);
  else log.info(outcome);
  const executions: LocatedExecution[] = [];
  for (const e of newest) {
    const token = e.tags[TAG_KEYS.clientToken];
    executions.push({ description: await describe(ctx, e.executionId), ...(token !== undefined ? { clientToken: token } : {}) });
  }
  const earlier: EarlierExecution[] = older.map(({ execution: e, request }) => {
    const attempt = attemptOf(e.tags);
    return {
      executionId: e.executionId,
      status: e.status,
      ...(e.startDate ? { startDate: e.startDate } : {}),
      ...(attempt !== undefined ? { runAttempt: attempt } : {}),
      consoleUrl: consoleUrl(region, e.executionId),
      ...(several ? { batch: request } : {}),
    };
  });
  return {
    executions,
    lookup: { reason: 'report', tags, tagFilter: found.tagFilter, outcome },
    ...(earlier.length > 0 ? { earlier } : {}),
  };
}

/** `exec-… (run attempt 2)`. */
function named(e: ListedExecution): string {
  const attempt = attemptOf(e.tags);
  return attempt === undefined ? e.executionId : `${e.executionId} (run attempt ${attempt})`;
}

function notFound(tags: string, input: string, found: FoundExecutions, region: string): ActionError {
  const days = Math.round(RERUN_WINDOW_MS / (24 * 3600_000));
  const check =
    input === Inputs.ClientToken
      ? 'check the client-token (the client-token output of the step that started the execution)'
      : 'check the run-id (the run that started the executions, in this repository)';
  return new ActionError(
    `No execution of ${TEMPLATE_NAME} tagged ${tags} was found in ${region} (started in the last ${days} days` +
      `${found.truncated ? `, among the newest ${DEFAULT_LOOKUP_PAGES * 100} executions of the template` : ''}). ` +
      `Only executions this action started carry these tags, and OOS executions are regional: set region to the region ` +
      `they were started in, and ${check}.`,
  );
}

/** One execution by ID; a missing one is an ActionError that names the region it was looked for in. */
async function describe(ctx: Pick<LocateContext, 'oos' | 'region'>, executionId: string): Promise<ExecutionDescription> {
  const { oos, region } = ctx;
  try {
    return await oos.describeExecution(executionId);
  } catch (err) {
    if (err instanceof CloudError && err.code === 'EntityNotExists.Execution') {
      throw new ActionError(
        `Execution ${executionId} was not found in ${region}${err.requestId ? ` (request ID ${err.requestId})` : ''}. ` +
          `OOS executions are regional: check the execution-id, and set region to the region it was started in. ` +
          `Where it would be: ${consoleUrl(region, executionId)}`,
      );
    }
    throw err;
  }
}
