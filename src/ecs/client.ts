import type Credential from '@alicloud/credentials';
import Ecs, * as $Ecs from '@alicloud/ecs20140526';
import { $OpenApiUtil } from '@alicloud/openapi-core';
import * as $dara from '@darabonba/typescript';
import { toCloudError } from '../cloud-error.js';
import type { Endpoint } from '../endpoint.js';
import { CONNECT_TIMEOUT_MS, READ_TIMEOUT_MS } from '../timeouts.js';
import type { AgentStatus, EcsApi, InstanceInfo, SnapshotInfo, TagFilter } from './types.js';

/** The only module that knows ECS wire names; built on the official ECS SDK. */
export interface EcsClientOptions {
  region: string;
  /** Absent: the SDK derives the regional endpoint itself. */
  endpoint?: Endpoint;
  credential: Credential;
  readTimeoutMs?: number;
  connectTimeoutMs?: number;
}

const BATCH = 100;

export function createEcsClient(options: EcsClientOptions): EcsApi {
  const config: Record<string, unknown> = {
    credential: options.credential,
    regionId: options.region,
    readTimeout: options.readTimeoutMs ?? READ_TIMEOUT_MS,
    connectTimeout: options.connectTimeoutMs ?? CONNECT_TIMEOUT_MS,
  };
  if (options.endpoint) {
    config.endpoint = options.endpoint.host;
    config.protocol = options.endpoint.protocol;
  }
  const client = new Ecs(new $OpenApiUtil.Config(config));
  const region = options.region;

  async function describe(request: Record<string, unknown>): Promise<InstanceInfo[]> {
    const found: InstanceInfo[] = [];
    let nextToken: string | undefined;
    do {
      const req = new $Ecs.DescribeInstancesRequest({
        regionId: region,
        maxResults: BATCH,
        ...request,
        ...(nextToken ? { nextToken } : {}),
      });
      let body: $Ecs.DescribeInstancesResponseBody | undefined;
      try {
        body = (await client.describeInstancesWithOptions(req, new $dara.RuntimeOptions({}))).body;
      } catch (err) {
        throw toCloudError('DescribeInstances', err);
      }
      for (const i of body?.instances?.instance ?? []) {
        if (!i.instanceId) continue;
        found.push({
          instanceId: i.instanceId,
          name: i.instanceName ?? '',
          status: i.status ?? '',
          osType: i.OSType ?? '',
          osName: i.OSName ?? '',
        });
      }
      nextToken = body?.nextToken || undefined;
    } while (nextToken);
    return found;
  }

  return {
    async describeInstances(instanceIds) {
      const all: InstanceInfo[] = [];
      for (let i = 0; i < instanceIds.length; i += BATCH) {
        all.push(...(await describe({ instanceIds: JSON.stringify(instanceIds.slice(i, i + BATCH)) })));
      }
      return all;
    },
    async describeInstancesByTags(tags: readonly TagFilter[]) {
      return describe({
        tag: tags.map((t) => new $Ecs.DescribeInstancesRequestTag({ key: t.key, ...(t.value !== undefined ? { value: t.value } : {}) })),
      });
    },

    async describeCloudAssistantStatus(instanceIds) {
      const all: AgentStatus[] = [];
      // With InstanceId.N given, ECS returns every requested instance in one response (no paging).
      for (let i = 0; i < instanceIds.length; i += BATCH) {
        const req = new $Ecs.DescribeCloudAssistantStatusRequest({ regionId: region, instanceId: instanceIds.slice(i, i + BATCH) });
        let body: $Ecs.DescribeCloudAssistantStatusResponseBody | undefined;
        try {
          body = (await client.describeCloudAssistantStatusWithOptions(req, new $dara.RuntimeOptions({}))).body;
        } catch (err) {
          throw toCloudError('DescribeCloudAssistantStatus', err);
        }
        for (const s of body?.instanceCloudAssistantStatusSet?.instanceCloudAssistantStatus ?? []) {
          if (!s.instanceId) continue;
          const status: AgentStatus = { instanceId: s.instanceId, online: String(s.cloudAssistantStatus) === 'true' };
          if (s.cloudAssistantVersion) status.version = s.cloudAssistantVersion;
          if (s.lastHeartbeatTime) status.lastHeartbeatTime = s.lastHeartbeatTime;
          all.push(status);
        }
      }
      return all;
    },

    async describeSnapshotsSince(since: Date) {
      const found: SnapshotInfo[] = [];
      // ECS takes the filter in minutes (yyyy-MM-ddTHH:mmZ): round down so nothing created in that minute is missed.
      const minute = since.toISOString().slice(0, 16) + 'Z';
      let nextToken: string | undefined;
      do {
        const req = new $Ecs.DescribeSnapshotsRequest({
          regionId: region,
          sourceDiskType: 'System',
          filter: [new $Ecs.DescribeSnapshotsRequestFilter({ key: 'CreationStartTime', value: minute })],
          maxResults: BATCH,
          ...(nextToken ? { nextToken } : {}),
        });
        let body: $Ecs.DescribeSnapshotsResponseBody | undefined;
        try {
          body = (await client.describeSnapshotsWithOptions(req, new $dara.RuntimeOptions({}))).body;
        } catch (err) {
          throw toCloudError('DescribeSnapshots', err);
        }
        for (const s of body?.snapshots?.snapshot ?? []) {
          if (!s.snapshotId) continue;
          const info: SnapshotInfo = {
            snapshotId: s.snapshotId,
            name: s.snapshotName ?? '',
            status: s.status ?? '',
            creationTime: s.creationTime ?? '',
          };
          if (typeof s.retentionDays === 'number') info.retentionDays = s.retentionDays;
          found.push(info);
        }
        nextToken = body?.nextToken || undefined;
      } while (nextToken);
      return found;
    },
  };
}
