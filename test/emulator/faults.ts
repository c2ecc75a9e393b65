/**
 * Fault injection for the emulator, per operation and per call count, built on `addInterceptor`:
 *
 *   const plan = faultPlan(emulator)
 *     .on('StartExecution', 1, loseResponse())       // the 1st StartExecution creates the execution, then the answer is lost
 *     .on('ListExecutions', [2, 3], throttle())      // the 2nd and 3rd status checks are throttled
 *     .on('ListInstancePatchStates', 'every', serverError(503));
 *
 * Calls are counted per operation, from 1, over every request of that operation that passed authentication.
 * The first rule that matches a call applies; a call no rule matches is served normally.
 */
import type { InterceptInfo, InterceptResult } from './server.js';
import { recommendUrl } from './errors.js';

export type Fault =
  /** A throttling error, as Alibaba sends it (HTTP 400 by default), optionally with `x-acs-retry-after` (ms). */
  | { kind: 'throttle'; code: string; status: number; retryAfterMs?: number }
  /** An HTTP error before the API acts; `body` 'json' is Alibaba's error JSON, 'html' a gateway page, 'empty' nothing. */
  | { kind: 'error'; status: number; code: string; body: 'json' | 'html' | 'empty' }
  /** The connection is dropped before the API sees the request. */
  | { kind: 'reset' }
  /** The API acts at once, but its answer comes `delayMs` later (longer than the client's read timeout). */
  | { kind: 'slow'; delayMs: number }
  /** The API acts, then its answer is lost: the connection drops instead (e.g. an execution is created, unseen). */
  | { kind: 'lose-response' }
  /** The API acts, but what comes back is a 200 whose body is not JSON. */
  | { kind: 'garble' }
  /** The API acts, and its JSON answer is replaced by `rewrite(payload)` (unknown status, missing fields, ...). */
  | { kind: 'rewrite'; label: string; rewrite: (payload: Record<string, unknown>) => unknown }
  /** A hostile server or proxy: an error whose Message and RequestId echo the request's `x-acs-security-token`. */
  | { kind: 'echo-token' }
  /** The API does not act: a 200 whose JSON body is `answer(info)` (a compromised endpoint's own answer). */
  | { kind: 'answer'; label: string; answer: (info: InterceptInfo) => Record<string, unknown> };

export const throttle = (options: { code?: string; status?: number; retryAfterMs?: number } = {}): Fault => ({
  kind: 'throttle',
  code: options.code ?? 'Throttling.User',
  status: options.status ?? 400,
  ...(options.retryAfterMs !== undefined ? { retryAfterMs: options.retryAfterMs } : {}),
});

export const serverError = (status = 500, options: { code?: string; body?: 'json' | 'html' | 'empty' } = {}): Fault => ({
  kind: 'error',
  status,
  code: options.code ?? (status === 503 ? 'ServiceUnavailable' : 'InternalError'),
  body: options.body ?? 'json',
});

export const reset = (): Fault => ({ kind: 'reset' });
export const slow = (delayMs: number): Fault => ({ kind: 'slow', delayMs });
export const loseResponse = (): Fault => ({ kind: 'lose-response' });
export const garble = (): Fault => ({ kind: 'garble' });
export const rewrite = (label: string, fn: (payload: Record<string, unknown>) => unknown): Fault => ({
  kind: 'rewrite',
  label,
  rewrite: fn,
});

export const echoToken = (): Fault => ({ kind: 'echo-token' });
export const answer = (label: string, fn: (info: InterceptInfo) => Record<string, unknown>): Fault => ({
  kind: 'answer',
  label,
  answer: fn,
});

/** Which calls of an operation a rule covers: one (1-based), a list, a range, or every call. */
export type Calls = number | readonly number[] | { from: number; to?: number } | 'every';

export interface InjectedFault {
  operation: string;
  call: number;
  fault: Fault['kind'];
  requestId: string;
}

interface Rule {
  operation: string;
  calls: Calls;
  fault: Fault;
}

export interface FaultTarget {
  addInterceptor(interceptor: (info: InterceptInfo) => InterceptResult | Promise<InterceptResult>): () => void;
}

export class FaultPlan {
  /** Every fault injected so far, in order. */
  readonly injected: InjectedFault[] = [];
  private readonly rules: Rule[] = [];
  private readonly counts = new Map<string, number>();
  private readonly removeInterceptor: () => void;

  constructor(target: FaultTarget) {
    this.removeInterceptor = target.addInterceptor((info) => this.intercept(info));
  }

  on(operation: string, calls: Calls, fault: Fault): this {
    this.rules.push({ operation, calls, fault });
    return this;
  }

  /** Calls of an operation seen so far. */
  callsOf(operation: string): number {
    return this.counts.get(operation) ?? 0;
  }

  remove(): void {
    this.removeInterceptor();
  }

  private intercept(info: InterceptInfo): InterceptResult {
    const call = (this.counts.get(info.action) ?? 0) + 1;
    this.counts.set(info.action, call);
    const rule = this.rules.find((r) => r.operation === info.action && covers(r.calls, call));
    if (!rule) return undefined;
    this.injected.push({ operation: info.action, call, fault: rule.fault.kind, requestId: info.requestId });
    return respond(rule.fault, info);
  }
}

export function faultPlan(target: FaultTarget): FaultPlan {
  return new FaultPlan(target);
}

function covers(calls: Calls, call: number): boolean {
  if (calls === 'every') return true;
  if (typeof calls === 'number') return calls === call;
  if (Array.isArray(calls)) return calls.includes(call);
  const range = calls as { from: number; to?: number };
  return call >= range.from && (range.to === undefined || call <= range.to);
}

function errorBody(info: InterceptInfo, code: string, message: string): Record<string, unknown> {
  return {
    RequestId: info.requestId,
    HostId: 'oos.aliyuncs.com',
    Code: code,
    Message: message,
    Recommend: recommendUrl(code, info.requestId),
  };
}

function respond(fault: Fault, info: InterceptInfo): InterceptResult {
  switch (fault.kind) {
    case 'throttle':
      return {
        status: fault.status,
        body: errorBody(info, fault.code, 'Request was denied due to user flow control.'),
        ...(fault.retryAfterMs !== undefined ? { headers: { 'x-acs-retry-after': String(fault.retryAfterMs) } } : {}),
      };
    case 'error':
      if (fault.body === 'html') return { status: fault.status, body: `<html><body><h1>${fault.status}</h1>upstream failed</body></html>` };
      if (fault.body === 'empty') return { status: fault.status, body: '' };
      return { status: fault.status, body: errorBody(info, fault.code, 'The request processing has failed due to some unknown error.') };
    case 'reset':
      return 'destroy';
    case 'slow':
      return { after: { delayMs: fault.delayMs } };
    case 'lose-response':
      return { after: 'destroy' };
    case 'garble':
      return { after: { rewrite: () => '<html><body>Service temporarily unavailable</body></html>', status: 200 } };
    case 'rewrite':
      return { after: { rewrite: fault.rewrite } };
    case 'echo-token': {
      const echoed = `x-acs-security-token: ${info.identity?.securityToken ?? '(none)'}`;
      return { status: 400, body: { ...errorBody(info, 'InvalidParameter', `bad request; headers were ${echoed}`), RequestId: echoed } };
    }
    case 'answer':
      return { status: 200, body: { RequestId: info.requestId, ...fault.answer(info) } };
  }
}
