import type { ChildExecution, InstancePatchState } from '../alibaba/oos/types.js';

/**
 * Failed instances of one execution, for the run-wide max-errors budget and the batch table. The execution's
 * `Counters` count tasks, not instances (the parent template has four tasks), so they are no measure of this.
 * Each instance is judged by its child execution (status Failed, one per loop item) when OOS names one; an instance
 * no child execution names is judged by its patch state from this execution (failed patches count as a failure).
 * Pure: the caller brings the children from wherever it found them (ListTaskExecutions, ListExecutions) and the
 * patch states.
 */
export interface FailedInstances {
  /** The failed instances, in the order given. */
  ids: string[];
  /** How many instances no child execution named: their failure was judged from the patch states. */
  fromPatchStates: number;
}

export function failedInstances(
  instanceIds: readonly string[],
  children: readonly ChildExecution[],
  states: readonly InstancePatchState[],
  /** The execution's StartDate: a patch state that ended before it says nothing about this execution. */
  startDate?: string,
): FailedInstances {
  const childOf = new Map(children.map((c) => [c.instanceId, c]));
  const stateOf = new Map(states.map((s) => [s.instanceId, s]));
  const since = startDate ? Date.parse(startDate) : NaN;
  const ids: string[] = [];
  let fromPatchStates = 0;
  for (const id of instanceIds) {
    const child = childOf.get(id);
    if (child) {
      if (child.status === 'Failed') ids.push(id);
      continue;
    }
    fromPatchStates++;
    const state = stateOf.get(id);
    const ended = state?.operationEndTime ? Date.parse(state.operationEndTime) : NaN;
    const current = Number.isNaN(since) || Number.isNaN(ended) || ended >= since;
    if (state && current && state.counts.failed > 0) ids.push(id);
  }
  return { ids, fromPatchStates };
}

/** The one log line when the execution's Counters disagree with the failed instances counted, or nothing. */
export function countersCrossCheck(
  executionId: string,
  failed: number,
  counters: { total: number; failed: number } | undefined,
): string | undefined {
  if (!counters || counters.failed === failed) return undefined;
  return (
    `Execution ${executionId}: ${failed} failed instance(s) counted from its child executions and patch states; ` +
    `its Counters say Failed ${counters.failed} of ${counters.total} (OOS counts tasks there, not instances: the count above is used).`
  );
}
