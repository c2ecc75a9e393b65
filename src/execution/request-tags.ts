/**
 * The tags every execution the action starts carries (StartExecution `Tags`), so that the executions of one request
 * can be found again without their IDs: after a start whose answers were all lost, on a re-run, and by a later job.
 * A "request" is one batch of one workflow run: every attempt of the run shares its base ClientToken.
 *
 * Limits (OOS documents none for execution tags; these are Alibaba Cloud's general tag rules, the strictest seen):
 * keys and values at most 128 characters, keys not starting with `aliyun` or `acs:`, values not starting with
 * `acs:`, neither containing `http://` or `https://`. Our keys are fixed and short; every value is cut to fit.
 */
import type { PatchAction } from '../inputs/parse.js';

export const TAG_KEYS = {
  /** The base ClientToken: the one the first attempt sends, shared by every attempt of the request. */
  clientToken: 'patch-action:client-token',
  /** GITHUB_REPOSITORY, `owner/name`. */
  repository: 'patch-action:repository',
  /** GITHUB_RUN_ID. */
  runId: 'patch-action:run-id',
  /** GITHUB_RUN_ATTEMPT of the step that started the execution. */
  runAttempt: 'patch-action:run-attempt',
  /** scan or install. */
  action: 'patch-action:action',
} as const;

export const MAX_TAG_LENGTH = 128;

/** Where a request comes from: the workflow run and the attempt of it that is running. */
export interface RequestOrigin {
  repository: string;
  runId: string;
  runAttempt: number;
}

/** Which executions to look for: one request (its base ClientToken), or every request of a workflow run. */
export type RequestQuery = { clientToken: string } | { runId: string; repository: string };

export type ExecutionTags = Record<string, string>;

/** A tag value as sent: control characters dropped, the URL schemes Alibaba refuses defused, at most 128 characters. */
export function tagValue(text: string): string {
  const cleaned = text
    .replace(/\p{Cc}/gu, '')
    .replace(/https?:\/\//gi, (m) => m.replace('://', ':'))
    .replace(/^acs:/i, 'acs-');
  return [...cleaned].slice(0, MAX_TAG_LENGTH).join('');
}

/** The tags of an execution started for the request whose base ClientToken is `baseToken`. */
export function executionTags(baseToken: string, action: PatchAction, origin: RequestOrigin): ExecutionTags {
  return {
    [TAG_KEYS.clientToken]: tagValue(baseToken),
    [TAG_KEYS.repository]: tagValue(origin.repository),
    [TAG_KEYS.runId]: tagValue(origin.runId),
    [TAG_KEYS.runAttempt]: String(origin.runAttempt),
    [TAG_KEYS.action]: action,
  };
}

/** The tags a query names: every one of them must be on an execution for it to match. */
export function queryTags(query: RequestQuery): ExecutionTags {
  if ('clientToken' in query) return { [TAG_KEYS.clientToken]: tagValue(query.clientToken) };
  return { [TAG_KEYS.runId]: tagValue(query.runId), [TAG_KEYS.repository]: tagValue(query.repository) };
}

/** Whether an execution's tags (as OOS lists them) carry every tag of the query. */
export function matchesQuery(tags: Readonly<ExecutionTags>, query: RequestQuery): boolean {
  return Object.entries(queryTags(query)).every(([k, v]) => tags[k] === v);
}

/** The run attempt an execution's tags name; undefined when absent or not a positive integer. */
export function attemptOf(tags: Readonly<ExecutionTags>): number | undefined {
  const raw = tags[TAG_KEYS.runAttempt];
  const n = raw !== undefined && /^\d+$/.test(raw) ? Number(raw) : NaN;
  return Number.isSafeInteger(n) && n > 0 ? n : undefined;
}

/** How a query reads in a log line or the summary: `patch-action:client-token=patch-…`. */
export function describeQuery(query: RequestQuery): string {
  return Object.entries(queryTags(query))
    .map(([k, v]) => `${k}=${v}`)
    .join(', ');
}
