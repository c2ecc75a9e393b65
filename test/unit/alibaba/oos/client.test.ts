/**
 * The real OOS client (openapi-core over HTTP) against the emulator with injected faults: what each fault looks
 * like once it reaches the action (a CloudError with a code the retry helper can classify), and that the retry
 * helper gets through it without a second execution.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { systemClock } from '../../../../src/lib/clock.js';
import { toCredential } from '../../../../src/alibaba/credential.js';
import { createOosClient } from '../../../../src/alibaba/oos/client.js';
import type { OosApi, ExecutionSpec } from '../../../../src/alibaba/oos/types.js';
import { DEFAULT_RETRY_POLICY, isRetryable, retrying } from '../../../../src/alibaba/retry.js';
import { DEFAULT_CREDENTIALS, type Emulator, sampleFleet, startEmulator } from '../../../emulator/index.js';
import { faultPlan, garble, loseResponse, reset, rewrite, serverError, slow, throttle } from '../../../emulator/faults.js';
import { cloudFailure } from '../../../fakes/failure.js';

const IDS = Object.keys(sampleFleet());
const SPEC: ExecutionSpec = { region: 'cn-hangzhou', action: 'scan', instanceIds: IDS };
const READ_TIMEOUT_MS = 400;

let emulator: Emulator;
let oos: OosApi;
beforeEach(async () => {
  emulator = await startEmulator({ fleet: sampleFleet(), timings: { startedMs: 50, runningMs: 100 } });
  oos = createOosClient({
    region: 'cn-hangzhou',
    endpoint: { protocol: 'HTTP', host: emulator.endpoint },
    credential: toCredential(DEFAULT_CREDENTIALS),
    readTimeoutMs: READ_TIMEOUT_MS,
    connectTimeoutMs: READ_TIMEOUT_MS,
  });
});
afterEach(async () => {
  await emulator.close();
});

describe('same ClientToken, same Parameters', () => {
  it('sends the IDs in canonical order, so a re-run with the list in another order gets the first execution back', async () => {
    const token = 'patch-00000000000000000000000000000042';
    const first = await oos.startExecution({ spec: SPEC, clientToken: token });
    const again = await oos.startExecution({ spec: { ...SPEC, instanceIds: [...IDS].reverse() }, clientToken: token });
    expect(again.executionId).toBe(first.executionId);
    expect(emulator.executions()).toHaveLength(1);
    const sent = emulator.startExecutionCalls().map((c) => c.params.Parameters);
    expect(sent[1]).toBe(sent[0]);
  });
});

describe('how each fault reaches the action', () => {
  it('throttling: the code, HTTP status, request ID and x-acs-retry-after', async () => {
    const plan = faultPlan(emulator).on('ListExecutions', 1, throttle({ retryAfterMs: 1200 }));
    const e = await cloudFailure(oos.getExecution('exec-x'));
    expect([e.code, e.statusCode, e.requestId, e.retryAfterMs]).toEqual(['Throttling.User', 400, plan.injected[0]?.requestId, 1200]);
    expect(isRetryable(e)).toBe(true);
  });

  it.each([
    [serverError(500), 'InternalError', 500],
    [serverError(503), 'ServiceUnavailable', 503],
    [serverError(503, { body: 'empty' }), 'InvalidResponseBody', undefined],
    [serverError(502, { body: 'html' }), 'InvalidResponseBody', undefined],
    [reset(), 'ECONNRESET', undefined],
    [slow(READ_TIMEOUT_MS * 3), 'RequestTimeout', undefined],
  ])('%j -> %s (HTTP %s), retryable', async (fault, code, status) => {
    faultPlan(emulator).on('ListExecutions', 1, fault);
    const e = await cloudFailure(oos.getExecution('exec-x'));
    expect([e.code, e.statusCode]).toEqual([code, status]);
    expect(isRetryable(e)).toBe(true);
  });

  it('an error body without a Code is named by its HTTP status', async () => {
    emulator.addInterceptor(() => ({ status: 503, body: {} }));
    const e = await cloudFailure(oos.getExecution('exec-x'));
    expect([e.code, e.statusCode, e.requestId]).toEqual(['HTTP503', 503, undefined]);
    expect(isRetryable(e)).toBe(true);
  });

  it('a 200 that is not JSON keeps the request ID from the x-acs-request-id header', async () => {
    const plan = faultPlan(emulator).on('ListExecutions', 1, garble());
    const e = await cloudFailure(oos.getExecution('exec-x'));
    expect(e.code).toBe('InvalidResponseBody');
    expect(e.requestId).toBe(plan.injected[0]?.requestId);
    expect(e.message).toContain(`request ID ${plan.injected[0]?.requestId}`);
  });

  it('a JSON answer with fields missing is MalformedResponse with its request ID, never a TypeError', async () => {
    const started = await oos.startExecution({ spec: SPEC, clientToken: 'tok-missing' });
    for (const [label, fn] of [
      ['no Executions', (p: Record<string, unknown>) => ({ RequestId: p.RequestId })],
      ['Executions null', (p: Record<string, unknown>) => ({ RequestId: p.RequestId, Executions: null })],
      ['no Status', (p: Record<string, unknown>) => ({ RequestId: p.RequestId, Executions: [{ ExecutionId: started.executionId }] })],
      ['array body', () => [1, 2]],
      ['null body', () => null],
    ] as const) {
      const plan = faultPlan(emulator).on('ListExecutions', 'every', rewrite(label, fn));
      const e = await cloudFailure(oos.getExecution(started.executionId));
      expect(e.code, label).toBe('MalformedResponse');
      expect(e.requestId, label).toBe(plan.injected[0]?.requestId);
      expect(isRetryable(e)).toBe(false);
      plan.remove();
    }
  });

  it('a patch count that is not a number is MalformedResponse naming the field', async () => {
    faultPlan(emulator).on(
      'ListInstancePatchStates',
      'every',
      rewrite('bad count', (p) => ({ ...p, InstancePatchStates: [{ InstanceId: IDS[0], MissingCount: 'many' }] })),
    );
    const e = await cloudFailure(oos.listInstancePatchStates(IDS));
    expect(e.code).toBe('MalformedResponse');
    expect(e.detail).toContain('MissingCount');
    expect(e.requestId).toMatch(/^[0-9A-F-]{36}$/);
  });

  it('a refused connection is ECONNREFUSED, retryable', async () => {
    await emulator.close();
    const e = await cloudFailure(oos.getExecution('exec-x'));
    expect(e.code).toMatch(/^(ECONNREFUSED|ECONNRESET)$/);
    expect(isRetryable(e)).toBe(true);
  });
});

describe('StartExecution through the retry helper: ambiguous failures never make a second execution', () => {
  const logs: string[] = [];
  const retried = (): OosApi =>
    retrying(oos, { clock: systemClock, random: () => 0.1, log: (m) => logs.push(m), policy: { ...DEFAULT_RETRY_POLICY, baseMs: 20 } });

  it.each([
    ['the answer is lost after the execution was created', loseResponse()],
    ['the answer comes after the read timeout', slow(READ_TIMEOUT_MS * 3)],
    ['the answer is not JSON', garble()],
    ['the connection is reset first', reset()],
    ['a 503 first', serverError(503)],
  ])('%s', async (_label, fault) => {
    const plan = faultPlan(emulator).on('StartExecution', 1, fault);
    const execution = await retried().startExecution({ spec: SPEC, clientToken: 'tok-ambiguous' });
    expect(plan.callsOf('StartExecution')).toBe(2);
    expect(emulator.executions().map((e) => e.executionId)).toEqual([execution.executionId]);
    expect(new Set(emulator.startExecutionCalls().map((c) => c.params.ClientToken))).toEqual(new Set(['tok-ambiguous']));
  });
});
