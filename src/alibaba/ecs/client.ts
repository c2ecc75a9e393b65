import type Credential from '@alicloud/credentials';
import { defaultEcsEndpoint, type Endpoint } from '../endpoints.js';
import { type Body, createRpcCaller } from '../rpc.js';
import type { AgentStatus, EcsApi, InstanceInfo, SnapshotInfo, TagFilter } from './types.js';

/**
 * The only module that knows ECS wire names. Built on openapi-core's generic callApi, exactly as the generated
 * ECS SDK calls it (RPC, POST, every parameter in the query, V3 signature), but without the SDK: its models of
 * every ECS operation are 6 MB of the bundle, and parsing them cost every run about 0.2 s before its first
 * request (pre-flight calls ECS first). The wire names below are the SDK's (`names()` of its models).
 */
export interface EcsClientOptions {
  region: string;
  /** Absent: the regional endpoint the ECS SDK would choose (defaultEcsEndpoint). */
  endpoint?: Endpoint;
  credential: Credential;
  readTimeoutMs?: number;
  connectTimeoutMs?: number;
}

const VERSION = '2014-05-26';
const BATCH = 100;

export function createEcsClient(options: EcsClientOptions): EcsApi {
  const region = options.region;
  const endpoint = options.endpoint ?? defaultEcsEndpoint(region);
  const call = createRpcCaller({ ...options, endpoint, version: VERSION });

  /** Every page of DescribeInstances for these filters. */
  async function describe(filters: Record<string, unknown>): Promise<InstanceInfo[]> {
    const found: InstanceInfo[] = [];
    let nextToken: string | undefined;
    do {
      const body = await call('DescribeInstances', { MaxResults: BATCH, ...filters, ...(nextToken ? { NextToken: nextToken } : {}) });
      for (const i of list(body, 'Instances', 'Instance')) {
        const instanceId = str(i.InstanceId);
        if (!instanceId) continue;
        found.push({
          instanceId,
          name: str(i.InstanceName),
          status: str(i.Status),
          osType: str(i.OSType),
          osName: str(i.OSName),
        });
      }
      nextToken = str(body.NextToken) || undefined;
    } while (nextToken);
    return found;
  }

  return {
    async describeInstances(instanceIds) {
      const all: InstanceInfo[] = [];
      for (let i = 0; i < instanceIds.length; i += BATCH) {
        all.push(...(await describe({ InstanceIds: JSON.stringify(instanceIds.slice(i, i + BATCH)) })));
      }
      return all;
    },

    async describeInstancesByTags(tags: readonly TagFilter[]) {
      return describe({ Tag: tags.map((t) => ({ Key: t.key, ...(t.value !== undefined ? { Value: t.value } : {}) })) });
    },

    async describeCloudAssistantStatus(instanceIds) {
      const all: AgentStatus[] = [];
      // With InstanceId.N given, ECS returns every requested instance in one response (no paging).
      for (let i = 0; i < instanceIds.length; i += BATCH) {
        const body = await call('DescribeCloudAssistantStatus', { InstanceId: instanceIds.slice(i, i + BATCH) });
        for (const s of list(body, 'InstanceCloudAssistantStatusSet', 'InstanceCloudAssistantStatus')) {
          const instanceId = str(s.InstanceId);
          if (!instanceId) continue;
          // "true"/"false" strings on the wire; a JSON boolean is read the same way.
          const status: AgentStatus = { instanceId, online: String(s.CloudAssistantStatus) === 'true' };
          if (str(s.CloudAssistantVersion)) status.version = str(s.CloudAssistantVersion);
          if (str(s.LastHeartbeatTime)) status.lastHeartbeatTime = str(s.LastHeartbeatTime);
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
        const body = await call('DescribeSnapshots', {
          SourceDiskType: 'System',
          Filter: [{ Key: 'CreationStartTime', Value: minute }],
          MaxResults: BATCH,
          ...(nextToken ? { NextToken: nextToken } : {}),
        });
        for (const s of list(body, 'Snapshots', 'Snapshot')) {
          const snapshotId = str(s.SnapshotId);
          if (!snapshotId) continue;
          const info: SnapshotInfo = { snapshotId, name: str(s.SnapshotName), status: str(s.Status), creationTime: str(s.CreationTime) };
          const retention = typeof s.RetentionDays === 'number' ? s.RetentionDays : Number.parseInt(str(s.RetentionDays), 10);
          if (Number.isFinite(retention)) info.retentionDays = retention;
          found.push(info);
        }
        nextToken = str(body.NextToken) || undefined;
      } while (nextToken);
      return found;
    },
  };
}

/** ECS wraps lists: `{"Instances": {"Instance": [...]}}`. Missing or malformed means none. */
function list(body: Body, outer: string, inner: string): Body[] {
  const wrapper = body[outer];
  const items = typeof wrapper === 'object' && wrapper !== null ? (wrapper as Body)[inner] : undefined;
  return Array.isArray(items) ? items.filter((x): x is Body => typeof x === 'object' && x !== null) : [];
}

function str(value: unknown): string {
  return typeof value === 'string' ? value : typeof value === 'number' ? String(value) : '';
}
