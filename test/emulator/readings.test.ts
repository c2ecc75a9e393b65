/**
 * The emulator plays each reading of the unconfirmed OOS facts (variants.ts): raw RPC calls through the action's own
 * signing caller (src/alibaba/rpc.ts), with the parameters in the query or in the signed form body.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { oosRpc } from '../fakes/oos-rpc.js';
import { OpenApiUtil } from '@alicloud/openapi-core';
import * as $dara from '@darabonba/typescript';
import { CloudError } from '../../src/alibaba/cloud-error.js';
import type { RpcCall } from '../../src/alibaba/rpc.js';
import {
  childExecutionId,
  DEFAULT_CREDENTIALS,
  ERR_IDEMPOTENT_MISMATCH,
  ERR_SIGNATURE_MISMATCH,
  ERR_URI_TOO_LONG,
  type Emulator,
  type Readings,
  sampleFleet,
  startEmulator,
  URL_LIMIT_8K,
} from './index.js';

const IDS = Object.keys(sampleFleet());
const running: Emulator[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((e) => e.close()));
});

async function setup(variant: Partial<Readings> = {}): Promise<{ emulator: Emulator; call: RpcCall }> {
  const emulator = await startEmulator({ fleet: sampleFleet(), timings: { startedMs: 0, runningMs: 0 }, variant });
  running.push(emulator);
  const call = oosRpc(emulator);
  return { emulator, call };
}

function parameters(ids: readonly string[], action = 'scan'): string {
  return JSON.stringify({ regionId: 'cn-hangzhou', action, targets: { Type: 'ResourceIds', ResourceIds: ids, RegionId: 'cn-hangzhou' } });
}

async function start(call: RpcCall, token: string, ids: readonly string[] = IDS, action = 'scan'): Promise<Record<string, unknown>> {
  const body = await call(
    'StartExecution',
    { TemplateName: 'ACS-ECS-BulkyApplyPatchBaseline', Mode: 'Automatic', SafetyCheck: 'Skip', ClientToken: token },
    { Parameters: parameters(ids, action) },
  );
  return body.Execution as Record<string, unknown>;
}

async function refusal(p: Promise<unknown>): Promise<CloudError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(CloudError);
  return err as CloudError;
}

describe('the emulator plays each reading', () => {
  it('children: ListTaskExecutions names them, or only ListExecutions ParentExecutionId does, or neither', async () => {
    const named = async (children: Readings['children']) => {
      const { call } = await setup({ children });
      const { ExecutionId: id } = await start(call, `t-${children}`);
      const tasks = (await call('ListTaskExecutions', { ExecutionId: id, IncludeChildTaskExecution: true })).TaskExecutions as Array<
        Record<string, string>
      >;
      const listed = (await call('ListExecutions', { ParentExecutionId: id })).Executions as Array<Record<string, unknown>>;
      return {
        byTask: tasks.filter((t) => t.ChildExecutionId).map((t) => t.LoopItem),
        byParent: listed.map((e) => (e.Parameters as { instanceId: string }).instanceId),
        loopItems: tasks.filter((t) => t.LoopItem).length,
        ids: listed.map((e) => e.ExecutionId),
        parent: String(id),
      };
    };
    const both = await named('task-executions');
    expect(both.byTask).toEqual(IDS);
    expect(both.byParent).toEqual(IDS);
    const onlyList = await named('list-executions');
    expect(onlyList.byTask).toEqual([]);
    expect(onlyList.loopItems).toBe(IDS.length);
    expect(onlyList.byParent).toEqual(IDS);
    expect(onlyList.ids).toEqual(IDS.map((i) => childExecutionId(onlyList.parent, i)));
    const none = await named('none');
    expect([none.byTask, none.byParent]).toEqual([[], []]);
  });

  it('patchStatuses: a JSON array, or one plain status (a JSON array refused with InvalidParameter)', async () => {
    const id = IDS[0] ?? '';
    const json = await setup({ patchStatuses: 'json-array' });
    await start(json.call, 't-json');
    const listed = await json.call('ListInstancePatches', { InstanceId: id, PatchStatuses: '["Installed"]' });
    expect((listed.Patches as unknown[]).length).toBeGreaterThan(0);
    expect((await refusal(json.call('ListInstancePatches', { InstanceId: id, PatchStatuses: 'Installed' }))).code).toBe('InvalidParameter');

    const plain = await setup({ patchStatuses: 'plain' });
    await start(plain.call, 't-plain');
    const one = await plain.call('ListInstancePatches', { InstanceId: id, PatchStatuses: 'Installed' });
    expect((one.Patches as Array<{ Status: string }>).map((p) => p.Status)).toEqual(
      listed.Patches && (listed.Patches as Array<{ Status: string }>).map((p) => p.Status),
    );
    expect((await refusal(plain.call('ListInstancePatches', { InstanceId: id, PatchStatuses: '["Installed"]' }))).code).toBe(
      'InvalidParameter',
    );
  });

  it('maxResults=50: MaxResults 100 refused by the three undocumented list operations, 50 taken', async () => {
    const { call } = await setup({ maxResults: '50' });
    const { ExecutionId: id } = await start(call, 't-50');
    const asks: Array<[string, Record<string, unknown>, Record<string, unknown>?]> = [
      ['ListInstancePatchStates', {}, { InstanceIds: JSON.stringify(IDS) }],
      ['ListInstancePatches', { InstanceId: IDS[0] }],
      ['ListExecutionLogs', { ExecutionId: id }],
    ];
    for (const [action, query, form] of asks) {
      const err = await refusal(call(action, { ...query, MaxResults: 100 }, form));
      expect([action, err.code, err.detail]).toEqual([action, 'InvalidParameter', expect.stringContaining('MaxResults')]);
      await expect(call(action, { ...query, MaxResults: 50 }, form)).resolves.toHaveProperty('RequestId');
    }
    // The documented ranges stay as they are.
    await expect(call('ListTaskExecutions', { ExecutionId: id, MaxResults: 100 })).resolves.toHaveProperty('TaskExecutions');
  });

  it('urlLimit=8k: a request line over 8 KiB gets 414; the same parameters in the signed body pass', async () => {
    const { emulator, call } = await setup({ urlLimit: '8k' });
    const many = Array.from({ length: 400 }, (_, i) => `i-bp1long${String(i).padStart(8, '0')}`);
    expect(encodeURIComponent(parameters(many)).length).toBeGreaterThan(URL_LIMIT_8K);
    const query = { TemplateName: 'ACS-ECS-BulkyApplyPatchBaseline', ClientToken: 't-long', Parameters: parameters(many) };
    const err = await refusal(call('StartExecution', query));
    expect(emulator.requests.at(-1)).toMatchObject({ statusCode: 414, errorCode: ERR_URI_TOO_LONG });
    expect(err.code).toBe('InvalidResponseBody');
    expect(emulator.executions()).toHaveLength(0);
    await start(call, 't-long', many);
    expect(emulator.executions()).toHaveLength(1);

    // Without the limit the long URL passes (the default reading).
    const open = await setup();
    await expect(open.call('StartExecution', query)).resolves.toHaveProperty('Execution');
  });

  it('tokenReuse: the same ClientToken with other parameters is refused, or returns the earlier execution', async () => {
    const strict = await setup({ tokenReuse: 'mismatch-error' });
    await start(strict.call, 'tok-1', IDS);
    expect((await refusal(start(strict.call, 'tok-1', IDS.slice(1)))).code).toBe(ERR_IDEMPOTENT_MISMATCH);

    const lax = await setup({ tokenReuse: 'return-earlier' });
    const first = await start(lax.call, 'tok-1', IDS);
    const again = await start(lax.call, 'tok-1', IDS.slice(1));
    expect(again.ExecutionId).toBe(first.ExecutionId);
    expect(again.Parameters).toBe(parameters(IDS));
    expect(lax.emulator.executions()).toHaveLength(1);
  });

  it('a parameter carried in the form body is covered by the signature: a changed body is refused', async () => {
    const { emulator } = await setup();
    // Sign a form-body request with the SDK's own helpers, as openapi-core does for reqBodyType formData.
    const body = OpenApiUtil.toForm({ InstanceIds: JSON.stringify(IDS) });
    const req = new $dara.Request();
    req.method = 'POST';
    req.pathname = '/';
    req.query = { RegionId: 'cn-hangzhou', MaxResults: '50' };
    const hash = (text: string): string => OpenApiUtil.hash(Buffer.from(text, 'utf8'), 'ACS3-HMAC-SHA256').toString('hex');
    req.headers = {
      host: emulator.endpoint,
      'x-acs-version': '2019-06-01',
      'x-acs-action': 'ListInstancePatchStates',
      'x-acs-date': OpenApiUtil.getTimestamp(),
      'x-acs-signature-nonce': 'nonce-body-1',
      'x-acs-content-sha256': hash(body),
    };
    req.headers['Authorization'] = OpenApiUtil.getAuthorization(
      req,
      'ACS3-HMAC-SHA256',
      hash(body),
      DEFAULT_CREDENTIALS.accessKeyId,
      DEFAULT_CREDENTIALS.accessKeySecret,
    );
    const send = (text: string, headers: Record<string, string> = {}): Promise<Response> =>
      fetch(`${emulator.url}/?${new URLSearchParams(req.query).toString()}`, {
        method: 'POST',
        headers: { ...req.headers, 'content-type': 'application/x-www-form-urlencoded', ...headers },
        body: text,
      });
    const changed = body.replace('i-bp1demo000001', 'i-bp1demo000009');
    expect(changed).not.toBe(body);
    // The body changed under the same signature, with the declared hash kept or recomputed: refused either way.
    for (const [text, headers] of [
      [changed, { 'x-acs-signature-nonce': 'nonce-body-2' }],
      [changed, { 'x-acs-signature-nonce': 'nonce-body-3', 'x-acs-content-sha256': hash(changed) }],
    ] as const) {
      const refused = await send(text, headers);
      expect([refused.status, ((await refused.json()) as { Code: string }).Code]).toEqual([400, ERR_SIGNATURE_MISMATCH]);
    }
    const accepted = await send(body);
    expect(accepted.status).toBe(200);
    expect(emulator.requests.at(-1)?.params.InstanceIds).toBe(JSON.stringify(IDS));
  });
});
