/** The fault plan itself: which call of which operation gets which fault (the e2e suite relies on it). */
import { describe, expect, it } from 'vitest';
import type { InterceptInfo, InterceptResult } from './index.js';
import { answer, echoToken, type Fault, faultPlan, reset, serverError, throttle } from './faults.js';

/** A stand-in for the emulator: records the interceptor and calls it as the server would. */
function target() {
  let interceptor: ((info: InterceptInfo) => InterceptResult | Promise<InterceptResult>) | undefined;
  let n = 0;
  return {
    addInterceptor(i: typeof interceptor) {
      interceptor = i;
      return () => (interceptor = undefined);
    },
    async call(action: string): Promise<InterceptResult> {
      n += 1;
      return interceptor?.({ requestId: `R-${n}`, version: '2019-06-01', action, params: {}, identity: undefined });
    },
  };
}

const kind = (r: InterceptResult): string =>
  r === undefined ? 'ok' : r === 'destroy' ? 'destroy' : 'status' in r ? String(r.status) : 'after';

describe('faultPlan', () => {
  it('counts calls per operation, from 1, and applies the first rule that covers a call', async () => {
    const t = target();
    const plan = faultPlan(t)
      .on('StartExecution', 2, reset())
      .on('ListExecutions', [1, 3], throttle())
      .on('ListExecutions', { from: 3, to: 4 }, serverError(503))
      .on('ListInstancePatchStates', 'every', serverError(500));
    const seen: string[] = [];
    for (const action of [
      'StartExecution',
      'ListExecutions',
      'StartExecution',
      'ListExecutions',
      'ListExecutions',
      'ListExecutions',
      'ListExecutions',
    ]) {
      seen.push(`${action}:${kind(await t.call(action))}`);
    }
    seen.push(`ListInstancePatchStates:${kind(await t.call('ListInstancePatchStates'))}`);
    expect(seen).toEqual([
      'StartExecution:ok',
      'ListExecutions:400',
      'StartExecution:destroy',
      'ListExecutions:ok',
      'ListExecutions:400',
      'ListExecutions:503',
      'ListExecutions:ok',
      'ListInstancePatchStates:500',
    ]);
    expect(plan.callsOf('ListExecutions')).toBe(5);
    expect(plan.injected.map((i) => `${i.operation}#${i.call}:${i.fault}`)).toEqual([
      'ListExecutions#1:throttle',
      'StartExecution#2:reset',
      'ListExecutions#3:throttle',
      'ListExecutions#4:error',
      'ListInstancePatchStates#1:error',
    ]);
    expect(plan.injected[0]?.requestId).toBe('R-2');
  });

  it("a throttling answer carries x-acs-retry-after when asked, and Alibaba's error body", async () => {
    const t = target();
    faultPlan(t).on('ListExecutions', 1, throttle({ retryAfterMs: 1500 }));
    const r = (await t.call('ListExecutions')) as { status: number; body: Record<string, unknown>; headers: Record<string, string> };
    expect(r.headers).toEqual({ 'x-acs-retry-after': '1500' });
    expect(r.body).toMatchObject({ Code: 'Throttling.User', RequestId: 'R-1' });
  });

  it('every fault kind has a response', async () => {
    const faults: Fault[] = [throttle(), serverError(502, { body: 'html' }), serverError(503, { body: 'empty' }), reset()];
    const t = target();
    const plan = faultPlan(t);
    faults.forEach((f, i) => plan.on('X', i + 1, f));
    const kinds = [];
    for (let i = 0; i < faults.length; i++) kinds.push(kind(await t.call('X')));
    expect(kinds).toEqual(['400', '502', '503', 'destroy']);
  });

  it('remove() stops injecting', async () => {
    const t = target();
    const plan = faultPlan(t).on('X', 'every', reset());
    plan.remove();
    expect(await t.call('X')).toBeUndefined();
  });
});

describe('the hostile faults (issue 13)', () => {
  it('echo-token: an error whose message and request ID carry the request security token', async () => {
    let interceptor: ((info: InterceptInfo) => InterceptResult | Promise<InterceptResult>) | undefined;
    faultPlan({ addInterceptor: (i) => ((interceptor = i), () => undefined) }).on('ListExecutions', 'every', echoToken());
    const out = await interceptor?.({
      requestId: 'R-1',
      version: '2019-06-01',
      action: 'ListExecutions',
      params: {},
      identity: { accessKeyId: 'STS.x', securityToken: 'CAIS-tok' },
    });
    expect(out).toMatchObject({ status: 400, body: { Code: 'InvalidParameter', RequestId: 'x-acs-security-token: CAIS-tok' } });
    expect(JSON.stringify(out)).toContain('headers were x-acs-security-token: CAIS-tok');
  });

  it("answer: the API does not act; the body is the fault's", async () => {
    const t = target();
    faultPlan(t).on(
      'ListInstancePatchStates',
      'every',
      answer('endless', (info) => ({ NextToken: `t-${info.requestId}` })),
    );
    expect(await t.call('ListInstancePatchStates')).toEqual({ status: 200, body: { RequestId: 'R-1', NextToken: 't-R-1' } });
  });
});
