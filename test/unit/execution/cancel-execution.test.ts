import { describe, expect, it } from 'vitest';
import { cancelExecution } from '../../../src/execution/cancel-execution.js';
import { CloudError } from '../../../src/alibaba/cloud-error.js';
import type { Execution, OosApi } from '../../../src/alibaba/oos/types.js';
import { virtualClock } from '../../fakes/runtime.js';

const running: Execution = { executionId: 'exec-1', status: 'Running', statusMessage: '' };

/** An OOS fake whose execution follows a list of statuses, one per getExecution. */
function fakeOos(statuses: string[], cancel: () => Promise<{ requestId?: string }> = () => Promise.resolve({ requestId: 'R-C' })) {
  const calls: string[] = [];
  let i = 0;
  const api: OosApi = {
    startExecution: () => Promise.reject(new Error('not used')),
    listExecutions: () => Promise.reject(new Error('not used')),
    getExecution: () => {
      calls.push('get');
      return Promise.resolve({ ...running, status: statuses[Math.min(i++, statuses.length - 1)] ?? 'Running' });
    },
    cancelExecution: () => {
      calls.push('cancel');
      return cancel();
    },
    listInstancePatchStates: () => Promise.resolve([]),
    listChildExecutions: () => Promise.reject(new Error('not used')),
    listChildExecutionsByParent: () => Promise.reject(new Error('not used')),
    listTaskExecutions: () => Promise.reject(new Error('not used')),
    listExecutionLogs: () => Promise.reject(new Error('not used')),
    listInstancePatches: () => Promise.reject(new Error('not used')),
  };
  return { api, calls };
}

const options = { clock: virtualClock(0), settleMs: 30_000, log: () => undefined };

describe('cancelExecution', () => {
  it('cancels, then waits for Cancelled', async () => {
    const { api, calls } = fakeOos(['Running', 'Cancelled']);
    const outcome = await cancelExecution(api, running, options);
    expect(outcome).toMatchObject({ requested: true, requestId: 'R-C', execution: { status: 'Cancelled' } });
    expect(calls).toEqual(['cancel', 'get', 'get']);
  });

  it('does nothing to an execution that already ended', async () => {
    const { api, calls } = fakeOos([]);
    const outcome = await cancelExecution(api, { ...running, status: 'Success' }, options);
    expect(outcome.requested).toBe(false);
    expect(calls).toEqual([]);
  });

  it('reports Cancelled not seen within the settle time', async () => {
    const { api } = fakeOos(['Running']);
    const outcome = await cancelExecution(api, running, { ...options, settleMs: 5000 });
    expect(outcome.requested).toBe(true);
    expect(outcome.execution.status).toBe('Running');
  });

  it('a refused cancel of an execution that meanwhile ended is no failure', async () => {
    const { api } = fakeOos(['Success'], () => Promise.reject(new CloudError('CancelExecution', 'InvalidStatus', 'ended', 400, 'R-X')));
    const outcome = await cancelExecution(api, running, options);
    expect(outcome).toMatchObject({ requested: false, execution: { status: 'Success' } });
    expect(outcome.error).toBeUndefined();
  });

  it('a failed cancel of a running execution is reported with its error', async () => {
    const denied = new CloudError('CancelExecution', 'Forbidden.RAM', 'no', 403, 'R-D');
    const { api } = fakeOos(['Running'], () => Promise.reject(denied));
    const outcome = await cancelExecution(api, running, options);
    expect(outcome).toMatchObject({ requested: false, error: denied, execution: { status: 'Running' } });
  });
});
