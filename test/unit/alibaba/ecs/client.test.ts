/** src/ecs/client.ts against the emulator: the real ECS SDK over HTTP, no mocks. */
import { afterEach, describe, expect, it } from 'vitest';
import { CloudError } from '../../../../src/alibaba/cloud-error.js';
import { toCredential } from '../../../../src/alibaba/credential.js';
import { createEcsClient } from '../../../../src/alibaba/ecs/client.js';
import type { EcsApi } from '../../../../src/alibaba/ecs/types.js';
import { createOosClient } from '../../../../src/alibaba/oos/client.js';
import {
  ApiError,
  childExecutionId,
  DEFAULT_CREDENTIALS,
  sampleFleet,
  startEmulator,
  type Emulator,
  type InstanceSpec,
  TAG_RESOURCES_PAGE,
} from '../../../emulator/index.js';

const REGION = 'cn-hangzhou';
const BATCH = 100;

const running: Emulator[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((e) => e.close()));
});

async function setup(fleet: Record<string, InstanceSpec>): Promise<{ emulator: Emulator; client: EcsApi }> {
  const emulator = await startEmulator({ fleet });
  running.push(emulator);
  const client = createEcsClient({
    region: REGION,
    endpoint: { protocol: 'HTTP', host: emulator.endpoint },
    credential: toCredential(DEFAULT_CREDENTIALS),
  });
  return { emulator, client };
}

/** N instances `i-gen0000`, ..., tagged `tier` a/b/c in turn and `team=x` on every 4th. */
function generated(n: number): Record<string, InstanceSpec> {
  const out: Record<string, InstanceSpec> = {};
  for (let i = 0; i < n; i++) {
    out[`i-gen${String(i).padStart(4, '0')}`] = {
      installed: 1,
      missing: 0,
      os: i % 5 === 0 ? 'windows' : 'linux',
      name: `gen-${i}`,
      status: i % 7 === 0 ? 'Stopped' : 'Running',
      tags: { tier: 'abc'[i % 3] ?? 'a', ...(i % 4 === 0 ? { team: 'x' } : {}) },
    };
  }
  return out;
}

describe('createEcsClient.describeInstances', () => {
  it('maps the SDK model to InstanceInfo', async () => {
    const fleet = sampleFleet();
    const { client } = await setup({ ...fleet, 'i-off': { installed: 0, missing: 0, status: 'Stopped', os: 'windows', name: 'off' } });
    const [web, off] = await client.describeInstances(['i-bp1demo000001', 'i-off']);
    expect(web).toMatchObject({ instanceId: 'i-bp1demo000001', name: fleet['i-bp1demo000001']?.name, status: 'Running', osType: 'linux' });
    expect(web?.osName).not.toBe('');
    expect(off).toMatchObject({ instanceId: 'i-off', name: 'off', status: 'Stopped', osType: 'windows' });
  });

  it('splits more than 100 IDs into batches of 100 and leaves unknown IDs out', async () => {
    const fleet = generated(230);
    const { emulator, client } = await setup(fleet);
    const known = Object.keys(fleet);
    const ids = known.flatMap((id, i) => (i % 10 === 0 ? [id, `i-missing${i}`] : [id])); // 253 IDs
    const found = await client.describeInstances(ids);

    expect(found.map((i) => i.instanceId).sort()).toEqual([...known].sort());
    for (const info of found) {
      const spec = fleet[info.instanceId];
      expect(info.name).toBe(spec?.name);
      expect(info.status).toBe(spec?.status);
      expect(info.osType).toBe(spec?.os);
    }
    const calls = emulator.callsOf('DescribeInstances');
    expect(calls).toHaveLength(Math.ceil(ids.length / BATCH));
    const sent = calls.map((c) => JSON.parse(c.params['InstanceIds'] ?? '[]') as string[]);
    expect(sent.every((batch) => batch.length <= BATCH)).toBe(true);
    expect(sent.flat()).toEqual(ids);
    expect(calls.every((c) => c.statusCode === 200 && c.params['RegionId'] === REGION)).toBe(true);
  });

  it('makes no call for no IDs', async () => {
    const { emulator, client } = await setup(sampleFleet());
    expect(await client.describeInstances([])).toEqual([]);
    expect(emulator.callsOf('DescribeInstances')).toHaveLength(0);
  });

  it('turns an API error into a CloudError with code, status and request ID', async () => {
    const { emulator, client } = await setup(sampleFleet());
    emulator.addInterceptor(() => {
      throw new ApiError(403, 'Forbidden.RAM', 'User not authorized to operate on the specified resource.');
    });
    const err = await client.describeInstances(['i-bp1demo000001']).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CloudError);
    expect(err).toMatchObject({ operation: 'DescribeInstances', code: 'Forbidden.RAM', statusCode: 403 });
    expect((err as CloudError).requestId).toBe(emulator.callsOf('DescribeInstances')[0]?.requestId);
  });
});

describe('createEcsClient.listTaggedInstanceIds', () => {
  it('reads every ListTagResources page for one tag, ResourceType instance, with the wire names ECS documents', async () => {
    const fleet = generated(230);
    const { emulator, client } = await setup(fleet);
    const expected = Object.keys(fleet).filter((id) => fleet[id]?.tags?.['tier'] === 'b');
    const found = await client.listTaggedInstanceIds({ key: 'tier', value: 'b' });
    expect(found.sort()).toEqual(expected.sort());
    const calls = emulator.callsOf('ListTagResources');
    expect(calls).toHaveLength(Math.ceil(expected.length / TAG_RESOURCES_PAGE));
    expect(calls[0]?.params).toMatchObject({ RegionId: REGION, ResourceType: 'instance', 'Tag.1.Key': 'tier', 'Tag.1.Value': 'b' });
    expect(calls.slice(1).every((c) => (c.params['NextToken'] ?? '') !== '')).toBe(true);
  });

  it('a key alone matches any value; a tag no instance carries gives nothing', async () => {
    const fleet = generated(60);
    const { emulator, client } = await setup(fleet);
    expect(await client.listTaggedInstanceIds({ key: 'tier' })).toHaveLength(60);
    expect(emulator.callsOf('ListTagResources')[0]?.params).not.toHaveProperty('Tag.1.Value');
    expect(await client.listTaggedInstanceIds({ key: 'env', value: 'nowhere' })).toEqual([]);
  });

  it('keeps only the rows of the tag asked for, whatever else the answer holds', async () => {
    const { emulator, client } = await setup(sampleFleet());
    emulator.addInterceptor(({ action }) =>
      action === 'ListTagResources'
        ? {
            status: 200,
            body: {
              RequestId: 'req-1',
              NextToken: '',
              TagResources: {
                TagResource: [
                  { ResourceId: 'i-one', ResourceType: 'instance', TagKey: 'env', TagValue: 'prod' },
                  { ResourceId: 'i-one', ResourceType: 'instance', TagKey: 'role', TagValue: 'web' },
                  { ResourceId: 'i-two', ResourceType: 'instance', TagKey: 'env', TagValue: 'staging' },
                  { ResourceId: 'd-disk', ResourceType: 'disk', TagKey: 'env', TagValue: 'prod' },
                ],
              },
            },
          }
        : undefined,
    );
    expect(await client.listTaggedInstanceIds({ key: 'env', value: 'prod' })).toEqual(['i-one']);
  });
});

describe('createEcsClient.describeCloudAssistantStatus and describeSnapshotsSince', () => {
  it('reports the agent of each instance in batches of 100, "true"/"false" as a boolean', async () => {
    const specs = generated(130);
    specs['i-noagent'] = { installed: 0, missing: 0, agent: { installed: false } };
    const { emulator, client } = await setup(specs);
    const ids = [...Object.keys(specs), 'i-unknown'];
    const statuses = await client.describeCloudAssistantStatus(ids);
    expect(emulator.callsOf('DescribeCloudAssistantStatus')).toHaveLength(Math.ceil(ids.length / BATCH));
    expect(statuses.map((s) => s.instanceId).sort()).toEqual(Object.keys(specs).sort());
    const stopped = statuses.find((s) => s.instanceId === 'i-gen0000');
    expect(stopped).toMatchObject({ online: false, version: expect.any(String) as string });
    expect(statuses.find((s) => s.instanceId === 'i-gen0001')).toMatchObject({ online: true });
    expect(statuses.find((s) => s.instanceId === 'i-noagent')).toEqual({ instanceId: 'i-noagent', online: false });
  });

  it('lists the system-disk snapshots created since a minute, every page', async () => {
    let t = Date.parse('2026-11-22T03:00:30Z');
    const emulator = await startEmulator({ fleet: generated(120), now: () => t, timings: { startedMs: 0, runningMs: 0 } });
    running.push(emulator);
    const endpoint = { protocol: 'HTTP' as const, host: emulator.endpoint };
    const credential = toCredential(DEFAULT_CREDENTIALS);
    const client = createEcsClient({ region: REGION, endpoint, credential });
    const oos = createOosClient({ region: REGION, endpoint, credential });
    const install = (ids: string[], token: string) =>
      oos.startExecution({
        spec: {
          region: REGION,
          action: 'install',
          instanceIds: ids,
          install: { rebootIfNeed: false, createSnapshot: true, retentionDays: 5 },
        },
        clientToken: token,
      });
    const ids = Object.keys(generated(120));
    await install(ids.slice(0, 10), 'first');
    t += 10 * 60_000;
    const second = await install(ids, 'second');
    emulator.clearRequests();
    const found = await client.describeSnapshotsSince(new Date(t + 20_000)); // rounded down to the minute
    expect(found).toHaveLength(120);
    expect(emulator.callsOf('DescribeSnapshots')).toHaveLength(2);
    expect(emulator.callsOf('DescribeSnapshots')[0]?.params).toMatchObject({
      'Filter.1.Key': 'CreationStartTime',
      'Filter.1.Value': '2026-11-22T03:10Z',
    });
    expect(new Set(found.map((s) => s.name))).toEqual(new Set(ids.map((id) => `Snapshot-${childExecutionId(second.executionId, id)}`)));
    expect(found[0]).toMatchObject({ status: 'accomplished', retentionDays: 5 });
  });
});
