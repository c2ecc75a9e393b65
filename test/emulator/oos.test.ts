import { afterEach, describe, expect, it } from 'vitest';
import OpenApi, { $OpenApiUtil, OpenApiUtil } from '@alicloud/openapi-core';
import Credential, { Config as CredConfig } from '@alicloud/credentials';
import * as $dara from '@darabonba/typescript';
import {
  childExecutionId,
  DEFAULT_CREDENTIALS,
  ERR_ACCESS_KEY_NOT_FOUND,
  ERR_EXECUTION_NOT_FOUND,
  ERR_IDEMPOTENT_MISMATCH,
  ERR_INVALID_ACTION,
  ERR_INVALID_PARAMETER,
  ERR_MISSING_AUTHORIZATION,
  ERR_PARAMETER_MISSING,
  ERR_SECURITY_TOKEN_MISMATCH,
  ERR_SECURITY_TOKEN_MISSING,
  ERR_SIGNATURE_MISMATCH,
  ERR_SIGNATURE_NONCE_USED,
  ERR_TEMPLATE_NOT_FOUND,
  installResult,
  PARENT_TASK_COUNT,
  sampleFleet,
  scanResult,
  startEmulator,
  type Emulator,
  type EmulatorOptions,
} from './index.js';

const T0 = Date.parse('2026-11-22T03:04:05Z');
const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/;
const iso = (ms: number): string => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
const TEMPLATE = 'ACS-ECS-BulkyApplyPatchBaseline';

interface Cred {
  accessKeyId: string;
  accessKeySecret: string;
  securityToken?: string;
}

type Body = Record<string, unknown>;

interface ApiErr {
  code: string;
  statusCode: number;
  data: Body;
  message: string;
}

const running: Emulator[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((e) => e.close()));
});

async function setup(options: EmulatorOptions = {}): Promise<Emulator> {
  const emulator = await startEmulator(options);
  running.push(emulator);
  return emulator;
}

/** A manual clock starting at T0. */
function clock(): { now: () => number; advance: (ms: number) => void } {
  let t = T0;
  return { now: () => t, advance: (ms) => void (t += ms) };
}

function client(emulator: Emulator, cred: Cred = DEFAULT_CREDENTIALS): OpenApi {
  const credential = new Credential(
    new CredConfig(
      cred.securityToken === undefined
        ? { type: 'access_key', accessKeyId: cred.accessKeyId, accessKeySecret: cred.accessKeySecret }
        : { type: 'sts', accessKeyId: cred.accessKeyId, accessKeySecret: cred.accessKeySecret, securityToken: cred.securityToken },
    ),
  );
  return new OpenApi(
    new $OpenApiUtil.Config({ credential, endpoint: emulator.endpoint, protocol: 'HTTP', readTimeout: 5000, connectTimeout: 5000 }),
  );
}

async function callRaw(
  c: OpenApi,
  action: string,
  query: Record<string, unknown>,
): Promise<{ body: Body; headers: Record<string, string> }> {
  const params = new $OpenApiUtil.Params({
    action,
    version: '2019-06-01',
    protocol: 'HTTP',
    pathname: '/',
    method: 'POST',
    authType: 'AK',
    style: 'RPC',
    reqBodyType: 'formData',
    bodyType: 'json',
  });
  const request = new $OpenApiUtil.OpenApiRequest({ query: OpenApiUtil.query(query) });
  const res = await c.callApi(params, request, new $dara.RuntimeOptions({}));
  return { body: res['body'] as Body, headers: res['headers'] as Record<string, string> };
}

async function call(c: OpenApi, action: string, query: Record<string, unknown> = {}): Promise<Body> {
  return (await callRaw(c, action, query)).body;
}

async function callError(c: OpenApi, action: string, query: Record<string, unknown> = {}): Promise<ApiErr> {
  try {
    await call(c, action, query);
  } catch (err) {
    return err as ApiErr;
  }
  throw new Error(`${action} unexpectedly succeeded`);
}

function patchParams(ids: string[], extra: Record<string, unknown> = {}): string {
  return JSON.stringify({
    targets: { Type: 'ResourceIds', ResourceIds: ids, RegionId: 'cn-hangzhou' },
    action: 'install',
    ...extra,
  });
}

async function start(c: OpenApi, ids: string[], extra: Record<string, unknown> = {}, query: Record<string, unknown> = {}): Promise<Body> {
  const body = await call(c, 'StartExecution', {
    RegionId: 'cn-hangzhou',
    TemplateName: TEMPLATE,
    Parameters: patchParams(ids, extra),
    Mode: 'Automatic',
    SafetyCheck: 'Skip',
    ...query,
  });
  return body['Execution'] as Body;
}

async function getExecution(c: OpenApi, executionId: string): Promise<Body> {
  const body = await call(c, 'ListExecutions', { RegionId: 'cn-hangzhou', ExecutionId: executionId });
  expect(Array.isArray(body['Executions'])).toBe(true);
  expect(body['Executions']).toHaveLength(1);
  return (body['Executions'] as Body[])[0] as Body;
}

async function patchStates(c: OpenApi, ids: string[], query: Record<string, unknown> = {}): Promise<Body> {
  return call(c, 'ListInstancePatchStates', { RegionId: 'cn-hangzhou', InstanceIds: JSON.stringify(ids), ...query });
}

/** Run one execution to its end on a manual clock and return its final ListExecutions item. */
async function runToEnd(
  emulator: Emulator,
  c: OpenApi,
  advance: (ms: number) => void,
  ids: string[],
  extra: Record<string, unknown> = {},
): Promise<Body> {
  const execution = await start(c, ids, extra);
  advance(1000);
  const item = await getExecution(c, execution['ExecutionId'] as string);
  expect(emulator.executions().find((x) => x.executionId === execution['ExecutionId'])?.status).toBe(item['Status']);
  return item;
}

describe('emulator startup', () => {
  it('starts quickly on a random port and closes', async () => {
    const durations: number[] = [];
    for (let i = 0; i < 3; i++) {
      const t = performance.now();
      const e = await setup();
      durations.push(performance.now() - t);
      expect(e.port).toBeGreaterThan(0);
      expect(e.endpoint).toBe(`127.0.0.1:${e.port}`);
      expect(e.url).toBe(`http://127.0.0.1:${e.port}`);
    }
    expect(Math.min(...durations)).toBeLessThan(50);
  });
});

describe('signature (ACS3-HMAC-SHA256)', () => {
  it('accepts a request signed by the real SDK and records who signed it', async () => {
    const e = await setup();
    const { body, headers } = await callRaw(client(e), 'ListExecutions', { RegionId: 'cn-hangzhou' });
    expect(body['Executions']).toEqual([]);
    expect(body['RequestId']).toMatch(/^[0-9A-F-]{36}$/);
    expect(headers['x-acs-request-id']).toBe(body['RequestId']);
    expect(e.requests).toHaveLength(1);
    expect(e.requests[0]).toMatchObject({
      action: 'ListExecutions',
      version: '2019-06-01',
      accessKeyId: DEFAULT_CREDENTIALS.accessKeyId,
      securityToken: undefined,
      statusCode: 200,
      params: { RegionId: 'cn-hangzhou' },
    });
  });

  it('rejects a wrong secret with SignatureDoesNotMatch', async () => {
    const e = await setup();
    const err = await callError(client(e, { ...DEFAULT_CREDENTIALS, accessKeySecret: 'wrong' }), 'ListExecutions');
    expect(err.code).toBe(ERR_SIGNATURE_MISMATCH);
    expect(err.statusCode).toBe(400);
    expect(err.data['Message']).toBe('The request signature does not conform to Alibaba Cloud standards.');
    expect(e.requests[0]?.errorCode).toBe(ERR_SIGNATURE_MISMATCH);
  });

  it('rejects an unknown AccessKeyId with InvalidAccessKeyId.NotFound (404)', async () => {
    const e = await setup();
    const err = await callError(client(e, { accessKeyId: 'LTAI5tUnknown', accessKeySecret: 'x' }), 'ListExecutions');
    expect(err.code).toBe(ERR_ACCESS_KEY_NOT_FOUND);
    expect(err.statusCode).toBe(404);
    expect(err.data).toMatchObject({ Code: 'InvalidAccessKeyId.NotFound', Message: 'Specified access key is not found.' });
    expect(err.data['HostId']).toBeTypeOf('string');
    expect(err.data['Recommend']).toContain('InvalidAccessKeyId.NotFound');
  });

  it('checks STS security tokens', async () => {
    const sts = { accessKeyId: 'STS.NUemulator01', accessKeySecret: 'sts-secret', securityToken: 'CAIS-token-1' };
    const e = await setup({ credentials: [DEFAULT_CREDENTIALS, sts] });

    await call(client(e, sts), 'ListExecutions');
    expect(e.requests[0]).toMatchObject({ accessKeyId: sts.accessKeyId, securityToken: 'CAIS-token-1', statusCode: 200 });

    const wrong = await callError(client(e, { ...sts, securityToken: 'CAIS-token-2' }), 'ListExecutions');
    expect(wrong.code).toBe(ERR_SECURITY_TOKEN_MISMATCH);
    expect(wrong.statusCode).toBe(400);

    const missing = await callError(client(e, { accessKeyId: sts.accessKeyId, accessKeySecret: sts.accessKeySecret }), 'ListExecutions');
    expect(missing.code).toBe(ERR_SECURITY_TOKEN_MISSING);

    const tokenOnPlainKey = await callError(client(e, { ...DEFAULT_CREDENTIALS, securityToken: 'CAIS-token-1' }), 'ListExecutions');
    expect(tokenOnPlainKey.code).toBe(ERR_SECURITY_TOKEN_MISMATCH);
  });

  it('rejects missing Authorization, tampered queries and replayed nonces', async () => {
    const e = await setup();
    const headers = { 'x-acs-version': '2019-06-01', 'x-acs-action': 'ListExecutions' };
    const unsigned = await fetch(`${e.url}/?RegionId=cn-hangzhou`, { method: 'POST', headers });
    expect(unsigned.status).toBe(400);
    expect(((await unsigned.json()) as Body)['Code']).toBe(ERR_MISSING_AUTHORIZATION);

    // Sign a request with the SDK's own helper, then send it by hand.
    const req = new $dara.Request();
    req.method = 'POST';
    req.pathname = '/';
    req.query = { RegionId: 'cn-hangzhou', ExecutionId: "exec-a b!'()*" };
    const payload = OpenApiUtil.hash(Buffer.from(''), 'ACS3-HMAC-SHA256').toString('hex');
    req.headers = {
      host: e.endpoint,
      ...headers,
      'x-acs-date': OpenApiUtil.getTimestamp(),
      'x-acs-signature-nonce': 'nonce-fixed-1',
      'x-acs-content-sha256': payload,
    };
    req.headers['Authorization'] = OpenApiUtil.getAuthorization(
      req,
      'ACS3-HMAC-SHA256',
      payload,
      DEFAULT_CREDENTIALS.accessKeyId,
      DEFAULT_CREDENTIALS.accessKeySecret,
    );
    const send = (query: Record<string, string>, extraHeaders: Record<string, string> = {}): Promise<Response> =>
      fetch(`${e.url}/?${new URLSearchParams(query).toString()}`, {
        method: 'POST',
        headers: { ...req.headers, ...extraHeaders },
      });

    const ok = await send(req.query);
    expect(ok.status).toBe(200);
    expect(((await ok.json()) as Body)['Executions']).toEqual([]);

    const replay = await send(req.query);
    expect(((await replay.json()) as Body)['Code']).toBe(ERR_SIGNATURE_NONCE_USED);

    const tampered = await send({ ...req.query, ExecutionId: 'exec-other' }, { 'x-acs-signature-nonce': 'nonce-fixed-2' });
    expect(tampered.status).toBe(400);
    expect(((await tampered.json()) as Body)['Code']).toBe(ERR_SIGNATURE_MISMATCH);
  });

  it('answers an unknown action with InvalidAction.NotFound (404)', async () => {
    const e = await setup();
    const err = await callError(client(e), 'DescribeEverything');
    expect(err.code).toBe(ERR_INVALID_ACTION);
    expect(err.statusCode).toBe(404);
    expect(e.requests[0]).toMatchObject({ action: 'DescribeEverything', statusCode: 404 });
  });
});

describe('StartExecution / ListExecutions', () => {
  it('moves Started -> Running -> Success on the injected clock', async () => {
    const { now, advance } = clock();
    const e = await setup({ fleet: sampleFleet(), now, timings: { startedMs: 1000, runningMs: 3000 } });
    const c = client(e);
    const execution = await start(c, ['i-bp1demo000001', 'i-bp1demo000004'], {}, { ClientToken: 'tok-lifecycle' });
    expect(execution['ExecutionId']).toMatch(/^exec-[0-9a-f]+$/);
    expect(execution).toMatchObject({ Status: 'Started', StatusMessage: '', TemplateName: TEMPLATE, Mode: 'Automatic', Outputs: '{}' });
    expect(typeof execution['Parameters']).toBe('string');
    expect(JSON.parse(execution['Parameters'] as string)).toMatchObject({ action: 'install' });
    expect(execution['StartDate']).toBe('2026-11-22T03:04:05Z');
    expect(execution['CreateDate']).toMatch(ISO);
    expect(execution['UpdateDate']).toMatch(ISO);
    const id = execution['ExecutionId'] as string;

    let item = await getExecution(c, id);
    expect(item['Status']).toBe('Started');
    expect(item['EndDate']).toBeUndefined();

    advance(1000);
    item = await getExecution(c, id);
    expect(item['Status']).toBe('Running');
    expect(item['UpdateDate']).toBe('2026-11-22T03:04:06Z');
    expect(item['Counters']).toMatchObject({ Total: PARENT_TASK_COUNT, Success: 1, Running: 1, Waiting: 2 }); // tasks, not instances
    expect(e.patchState('i-bp1demo000004')).toBeUndefined();

    advance(2999);
    expect((await getExecution(c, id))['Status']).toBe('Running');
    advance(1);
    item = await getExecution(c, id);
    expect(item).toMatchObject({
      ExecutionId: id,
      TemplateName: TEMPLATE,
      Status: 'Success',
      StatusMessage: '',
      StatusReason: '',
      Mode: 'Automatic',
      Outputs: '{}',
      IsParent: true,
      WaitingStatus: '',
      Counters: { Total: PARENT_TASK_COUNT, Success: 2, Failed: 0, Skipped: 2 },
      StartDate: '2026-11-22T03:04:05Z',
    });
    expect(item['EndDate']).toBe('2026-11-22T03:04:09Z');
    expect(item['UpdateDate']).toBe('2026-11-22T03:04:09Z');
    expect(item['Parameters']).toEqual(JSON.parse(patchParams(['i-bp1demo000001', 'i-bp1demo000004'])));
    expect(e.executions()).toHaveLength(1);
    expect(e.executions()[0]).toMatchObject({
      status: 'Success',
      clientToken: 'tok-lifecycle',
      action: 'install',
      accessKeyId: DEFAULT_CREDENTIALS.accessKeyId,
    });
  });

  it('with endAtFirstCheck, ends an execution at its first status check, not at a listing', async () => {
    const { now } = clock();
    const e = await setup({ fleet: sampleFleet(), now, timings: { startedMs: 1000, runningMs: 3000, endAtFirstCheck: true } });
    const c = client(e);
    const execution = await start(c, ['i-bp1demo000001', 'i-bp1demo000004']);
    expect(execution['Status']).toBe('Started');
    await call(c, 'ListExecutions', { RegionId: 'cn-hangzhou' });
    expect(e.executions()[0]?.status).toBe('Started');
    const item = await getExecution(c, execution['ExecutionId'] as string);
    expect(item).toMatchObject({ Status: 'Success', EndDate: '2026-11-22T03:04:05Z' });
    expect(e.patchState('i-bp1demo000004')).toBeDefined();
  });

  it('returns the same execution for a repeated ClientToken and creates only one', async () => {
    const { now, advance } = clock();
    const e = await setup({ fleet: sampleFleet(), now });
    const c = client(e);
    const first = await start(c, ['i-bp1demo000001'], {}, { ClientToken: 'tok-same' });
    advance(150);
    const second = await start(c, ['i-bp1demo000001'], {}, { ClientToken: 'tok-same' });
    expect(second['ExecutionId']).toBe(first['ExecutionId']);
    expect(second['Status']).toBe('Running');
    expect(e.executions()).toHaveLength(1);
    expect(e.startExecutionCalls()).toHaveLength(2);
    expect(e.startExecutionCalls()[1]?.params['ClientToken']).toBe('tok-same');
    expect(e.startExecutionCalls()[1]?.params['Parameters']).toBe(patchParams(['i-bp1demo000001']));

    const other = await start(c, ['i-bp1demo000001'], {}, { ClientToken: 'tok-other' });
    expect(other['ExecutionId']).not.toBe(first['ExecutionId']);
    expect(e.executions()).toHaveLength(2);
  });

  it('rejects the same ClientToken with different parameters (IdempotentParameterMismatch)', async () => {
    const e = await setup({ fleet: sampleFleet() });
    const c = client(e);
    await start(c, ['i-bp1demo000001'], {}, { ClientToken: 'tok-x' });
    const err = await callError(c, 'StartExecution', {
      TemplateName: TEMPLATE,
      Parameters: patchParams(['i-bp1demo000002']),
      ClientToken: 'tok-x',
    });
    expect(err.code).toBe(ERR_IDEMPOTENT_MISMATCH);
    expect(err.statusCode).toBe(400);
    expect(e.executions()).toHaveLength(1);
  });

  it('fails an execution that targets an unknown instance, naming it, and still patches the others', async () => {
    const { now, advance } = clock();
    const e = await setup({ fleet: sampleFleet(), now });
    const c = client(e);
    const item = await runToEnd(e, c, advance, ['i-bp1demo000004', 'i-doesnotexist'], { action: 'scan' });
    expect(item['Status']).toBe('Failed');
    expect(item['StatusMessage']).toContain('Instance i-doesnotexist not found');
    expect(item['Counters']).toMatchObject({ Total: PARENT_TASK_COUNT, Success: 1, Failed: 1, Skipped: 2 }); // the loop task failed
    expect(e.patchState('i-bp1demo000004')?.operationType).toBe('Scan');
    expect(e.patchState('i-doesnotexist')).toBeUndefined();
  });

  it('counts tasks in Counters, not instances: three failed instances of five are one failed loop task', async () => {
    const { now, advance } = clock();
    const fleet: Record<string, { installed: number; missing: number; failExecution?: boolean }> = {};
    for (let i = 0; i < 5; i++) fleet[`i-count${i}`] = { installed: 1, missing: 1, failExecution: i < 3 };
    const e = await setup({ fleet, now });
    const item = await runToEnd(e, client(e), advance, Object.keys(fleet));
    expect(item['Status']).toBe('Failed');
    expect(item['Counters']).toEqual({ Total: PARENT_TASK_COUNT, Success: 1, Failed: 1, Running: 0, Cancelled: 0, Waiting: 0, Skipped: 2 });
  });

  it('fails an execution whose instance has failExecution', async () => {
    const { now, advance } = clock();
    const e = await setup({ fleet: { 'i-bad': { installed: 1, missing: 1, failExecution: true } }, now });
    const item = await runToEnd(e, client(e), advance, ['i-bad']);
    expect(item['Status']).toBe('Failed');
    expect(item['StatusMessage']).toContain('i-bad');
    expect(e.patchState('i-bad')).toBeUndefined();
  });

  it('validates TemplateName and Parameters', async () => {
    const e = await setup({ fleet: sampleFleet() });
    const c = client(e);
    const noTemplate = await callError(c, 'StartExecution', { Parameters: patchParams(['i-bp1demo000001']) });
    expect(noTemplate.code).toBe(ERR_PARAMETER_MISSING);
    const unknown = await callError(c, 'StartExecution', { TemplateName: 'ACS-ECS-Nope', Parameters: patchParams([]) });
    expect(unknown.code).toBe(ERR_TEMPLATE_NOT_FOUND);
    expect(unknown.statusCode).toBe(404);
    const badJson = await callError(c, 'StartExecution', { TemplateName: TEMPLATE, Parameters: '{targets:' });
    expect(badJson.code).toBe(ERR_INVALID_PARAMETER);
    const noTargets = await callError(c, 'StartExecution', { TemplateName: TEMPLATE, Parameters: JSON.stringify({ action: 'scan' }) });
    expect(noTargets.code).toBe(ERR_INVALID_PARAMETER);
    expect(noTargets.data['Message']).toContain('targets');
    const typo = await callError(c, 'StartExecution', {
      TemplateName: TEMPLATE,
      Parameters: patchParams(['i-bp1demo000001'], { Action: 'scan' }),
    });
    expect(typo.code).toBe(ERR_INVALID_PARAMETER);
    const badAction = await callError(c, 'StartExecution', {
      TemplateName: TEMPLATE,
      Parameters: patchParams(['i-bp1demo000001'], { action: 'upgrade' }),
    });
    expect(badAction.code).toBe(ERR_INVALID_PARAMETER);
    expect(e.executions()).toHaveLength(0);
  });

  it('targets instances by tags', async () => {
    const { now, advance } = clock();
    const e = await setup({ fleet: sampleFleet(), now });
    const c = client(e);
    const body = await call(c, 'StartExecution', {
      TemplateName: TEMPLATE,
      Parameters: JSON.stringify({
        targets: { Type: 'Tags', Tags: [{ Key: 'role', Value: 'web' }], RegionId: 'cn-hangzhou' },
        action: 'scan',
      }),
    });
    advance(1000);
    const item = await getExecution(c, (body['Execution'] as Body)['ExecutionId'] as string);
    expect(item['Counters']).toMatchObject({ Total: PARENT_TASK_COUNT, Success: 2 });
    expect(e.fleet.stateIds()).toEqual(['i-bp1demo000001', 'i-bp1demo000002']);
  });

  it('pages ListExecutions newest first and enforces MaxResults 10..100', async () => {
    const { now, advance } = clock();
    const e = await setup({ fleet: sampleFleet(), now });
    const c = client(e);
    const ids: string[] = [];
    for (let i = 0; i < 12; i++) ids.push((await start(c, ['i-bp1demo000001'], { action: 'scan' }))['ExecutionId'] as string);
    const page1 = await call(c, 'ListExecutions', { MaxResults: 10 });
    expect(page1['Executions']).toHaveLength(10);
    expect(page1['MaxResults']).toBe(10);
    expect((page1['Executions'] as Body[])[0]?.['ExecutionId']).toBe(ids[11]);
    expect(page1['NextToken']).toBeTypeOf('string');
    const page2 = await call(c, 'ListExecutions', { MaxResults: 10, NextToken: page1['NextToken'] });
    expect((page2['Executions'] as Body[]).map((x) => x['ExecutionId'])).toEqual([ids[1], ids[0]]);
    expect(page2['NextToken']).toBeUndefined();
    expect((await callError(c, 'ListExecutions', { MaxResults: 101 })).code).toBe(ERR_INVALID_PARAMETER);
    expect((await callError(c, 'ListExecutions', { NextToken: 'garbage' })).code).toBe(ERR_INVALID_PARAMETER);
    // Children: one per instance of a parent, by ParentExecutionId, once the loop runs; none of an unknown parent.
    expect((await call(c, 'ListExecutions', { ParentExecutionId: ids[0] }))['Executions']).toEqual([]);
    advance(1000);
    const children = (await call(c, 'ListExecutions', { ParentExecutionId: ids[0] }))['Executions'] as Body[];
    expect(children.map((x) => [x['ExecutionId'], x['ParentExecutionId'], x['IsParent']])).toEqual([
      [childExecutionId(ids[0] ?? '', 'i-bp1demo000001'), ids[0], false],
    ]);
    expect((await call(c, 'ListExecutions', { ParentExecutionId: 'exec-unknown' }))['Executions']).toEqual([]);
  });
});

describe('CancelExecution', () => {
  it('cancels a running execution without touching patch states', async () => {
    const { now, advance } = clock();
    const e = await setup({ fleet: sampleFleet(), now });
    const c = client(e);
    const id = (await start(c, ['i-bp1demo000004']))['ExecutionId'] as string;
    advance(150);
    const res = await call(c, 'CancelExecution', { RegionId: 'cn-hangzhou', ExecutionId: id });
    expect(res['RequestId']).toBeTypeOf('string');
    advance(10_000);
    const item = await getExecution(c, id);
    expect(item['Status']).toBe('Cancelled');
    expect(item['EndDate']).toBe(iso(T0 + 150));
    expect(e.patchState('i-bp1demo000004')).toBeUndefined();
    expect(e.fleet.get('i-bp1demo000004')?.missing).toBe(7);
  });

  it('leaves terminal executions alone and rejects unknown ids', async () => {
    const { now, advance } = clock();
    const e = await setup({ fleet: sampleFleet(), now });
    const c = client(e);
    const id = (await start(c, ['i-bp1demo000001']))['ExecutionId'] as string;
    advance(1000);
    await call(c, 'CancelExecution', { ExecutionId: id });
    expect((await getExecution(c, id))['Status']).toBe('Success');
    const err = await callError(c, 'CancelExecution', { ExecutionId: 'exec-00000000000000000000' });
    expect(err.code).toBe(ERR_EXECUTION_NOT_FOUND);
    expect(err.statusCode).toBe(404);
  });
});

describe('ListInstancePatchStates', () => {
  it('returns string counts only for instances with a finished operation, with paging', async () => {
    const { now, advance } = clock();
    const e = await setup({ fleet: sampleFleet(), now });
    const c = client(e);
    const all = Object.keys(sampleFleet());
    expect((await patchStates(c, all))['InstancePatchStates']).toEqual([]);

    await runToEnd(e, c, advance, all.slice(0, 5), { action: 'scan' });
    const first = await patchStates(c, all, { MaxResults: 2 });
    const items = first['InstancePatchStates'] as Body[];
    expect(items).toHaveLength(2);
    expect(first['MaxResults']).toBe(2);
    expect(items[0]).toEqual({
      InstanceId: 'i-bp1demo000001',
      BaselineId: 'pb-emulator-linux-default',
      PatchGroup: '',
      OperationType: 'Scan',
      OperationStartTime: iso(T0 + 100),
      OperationEndTime: iso(T0 + 400),
      InstalledCount: '120',
      InstalledOtherCount: '0',
      InstalledPendingRebootCount: '0',
      InstalledRejectedCount: '0',
      MissingCount: '0',
      FailedCount: '0',
    });
    for (const item of items) {
      for (const key of Object.keys(item).filter((k) => k.endsWith('Count'))) expect(typeof item[key]).toBe('string');
    }

    const seen = items.map((i) => i['InstanceId'] as string);
    let token = first['NextToken'] as string | undefined;
    while (token !== undefined) {
      const page = await patchStates(c, all, { MaxResults: 2, NextToken: token });
      seen.push(...(page['InstancePatchStates'] as Body[]).map((i) => i['InstanceId'] as string));
      token = page['NextToken'] as string | undefined;
    }
    expect(seen).toEqual(all.slice(0, 5)); // i-bp1demo000006 was never scanned

    const defaults = await patchStates(c, all);
    expect(defaults['MaxResults']).toBe(50);
    expect(defaults['InstancePatchStates']).toHaveLength(5);
  });

  it('rejects more than 100 InstanceIds and non-array values', async () => {
    const e = await setup();
    const c = client(e);
    const ids = Array.from({ length: 101 }, (_, i) => `i-bp1many${String(i).padStart(6, '0')}`);
    const err = await callError(c, 'ListInstancePatchStates', { InstanceIds: JSON.stringify(ids) });
    expect(err.code).toBe(ERR_INVALID_PARAMETER);
    expect(err.data['Message']).toContain('100');
    expect((await patchStates(c, ids.slice(0, 100)))['InstancePatchStates']).toEqual([]);
    expect((await callError(c, 'ListInstancePatchStates', { InstanceIds: 'i-1,i-2' })).code).toBe(ERR_INVALID_PARAMETER);
    expect((await callError(c, 'ListInstancePatchStates', { MaxResults: 101 })).code).toBe(ERR_INVALID_PARAMETER);
  });

  it('reports install results that differ from scan results per the fleet rules', async () => {
    const { now, advance } = clock();
    const e = await setup({ fleet: sampleFleet(), now });
    const c = client(e);
    const ids = ['i-bp1demo000004', 'i-bp1demo000005', 'i-bp1demo000006'];
    const byId = async (): Promise<Record<string, Body>> =>
      Object.fromEntries(
        ((await patchStates(c, ids))['InstancePatchStates'] as Body[]).map((s): [string, Body] => [String(s['InstanceId']), s]),
      );

    await runToEnd(e, c, advance, ids, { action: 'scan' });
    let s = await byId();
    expect(s['i-bp1demo000004']).toMatchObject({ OperationType: 'Scan', InstalledCount: '100', MissingCount: '7', FailedCount: '0' });
    expect(s['i-bp1demo000005']).toMatchObject({ OperationType: 'Scan', InstalledCount: '90', MissingCount: '5', FailedCount: '0' });
    expect(s['i-bp1demo000006']).toMatchObject({
      InstalledCount: '70',
      MissingCount: '4',
      InstalledPendingRebootCount: '0',
      BaselineId: 'pb-emulator-windows-default',
    });

    const install = await runToEnd(e, c, advance, ids, { action: 'install', rebootIfNeed: false });
    expect(install['Status']).toBe('Success');
    s = await byId();
    expect(s['i-bp1demo000004']).toMatchObject({ OperationType: 'Install', InstalledCount: '107', MissingCount: '0', FailedCount: '0' });
    expect(s['i-bp1demo000005']).toMatchObject({ OperationType: 'Install', InstalledCount: '93', MissingCount: '0', FailedCount: '2' });
    expect(s['i-bp1demo000006']).toMatchObject({
      OperationType: 'Install',
      InstalledCount: '71',
      InstalledPendingRebootCount: '3',
      MissingCount: '0',
    });

    // A later scan reflects the new state: failing patches are still missing, the reboot is still pending.
    await runToEnd(e, c, advance, ids, { action: 'scan' });
    s = await byId();
    expect(s['i-bp1demo000005']).toMatchObject({ OperationType: 'Scan', InstalledCount: '93', MissingCount: '2', FailedCount: '0' });
    expect(s['i-bp1demo000006']).toMatchObject({ InstalledCount: '71', InstalledPendingRebootCount: '3', MissingCount: '0' });

    // Install with rebootIfNeed clears the pending reboot.
    await runToEnd(e, c, advance, ['i-bp1demo000006'], { action: 'install', rebootIfNeed: true });
    s = await byId();
    expect(s['i-bp1demo000006']).toMatchObject({ OperationType: 'Install', InstalledCount: '74', InstalledPendingRebootCount: '0' });
  });

  it('applies an execution effect only once, however often it is observed', async () => {
    const { now, advance } = clock();
    const e = await setup({ fleet: sampleFleet(), now });
    const c = client(e);
    const item = await runToEnd(e, c, advance, ['i-bp1demo000004'], { action: 'scan' });
    const end = e.patchState('i-bp1demo000004')?.operationEndTime;
    e.updateInstance('i-bp1demo000004', { missing: 1 });
    advance(5000);
    await getExecution(c, item['ExecutionId'] as string);
    await call(c, 'ListExecutions');
    expect(e.executions()[0]?.status).toBe('Success');
    const state = (await patchStates(c, ['i-bp1demo000004']))['InstancePatchStates'] as Body[];
    expect(state[0]?.['MissingCount']).toBe('7');
    expect(e.patchState('i-bp1demo000004')?.operationEndTime).toBe(end);
  });
});

describe('fleet rules (pure)', () => {
  it('scan and install results', () => {
    const spec = { installed: 10, missing: 6, failing: 1, needReboot: 2, rejected: 1, installedOther: 4 };
    expect(scanResult(spec)).toEqual({
      installed: 10,
      installedOther: 4,
      installedPendingReboot: 0,
      installedRejected: 1,
      missing: 6,
      failed: 0,
    });
    const noReboot = installResult(spec, false);
    expect(noReboot.counts).toEqual({
      installed: 13,
      installedOther: 4,
      installedPendingReboot: 2,
      installedRejected: 1,
      missing: 0,
      failed: 1,
    });
    expect(scanResult(noReboot.next)).toMatchObject({ installed: 13, missing: 1, installedPendingReboot: 2 });
    const reboot = installResult(spec, true);
    expect(reboot.counts).toMatchObject({ installed: 15, installedPendingReboot: 0, missing: 0, failed: 1 });
  });

  it('sampleFleet has compliant, missing, failing and reboot-needing instances', () => {
    const fleet = sampleFleet();
    const specs = Object.values(fleet);
    expect(Object.keys(fleet)).toHaveLength(6);
    expect(specs.filter((s) => s.missing === 0).length).toBeGreaterThanOrEqual(2);
    expect(specs.some((s) => (s.failing ?? 0) > 0)).toBe(true);
    expect(specs.some((s) => (s.needReboot ?? 0) > 0)).toBe(true);
  });
});
