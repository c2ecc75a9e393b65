/**
 * Finding a request's executions again by their tags (request-tags.ts), without their IDs. Whether ListExecutions
 * honours its `Tags` filter is unconfirmed, so one call covers both readings: it sends the tag filter together with
 * the template name and a start-time window, and matches the template and the tags in the answer on our side. When
 * the filter is ignored, the answer is every execution of the template in the window, and the match still holds.
 */
import { TEMPLATE_NAME } from '../alibaba/oos/template.js';
import type { ListedExecution, OosApi } from '../alibaba/oos/types.js';
import { matchesQuery, queryTags, type RequestQuery } from './request-tags.js';

/** GitHub lets a workflow run be re-run up to 30 days after it started: older executions cannot be this run's. */
export const RERUN_WINDOW_MS = 30 * 24 * 3600_000;
/** Pages of 100 read when the tag filter is ignored (the newest first): at most 1,000 executions of the template. */
export const DEFAULT_LOOKUP_PAGES = 10;

export interface FoundExecutions {
  /** The request's executions, newest first. */
  executions: ListedExecution[];
  /** 'honoured': OOS listed only executions carrying the tags; 'ignored': it listed others, matched here. */
  tagFilter: 'honoured' | 'ignored';
  /** More executions of the template in the window than were read: an older match may have been missed. */
  truncated: boolean;
}

export interface LookupOptions {
  /** The earliest start time (epoch ms) to look at. */
  since: number;
  maxPages?: number;
}

/** The executions of a request (`{ clientToken }`) or of a workflow run (`{ runId, repository }`), newest first. */
export async function findRequestExecutions(
  oos: Pick<OosApi, 'listExecutions'>,
  query: RequestQuery,
  options: LookupOptions,
): Promise<FoundExecutions> {
  const listed = await oos.listExecutions(
    { tags: queryTags(query), templateName: TEMPLATE_NAME, startedAfter: options.since },
    { maxPages: options.maxPages ?? DEFAULT_LOOKUP_PAGES },
  );
  const mine = listed.items.filter((e) => e.templateName === TEMPLATE_NAME && matchesQuery(e.tags, query));
  return {
    executions: newestFirst(mine),
    tagFilter: mine.length === listed.items.length ? 'honoured' : 'ignored',
    truncated: listed.truncated,
  };
}

/** By start date, newest first; executions without a readable date keep the order OOS gave, after the dated ones. */
function newestFirst(executions: readonly ListedExecution[]): ListedExecution[] {
  const at = (e: ListedExecution): number => (e.startDate ? Date.parse(e.startDate) : NaN);
  return executions
    .map((e, i) => ({ e, i, t: at(e) }))
    .sort((a, b) => {
      const ta = Number.isNaN(a.t) ? -Infinity : a.t;
      const tb = Number.isNaN(b.t) ? -Infinity : b.t;
      return tb - ta || a.i - b.i;
    })
    .map(({ e }) => e);
}
