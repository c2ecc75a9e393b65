/**
 * `action: report` by request (pure): which of the executions found by tag to report. A request is one batch of one
 * workflow run, named by its base ClientToken (tag `patch-action:client-token`); it has one execution per attempt
 * that started one (a re-run that retried a failed one starts another). The newest is the one its latest attempt
 * followed: that one is reported, the older ones are listed as earlier executions.
 */
import type { ListedExecution } from '../alibaba/oos/types.js';
import { TAG_KEYS } from '../execution/request-tags.js';

export interface RequestExecutions {
  /** The newest execution of each request, the request started first first (batch 1 before batch 2). */
  newest: ListedExecution[];
  /** The other executions, newest first, each with the 1-based position of its request in `newest`. */
  older: { execution: ListedExecution; request: number }[];
}

/** The base ClientToken an execution's tags name; an execution without one is a request of its own. */
export function requestOf(e: ListedExecution): string {
  return e.tags[TAG_KEYS.clientToken] ?? `execution:${e.executionId}`;
}

/** Groups executions (newest first, as findRequestExecutions lists them) by request. */
export function newestPerRequest(executions: readonly ListedExecution[]): RequestExecutions {
  const byRequest = new Map<string, ListedExecution[]>();
  // Oldest first, so that the requests come in the order they were first started.
  for (const e of [...executions].reverse()) {
    const key = requestOf(e);
    byRequest.set(key, [e, ...(byRequest.get(key) ?? [])]);
  }
  const groups = [...byRequest.values()];
  const newest = groups.map((g) => g[0] as ListedExecution);
  const older = executions.flatMap((execution) => {
    const request = groups.findIndex((g) => g.includes(execution) && g[0] !== execution);
    return request < 0 ? [] : [{ execution, request: request + 1 }];
  });
  return { newest, older };
}
