import { describe, expect, it } from 'vitest';
import { CloudError } from '../../../src/alibaba/cloud-error.js';
import { CancelledError } from '../../../src/lib/errors.js';
import { nextStep, reportFailure, startFailure, type Stop, stopMessage } from '../../../src/execution/failure-messages.js';
import type { Execution } from '../../../src/alibaba/oos/types.js';

const TOKEN = 'patch-0123456789abcdef0123456789abcdef';
const URL = 'https://oos.console.aliyun.com/cn-hangzhou/execution/detail/exec-1';
const running: Execution = { executionId: 'exec-1', status: 'Running', statusMessage: '', requestId: 'R-POLL' };
const cloud = (code: string, status?: number, attempts = 1): CloudError => {
  const e = new CloudError('StartExecution', code, 'detail', status, 'R-1');
  e.attempts = attempts;
  return e;
};

describe('startFailure', () => {
  it('after an ambiguous failure: the token, the request ID, the attempts, and that a re-run finds the execution', () => {
    const m = startFailure(cloud('ServiceUnavailable', 503, 8), TOKEN, 8);
    expect(m).not.toContain('failed: StartExecution failed');
    expect(m).toContain('StartExecution failed: ServiceUnavailable (HTTP 503): detail (request ID R-1) after 8 attempts');
    expect(m).toContain(`No execution ID is known for ClientToken ${TOKEN}, but OOS may have started one: re-run this workflow run`);
  });

  it('after a definite refusal: what to do next', () => {
    const m = startFailure(cloud('Forbidden.RAM', 403), TOKEN, 1);
    expect(m).toContain(`No execution was started for ClientToken ${TOKEN}: RAM denied oos:StartExecution`);
  });

  it('a ClientToken reused with other parameters', () => {
    const m = startFailure(cloud('IdempotentParameterMismatch', 400), TOKEN, 1);
    expect(m).toContain(`StartExecution refused ClientToken ${TOKEN}`);
    expect(m).toContain('(request ID R-1)');
    expect(m).toContain('Start a new workflow run');
  });

  it('cancelled before or during the start', () => {
    expect(startFailure(new CancelledError(), TOKEN, 0)).toContain('before StartExecution was sent: no execution was started');
    expect(startFailure(new CancelledError(), TOKEN, 1)).toContain(`OOS may have started an execution for ClientToken ${TOKEN}`);
  });
});

describe('stopMessage', () => {
  const base: Stop = { reason: 'timeout', last: running, waitTimeoutMinutes: 30, consoleUrl: URL };

  it('timeout, cancelled', () => {
    const m = stopMessage({ ...base, cancel: { execution: { ...running, status: 'Cancelled' }, requested: true, requestId: 'R-C' } });
    expect(m).toBe(
      'Execution exec-1 did not end within wait-timeout-minutes (30); its last status was Running (request ID R-POLL). ' +
        `Cancelled it (CancelExecution request ID R-C): it is now Cancelled. Details: ${URL}. Raise wait-timeout-minutes if the patch run needs longer.`,
    );
  });

  it('timeout, left running on purpose', () => {
    expect(stopMessage(base)).toContain(`Left it running (cancel-on-timeout is false): follow it at ${URL}.`);
  });

  it('timeout, the cancel failed', () => {
    const denied = new CloudError('CancelExecution', 'Forbidden.RAM', 'no', 403, 'R-D');
    const m = stopMessage({ ...base, cancel: { execution: running, requested: false, error: denied } });
    expect(m).toContain(
      'Cancelling it failed: CancelExecution failed: Forbidden.RAM (HTTP 403): no (request ID R-D); it may still be running',
    );
  });

  it('job cancelled, the cleanup budget ran out', () => {
    const m = stopMessage({
      ...base,
      reason: 'cancelled',
      cancel: { execution: running, requested: true, requestId: 'R-C', error: new CancelledError() },
    });
    expect(m).toContain('The job was cancelled while execution exec-1 was Running (request ID R-POLL)');
    expect(m).toContain('Cancellation was requested (request ID R-C) but its end was not seen: no answer in the time the runner allows');
    expect(m).toContain('The post step tries again.');
    expect(stopMessage({ ...base, reason: 'cancelled' })).toContain('Left it running (cancel-on-abort is false)');
  });

  it('status unreadable', () => {
    const bad = new CloudError('ListExecutions', 'MalformedResponse', 'unexpected response: Executions is not an array', undefined, 'R-M');
    const m = stopMessage({ ...base, reason: 'unreadable', pollError: bad });
    expect(m).toContain(
      'Could not read the status of execution exec-1 (last seen Running (request ID R-POLL)): ListExecutions failed: MalformedResponse',
    );
    expect(m).toContain('(request ID R-M)');
    expect(m).toContain('report it with the request ID');
  });

  it('it ended on its own before the cancel', () => {
    const m = stopMessage({ ...base, cancel: { execution: { ...running, status: 'Success' }, requested: false } });
    expect(m).toContain('It ended Success before it could be cancelled');
  });
});

describe('reportFailure and nextStep', () => {
  it('names the execution, the request ID and the re-run', () => {
    const e = new CloudError('ListInstancePatchStates', 'InternalError', 'x', 500, 'R-S');
    e.attempts = 8;
    const m = reportFailure(e, { ...running, status: 'Success' });
    expect(m).toContain('Execution exec-1 ended Success, but its patch states could not be read');
    expect(m).toContain('(request ID R-S) after 8 attempts');
    expect(m).toContain('re-run this workflow run');
  });

  it('gives a next step for every kind of cloud error', () => {
    expect(nextStep(cloud('Throttling.User', 400))).toContain('try again later');
    expect(nextStep(cloud('NoPermission', 403))).toContain('grant StartExecution');
    expect(nextStep(cloud('InvalidResponseBody'))).toContain('report it with the request ID');
    expect(nextStep(cloud('InvalidParameter', 400))).toContain('fix the cause');
  });
});
