/**
 * The ECS part of the emulator, driven by the real `@alicloud/ecs20140526` SDK over HTTP; and the ECS endpoint the
 * action picks (src/alibaba/endpoints.ts) against the one that SDK picks. Every test that loads the ECS SDK is in this
 * file, so a vitest worker loads it (1,000+ modules, about 1.4 s of CPU) at most once per run.
 */
import { afterEach, describe, expect, it } from 'vitest';
import Ecs, * as $Ecs from '@alicloud/ecs20140526';
import { $OpenApiUtil, OpenApiUtil } from '@alicloud/openapi-core';
import Credential, { Config as CredConfig } from '@alicloud/credentials';
import * as $dara from '@darabonba/typescript';
import { defaultEcsEndpoint } from '../../src/alibaba/endpoints.js';
import { createOosClient } from '../../src/alibaba/oos/client.js';
import type { ExecutionSpec } from '../../src/alibaba/oos/types.js';
import {
  AGENT_ONLINE_WINDOW_MS,
  DAY_MS,
  DEFAULT_AGENT_VERSION,
  DEFAULT_CREDENTIALS,
  DEFAULT_HEARTBEAT_AGO_MS,
  ERR_INVALID_PARAMETER,
  ERR_PARAMETER_MISSING,
  MAX_CLOUD_ASSISTANT_IDS,
  MAX_DESCRIBE_IDS,
  childExecutionId,
  sampleFleet,
  startEmulator,
  systemDiskId,
  type Emulator,
  type EmulatorOptions,
  type InstanceSpec,
} from './index.js';

const REGION = 'cn-hangzhou';
const T0 = Date.parse('2026-11-22T03:04:05Z');
const iso = (ms: number): string => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
const runtime = (): $dara.RuntimeOptions => new $dara.RuntimeOptions({});

const running: Emulator[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((e) => e.close()));
});

async function setup(options: EmulatorOptions = {}): Promise<Emulator> {
  const emulator = await startEmulator(options);
  running.push(emulator);
  return emulator;
}

function clock(): { now: () => number; advance: (ms: number) => void } {
  let t = T0;
  return { now: () => t, advance: (ms) => void (t += ms) };
}

function credential(): Credential {
  return new Credential(new CredConfig({ type: 'access_key', ...DEFAULT_CREDENTIALS }));
}

function ecs(emulator: Emulator): Ecs {
  return new Ecs(
    new $OpenApiUtil.Config({
      credential: credential(),
      endpoint: emulator.endpoint,
      protocol: 'HTTP',
      regionId: REGION,
      readTimeout: 5000,
      connectTimeout: 5000,
    }),
  );
}

/** N generated instances `i-gen0000`, ... (sorted = creation order). */
function generated(n: number, spec: (i: number) => Partial<InstanceSpec> = () => ({})): Record<string, InstanceSpec> {
  const out: Record<string, InstanceSpec> = {};
  for (let i = 0; i < n; i++) out[`i-gen${String(i).padStart(4, '0')}`] = { installed: 1, missing: 0, ...spec(i) };
  return out;
}

interface SdkError {
  code: string;
  statusCode: number;
}

async function failure(p: Promise<unknown>): Promise<SdkError> {
  try {
    await p;
  } catch (err) {
    return err as SdkError;
  }
  throw new Error('the call unexpectedly succeeded');
}

function describeInstances(c: Ecs, request: Record<string, unknown>): Promise<$Ecs.DescribeInstancesResponse> {
  return c.describeInstancesWithOptions(new $Ecs.DescribeInstancesRequest({ regionId: REGION, ...request }), runtime());
}

function cloudAssistant(c: Ecs, request: Record<string, unknown>): Promise<$Ecs.DescribeCloudAssistantStatusResponse> {
  return c.describeCloudAssistantStatusWithOptions(
    new $Ecs.DescribeCloudAssistantStatusRequest({ regionId: REGION, ...request }),
    runtime(),
  );
}

function describeSnapshots(c: Ecs, request: Record<string, unknown>): Promise<$Ecs.DescribeSnapshotsResponse> {
  return c.describeSnapshotsWithOptions(new $Ecs.DescribeSnapshotsRequest({ regionId: REGION, ...request }), runtime());
}

/** The raw JSON body, bypassing the SDK's model mapping (which would turn a boolean into "true"). */
async function rawBody(c: Ecs, action: string, query: Record<string, unknown>): Promise<Record<string, unknown>> {
  const params = new $OpenApiUtil.Params({
    action,
    version: '2014-05-26',
    protocol: 'HTTP',
    pathname: '/',
    method: 'POST',
    authType: 'AK',
    style: 'RPC',
    reqBodyType: 'formData',
    bodyType: 'json',
  });
  const res = await c.callApi(
    params,
    new $OpenApiUtil.OpenApiRequest({ query: OpenApiUtil.query({ RegionId: REGION, ...query }) }),
    runtime(),
  );
  return res['body'] as Record<string, unknown>;
}

/** Follow NextToken to the end; returns every item and how many calls it took. */
async function drain<T>(fetch: (nextToken: string | undefined) => Promise<{ items: T[]; nextToken: string | undefined }>) {
  const items: T[] = [];
  let calls = 0;
  let token: string | undefined;
  do {
    const page = await fetch(token);
    calls++;
    items.push(...page.items);
    token = page.nextToken || undefined;
  } while (token !== undefined && calls < 1000);
  return { items, calls };
}

describe('ECS DescribeInstances', () => {
  it('returns the known instances with the wire fields the SDK maps, and leaves unknown IDs out', async () => {
    const fleet = sampleFleet();
    const emulator = await setup({
      fleet: { ...fleet, 'i-stopped': { installed: 1, missing: 0, status: 'Stopped', osName: 'Ubuntu 22.04 64位' } },
    });
    const ids = ['i-bp1demo000003', 'i-unknown', 'i-bp1demo000001', 'i-stopped'];
    const { body, statusCode } = await describeInstances(ecs(emulator), { instanceIds: JSON.stringify(ids) });
    expect(statusCode).toBe(200);
    const got = body?.instances?.instance ?? [];
    expect(got.map((i) => i.instanceId).sort()).toEqual(ids.filter((id) => id !== 'i-unknown').sort());
    const ad = got.find((i) => i.instanceId === 'i-bp1demo000003');
    const adSpec = fleet['i-bp1demo000003'];
    expect(ad?.instanceName).toBe(adSpec?.name);
    expect(ad?.status).toBe('Running');
    expect(ad?.OSType).toBe(adSpec?.os);
    expect(ad?.OSName).toMatch(/Windows/);
    expect(ad?.regionId).toBe(REGION);
    expect(Object.fromEntries((ad?.tags?.tag ?? []).map((t) => [t.tagKey, t.tagValue]))).toEqual(adSpec?.tags);
    const stopped = got.find((i) => i.instanceId === 'i-stopped');
    expect(stopped?.status).toBe('Stopped');
    expect(stopped?.OSName).toBe('Ubuntu 22.04 64位');
    expect(stopped?.OSType).toBe('linux');
    expect(body?.totalCount).toBe(3);
    expect(body?.requestId).toBe(emulator.callsOf('DescribeInstances')[0]?.requestId);

    const [call] = emulator.callsOf('DescribeInstances');
    expect(call?.version).toBe('2014-05-26');
    expect(call?.params['InstanceIds']).toBe(JSON.stringify(ids));
    expect(call?.params['RegionId']).toBe(REGION);
  });

  it(`accepts ${MAX_DESCRIBE_IDS} instance IDs and rejects ${MAX_DESCRIBE_IDS + 1} with InvalidParameter`, async () => {
    const fleet = generated(MAX_DESCRIBE_IDS + 1);
    const emulator = await setup({ fleet });
    const ids = Object.keys(fleet);
    const ok = await describeInstances(ecs(emulator), { instanceIds: JSON.stringify(ids.slice(0, MAX_DESCRIBE_IDS)), maxResults: 100 });
    expect(ok.body?.instances?.instance).toHaveLength(MAX_DESCRIBE_IDS);
    const err = await failure(describeInstances(ecs(emulator), { instanceIds: JSON.stringify(ids) }));
    expect(err.code).toBe(ERR_INVALID_PARAMETER);
    expect(err.statusCode).toBe(400);
    const malformed = await failure(describeInstances(ecs(emulator), { instanceIds: 'i-a,i-b' }));
    expect(malformed.code).toBe(ERR_INVALID_PARAMETER);
  });

  it('requires RegionId', async () => {
    const emulator = await setup({ fleet: sampleFleet() });
    const err = await failure(ecs(emulator).describeInstancesWithOptions(new $Ecs.DescribeInstancesRequest({}), runtime()));
    expect(err.code).toBe(ERR_PARAMETER_MISSING);
  });

  it('filters by Tag.N: every tag must match, a key without a value matches any value', async () => {
    const fleet: Record<string, InstanceSpec> = { ...sampleFleet(), 'i-untagged': { installed: 0, missing: 0 } };
    const emulator = await setup({ fleet });
    const c = ecs(emulator);
    const tagged = (pred: (tags: Record<string, string>) => boolean): string[] =>
      Object.entries(fleet)
        .filter(([, s]) => pred(s.tags ?? {}))
        .map(([id]) => id)
        .sort();
    const ids = async (tag: Array<{ key: string; value?: string }>): Promise<string[]> => {
      const { body } = await describeInstances(c, { tag: tag.map((t) => new $Ecs.DescribeInstancesRequestTag(t)) });
      return (body?.instances?.instance ?? []).map((i) => i.instanceId ?? '').sort();
    };

    const both = await ids([
      { key: 'env', value: 'staging' },
      { key: 'role', value: 'db' },
    ]);
    expect(both).toEqual(tagged((t) => t['env'] === 'staging' && t['role'] === 'db'));
    expect(both.length).toBeGreaterThan(0);
    const anyEnv = await ids([{ key: 'env' }]);
    expect(anyEnv).toEqual(tagged((t) => 'env' in t));
    expect(anyEnv).not.toContain('i-untagged');
    expect(await ids([{ key: 'env', value: 'nowhere' }])).toEqual([]);

    const call = emulator.callsOf('DescribeInstances')[0];
    expect(call?.params['Tag.1.Key']).toBe('env');
    expect(call?.params['Tag.1.Value']).toBe('staging');
    expect(call?.params['Tag.2.Key']).toBe('role');
    expect(emulator.callsOf('DescribeInstances')[1]?.params).not.toHaveProperty('Tag.1.Value');
  });

  it('pages with MaxResults/NextToken, clamping MaxResults to 10..100 as ECS documents', async () => {
    const fleet = generated(250, (i) => ({ tags: { shard: i % 2 === 0 ? 'even' : 'odd' } }));
    const emulator = await setup({ fleet });
    const c = ecs(emulator);
    const all = Object.keys(fleet).sort();

    const pageSizes: number[] = [];
    const walk = (maxResults: number, extra: Record<string, unknown> = {}) =>
      drain(async (nextToken) => {
        const { body } = await describeInstances(c, { maxResults, ...extra, ...(nextToken ? { nextToken } : {}) });
        const items = (body?.instances?.instance ?? []).map((i) => i.instanceId ?? '');
        pageSizes.push(items.length);
        expect(body?.totalCount).toBeGreaterThanOrEqual(items.length);
        return { items, nextToken: body?.nextToken };
      });

    const by100 = await walk(100);
    expect(by100.items).toEqual(all);
    expect(by100.calls).toBe(Math.ceil(all.length / 100));
    expect(pageSizes.slice(0, by100.calls - 1).every((n) => n === 100)).toBe(true);

    pageSizes.length = 0;
    const clampedUp = await walk(500);
    expect(clampedUp.items).toEqual(all);
    expect(Math.max(...pageSizes)).toBe(100);

    pageSizes.length = 0;
    const clampedDown = await walk(3);
    expect(clampedDown.items).toEqual(all);
    expect(Math.max(...pageSizes)).toBe(10);

    const even = await walk(100, { tag: [new $Ecs.DescribeInstancesRequestTag({ key: 'shard', value: 'even' })] });
    expect(even.items).toEqual(all.filter((id) => fleet[id]?.tags?.['shard'] === 'even'));

    // A token only works for the query it came from, and garbage is rejected.
    const first = await describeInstances(c, { maxResults: 100 });
    const token = first.body?.nextToken ?? '';
    expect(token).not.toBe('');
    const replay = await failure(
      describeInstances(c, { maxResults: 100, nextToken: token, tag: [new $Ecs.DescribeInstancesRequestTag({ key: 'shard' })] }),
    );
    expect(replay.code).toBe(ERR_INVALID_PARAMETER);
    expect((await failure(describeInstances(c, { nextToken: 'garbage' }))).code).toBe(ERR_INVALID_PARAMETER);
  });

  it('tolerates the deprecated PageNumber/PageSize paging', async () => {
    const fleet = generated(25);
    const emulator = await setup({ fleet });
    const c = ecs(emulator);
    const all = Object.keys(fleet).sort();
    const seen: string[] = [];
    for (let page = 1; page <= 3; page++) {
      const { body } = await describeInstances(c, { pageNumber: page, pageSize: 10 });
      expect(body?.pageNumber).toBe(page);
      expect(body?.pageSize).toBe(10);
      expect(body?.totalCount).toBe(all.length);
      seen.push(...(body?.instances?.instance ?? []).map((i) => i.instanceId ?? ''));
    }
    expect(seen).toEqual(all);
  });
});

describe('ECS DescribeCloudAssistantStatus', () => {
  it('reports CloudAssistantStatus as the string "true"/"false" with version and heartbeat', async () => {
    const c0 = clock();
    const staleAgo = AGENT_ONLINE_WINDOW_MS + 60_000;
    const fleet: Record<string, InstanceSpec> = {
      'i-online': { installed: 1, missing: 0 },
      'i-custom': { installed: 1, missing: 0, os: 'windows', agent: { installed: true, version: '2.1.0.1', lastHeartbeatAgoMs: 1000 } },
      'i-none': { installed: 1, missing: 0, agent: { installed: false } },
      'i-stale': { installed: 1, missing: 0, agent: { installed: true, lastHeartbeatAgoMs: staleAgo } },
      'i-stopped': { installed: 1, missing: 0, status: 'Stopped' },
    };
    const emulator = await setup({ fleet, now: c0.now });
    const ids = [...Object.keys(fleet), 'i-unknown'];
    const { body } = await cloudAssistant(ecs(emulator), { instanceId: ids });
    const items = body?.instanceCloudAssistantStatusSet?.instanceCloudAssistantStatus ?? [];
    const byId = new Map(items.map((i) => [i.instanceId, i]));
    expect([...byId.keys()].sort()).toEqual(Object.keys(fleet).sort());
    for (const i of items) expect(typeof i.cloudAssistantStatus).toBe('string');
    expect(byId.get('i-online')?.cloudAssistantStatus).toBe('true');
    expect(byId.get('i-online')?.cloudAssistantVersion).toBe(DEFAULT_AGENT_VERSION);
    expect(byId.get('i-online')?.lastHeartbeatTime).toBe(iso(T0 - DEFAULT_HEARTBEAT_AGO_MS));
    expect(byId.get('i-online')?.OSType).toBe('Linux');
    expect(byId.get('i-custom')?.cloudAssistantStatus).toBe('true');
    expect(byId.get('i-custom')?.cloudAssistantVersion).toBe('2.1.0.1');
    expect(byId.get('i-custom')?.lastHeartbeatTime).toBe(iso(T0 - 1000));
    expect(byId.get('i-custom')?.OSType).toBe('Windows');
    expect(byId.get('i-none')?.cloudAssistantStatus).toBe('false');
    expect(byId.get('i-none')?.cloudAssistantVersion).toBeUndefined();
    expect(byId.get('i-stale')?.cloudAssistantStatus).toBe('false');
    expect(byId.get('i-stale')?.lastHeartbeatTime).toBe(iso(T0 - staleAgo));
    expect(byId.get('i-stopped')?.cloudAssistantStatus).toBe('false');

    const call = emulator.callsOf('DescribeCloudAssistantStatus')[0];
    expect(call?.params['InstanceId.1']).toBe(ids[0]);
    expect(call?.params[`InstanceId.${ids.length}`]).toBe('i-unknown');

    // On the wire, too, the status is a string (the SDK would turn a JSON boolean into one).
    const raw = await rawBody(ecs(emulator), 'DescribeCloudAssistantStatus', { InstanceId: ['i-online', 'i-none'] });
    const set = raw['InstanceCloudAssistantStatusSet'] as { InstanceCloudAssistantStatus: Array<Record<string, unknown>> };
    expect(set.InstanceCloudAssistantStatus.map((i) => [i['InstanceId'], i['CloudAssistantStatus']])).toEqual([
      ['i-online', 'true'],
      ['i-none', 'false'],
    ]);
  });

  it(`accepts ${MAX_CLOUD_ASSISTANT_IDS} instance IDs in one call and rejects ${MAX_CLOUD_ASSISTANT_IDS + 1}`, async () => {
    const fleet = generated(MAX_CLOUD_ASSISTANT_IDS + 1);
    const emulator = await setup({ fleet });
    const ids = Object.keys(fleet);
    const { body } = await cloudAssistant(ecs(emulator), { instanceId: ids.slice(0, MAX_CLOUD_ASSISTANT_IDS), maxResults: 10 });
    // MaxResults does not apply when InstanceId is given: every requested instance comes back at once.
    expect(body?.instanceCloudAssistantStatusSet?.instanceCloudAssistantStatus).toHaveLength(MAX_CLOUD_ASSISTANT_IDS);
    expect(body?.nextToken || undefined).toBeUndefined();
    const err = await failure(cloudAssistant(ecs(emulator), { instanceId: ids }));
    expect(err.code).toBe(ERR_INVALID_PARAMETER);
    expect(err.statusCode).toBe(400);
  });

  it('lists every instance page by page without InstanceId, filtered by OSType', async () => {
    const fleet = generated(23, (i) => ({ os: i % 3 === 0 ? 'windows' : 'linux' }));
    const emulator = await setup({ fleet });
    const c = ecs(emulator);
    const walk = (request: Record<string, unknown>) =>
      drain(async (nextToken) => {
        const { body } = await cloudAssistant(c, { ...request, ...(nextToken ? { nextToken } : {}) });
        return {
          items: (body?.instanceCloudAssistantStatusSet?.instanceCloudAssistantStatus ?? []).map((i) => i.instanceId ?? ''),
          nextToken: body?.nextToken,
        };
      });
    const all = await walk({ maxResults: 5 });
    expect(all.items).toEqual(Object.keys(fleet).sort());
    expect(all.calls).toBe(Math.ceil(Object.keys(fleet).length / 5));
    const windows = await walk({ maxResults: 50, OSType: 'windows' });
    expect(windows.items).toEqual(Object.keys(fleet).filter((id) => fleet[id]?.os === 'windows'));
    expect((await failure(cloudAssistant(c, { maxResults: 51 }))).code).toBe(ERR_INVALID_PARAMETER);
    expect((await failure(cloudAssistant(c, { OSType: 'Solaris' }))).code).toBe(ERR_INVALID_PARAMETER);
  });
});

describe('ECS DescribeSnapshots', () => {
  async function install(emulator: Emulator, spec: Omit<ExecutionSpec, 'region'>, token: string): Promise<string> {
    const oos = createOosClient({ region: REGION, endpoint: { protocol: 'HTTP', host: emulator.endpoint }, credential: credential() });
    return (await oos.startExecution({ spec: { region: REGION, ...spec }, clientToken: token })).executionId;
  }

  it('has one snapshot per instance after an install with snapshots, named after the child execution', async () => {
    const c0 = clock();
    const fleet = sampleFleet();
    const emulator = await setup({ fleet, now: c0.now, timings: { startedMs: 1000, runningMs: 5000 } });
    const c = ecs(emulator);
    const ids = ['i-bp1demo000004', 'i-bp1demo000005', 'i-bp1demo000006'];
    const retentionDays = 3;
    const executionId = await install(
      emulator,
      { action: 'install', instanceIds: ids, install: { rebootIfNeed: false, createSnapshot: true, retentionDays } },
      'snap-1',
    );
    // Nothing before the execution ends.
    expect((await describeSnapshots(c, {})).body?.snapshots?.snapshot ?? []).toEqual([]);
    c0.advance(6000);

    const { body } = await describeSnapshots(c, { maxResults: 100 });
    const snaps = body?.snapshots?.snapshot ?? [];
    expect(snaps).toHaveLength(ids.length);
    expect(snaps.map((s) => s.snapshotName).sort()).toEqual(ids.map((id) => `Snapshot-${childExecutionId(executionId, id)}`).sort());
    for (const s of snaps) {
      expect(s.retentionDays).toBe(retentionDays);
      expect(s.status).toBe('accomplished');
      expect(s.sourceDiskType).toBe('system');
      expect(s.snapshotId).toMatch(/^s-[0-9a-f]+$/);
      expect(s.creationTime).toBe(iso(T0 + 1000));
    }

    // Filters: InstanceId, SnapshotName, SnapshotIds.
    const target = ids[1] ?? '';
    const byInstance = (await describeSnapshots(c, { instanceId: target })).body?.snapshots?.snapshot ?? [];
    expect(byInstance.map((s) => s.snapshotName)).toEqual([`Snapshot-${childExecutionId(executionId, target)}`]);
    expect(byInstance[0]?.sourceDiskId).toBe(systemDiskId(target));
    const byName = (await describeSnapshots(c, { snapshotName: byInstance[0]?.snapshotName })).body?.snapshots?.snapshot ?? [];
    expect(byName.map((s) => s.snapshotId)).toEqual(byInstance.map((s) => s.snapshotId));
    const picked = snaps.slice(0, 2).map((s) => s.snapshotId ?? '');
    const byIds = (await describeSnapshots(c, { snapshotIds: JSON.stringify(picked) })).body?.snapshots?.snapshot ?? [];
    expect(byIds.map((s) => s.snapshotId).sort()).toEqual([...picked].sort());
    expect((await describeSnapshots(c, { instanceId: 'i-bp1demo000001' })).body?.snapshots?.snapshot ?? []).toEqual([]);

    const records = emulator.snapshots();
    expect(records.map((r) => r.instanceId).sort()).toEqual([...ids].sort());
    expect(records.every((r) => r.executionId === executionId)).toBe(true);

    // Gone once the retention days have passed.
    c0.advance(retentionDays * DAY_MS);
    expect((await describeSnapshots(c, {})).body?.snapshots?.snapshot ?? []).toEqual([]);
  });

  it('creates none for a scan, an install without snapshots, or a cancelled install', async () => {
    const emulator = await setup({ fleet: sampleFleet(), timings: { startedMs: 0, runningMs: 0 } });
    const ids = ['i-bp1demo000004'];
    await install(emulator, { action: 'scan', instanceIds: ids }, 'scan-1');
    await install(
      emulator,
      { action: 'install', instanceIds: ids, install: { rebootIfNeed: false, createSnapshot: false, retentionDays: 7 } },
      'inst-1',
    );
    expect((await describeSnapshots(ecs(emulator), {})).body?.snapshots?.snapshot ?? []).toEqual([]);
    expect(emulator.executions().map((e) => e.status)).toEqual(['Success', 'Success']);
    // Control: the same install with snapshots does create one, so the check above can fail.
    await install(
      emulator,
      { action: 'install', instanceIds: ids, install: { rebootIfNeed: false, createSnapshot: true, retentionDays: 7 } },
      'inst-2',
    );
    expect((await describeSnapshots(ecs(emulator), {})).body?.snapshots?.snapshot).toHaveLength(1);
  });

  it('pages, and enforces MaxResults <= 100 and at most 100 SnapshotIds', async () => {
    const fleet = generated(25);
    const emulator = await setup({ fleet, timings: { startedMs: 0, runningMs: 0 } });
    const c = ecs(emulator);
    const executionId = await install(
      emulator,
      { action: 'install', instanceIds: Object.keys(fleet), install: { rebootIfNeed: false, createSnapshot: true, retentionDays: 7 } },
      'many',
    );
    const walk = await drain(async (nextToken) => {
      const { body } = await describeSnapshots(c, { maxResults: 10, ...(nextToken ? { nextToken } : {}) });
      return { items: (body?.snapshots?.snapshot ?? []).map((s) => s.snapshotName ?? ''), nextToken: body?.nextToken };
    });
    expect(walk.calls).toBe(3);
    expect(walk.items.sort()).toEqual(
      Object.keys(fleet)
        .map((id) => `Snapshot-${childExecutionId(executionId, id)}`)
        .sort(),
    );
    expect((await failure(describeSnapshots(c, { maxResults: 101 }))).code).toBe(ERR_INVALID_PARAMETER);
    const tooMany = JSON.stringify(Array.from({ length: MAX_DESCRIBE_IDS + 1 }, (_, i) => `s-${i}`));
    expect((await failure(describeSnapshots(c, { snapshotIds: tooMany }))).code).toBe(ERR_INVALID_PARAMETER);
  });
});

describe('childExecutionId', () => {
  it('is deterministic per (parent, instance) and distinct across both', () => {
    const a = childExecutionId('exec-parent1', 'i-1');
    expect(childExecutionId('exec-parent1', 'i-1')).toBe(a);
    expect(a).toMatch(/^exec-[0-9a-f]{20}$/);
    expect(childExecutionId('exec-parent1', 'i-2')).not.toBe(a);
    expect(childExecutionId('exec-parent2', 'i-1')).not.toBe(a);
  });
});

describe('defaultEcsEndpoint (src/alibaba/endpoints.ts)', () => {
  it('picks the ECS endpoint the ECS SDK would pick, for every region it maps and for the regional rule', () => {
    const sdk = (regionId: string): Ecs => new Ecs(new $OpenApiUtil.Config({ regionId, accessKeyId: 'x', accessKeySecret: 'y' }));
    const mapped = Object.keys(sdk('cn-hangzhou')._endpointMap);
    expect(mapped.length).toBeGreaterThan(10);
    for (const region of [...mapped, 'cn-shanghai', 'cn-beijing', 'ap-southeast-1', 'eu-central-1', 'us-west-1']) {
      expect(defaultEcsEndpoint(region), region).toEqual({ protocol: 'HTTPS', host: sdk(region)._endpoint });
    }
  });
});
