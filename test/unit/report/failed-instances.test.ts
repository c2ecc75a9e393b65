import { describe, expect, it } from 'vitest';
import type { ChildExecution, InstancePatchState } from '../../../src/alibaba/oos/types.js';
import { countersCrossCheck, failedInstances } from '../../../src/report/failed-instances.js';

const START = '2026-11-29T10:00:00Z';

function state(instanceId: string, failed: number, operationEndTime = '2026-11-29T10:05:00Z'): InstancePatchState {
  return {
    instanceId,
    operationEndTime,
    counts: { installed: 1, installedOther: 0, installedPendingReboot: 0, installedRejected: 0, missing: 0, failed },
  };
}

function child(instanceId: string, status: string): ChildExecution {
  return { executionId: `exec-${instanceId}`, instanceId, status, statusMessage: '' };
}

describe('failedInstances', () => {
  it('counts the instances whose child execution Failed, whatever their patch states say', () => {
    const ids = ['i-a', 'i-b', 'i-c'];
    const children = [child('i-a', 'Failed'), child('i-b', 'Success'), child('i-c', 'Failed')];
    // i-b has failed patches but its child succeeded; i-c's child failed before any patch state changed.
    const states = [state('i-a', 1), state('i-b', 2), state('i-c', 0)];
    expect(failedInstances(ids, children, states, START)).toEqual({ ids: ['i-a', 'i-c'], fromPatchStates: 0 });
  });

  it('judges an instance no child execution names by its current patch state, and says how many were', () => {
    const ids = ['i-a', 'i-b', 'i-c', 'i-d'];
    const states = [state('i-a', 0), state('i-b', 3), state('i-c', 1, '2026-11-28T00:00:00Z')];
    // i-c's failed patches predate the execution; i-d has no patch state at all.
    expect(failedInstances(ids, [child('i-a', 'Success')], states, START)).toEqual({ ids: ['i-b'], fromPatchStates: 3 });
    expect(failedInstances(ids, [], states).ids).toEqual(['i-b', 'i-c']);
  });

  it('ignores children of other instances', () => {
    expect(failedInstances(['i-a'], [child('i-z', 'Failed')], [state('i-a', 0)], START)).toEqual({ ids: [], fromPatchStates: 1 });
  });
});

describe('countersCrossCheck', () => {
  it('says nothing when Counters agree or are absent, and one line when they disagree', () => {
    expect(countersCrossCheck('exec-1', 2, { total: 4, failed: 2 })).toBeUndefined();
    expect(countersCrossCheck('exec-1', 2, undefined)).toBeUndefined();
    expect(countersCrossCheck('exec-1', 3, { total: 4, failed: 1 })).toBe(
      'Execution exec-1: 3 failed instance(s) counted from its child executions and patch states; its Counters say Failed 1 of 4 (OOS counts tasks there, not instances: the count above is used).',
    );
  });
});
