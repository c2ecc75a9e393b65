import { CloudError, endless } from '../cloud-error.js';
import { defaultEcsEndpoint, type Endpoint } from '../endpoints.js';
import { isInstanceId } from '../ids.js';
import { pagesFor, readPages, withNextToken } from '../../lib/paging.js';
import { MAX_TARGET_INSTANCES } from '../../inputs/names.js';
import { type Body, createRpcCaller, type RpcOptions } from '../rpc.js';
import { presentFields, scalarText } from '../wire.js';
import type { AgentStatus, EcsApi, InstanceInfo, SnapshotInfo, TagFilter } from './types.js';

/**
 * The only module that knows ECS wire names. Built on openapi-core's generic callApi, exactly as the generated
 * ECS SDK calls it (RPC, POST, every parameter in the query, V3 signature), but without the SDK: its models of
 * every ECS operation are 6 MB of the bundle, and parsing them cost every run about 0.2 s before its first
 * request (pre-flight calls ECS first). The wire names below are the SDK's (`names()` of its models).
 */
export interface EcsClientOptions extends Omit<RpcOptions, 'version' | 'endpoint'> {
  /** Absent: the regional endpoint the ECS SDK would choose (defaultEcsEndpoint). */
  endpoint?: Endpoint;
}

const VERSION = '2014-05-26';
const BATCH = 100;
/**
 * DescribeSnapshots since an execution started: its children's snapshots (at most 1,000) and whatever else the
 * account created in the region meanwhile. Past this many pages the listing is cut (and the summary says so).
 */
const MAX_SNAPSHOT_PAGES = 50;

export function createEcsClient(options: EcsClientOptions): EcsApi {
  const region = options.region;
  const endpoint = options.endpoint ?? defaultEcsEndpoint(region);
  const call = createRpcCaller({ ...options, endpoint, version: VERSION });

  /**
   * Every page of DescribeInstances for these filters, for at most `expected` instances. A listing that does not
   * end in the pages those take is cut: an error, unless it already found more than expected (the caller says so).
   */
  async function describe(filters: Record<string, unknown>, expected: number): Promise<InstanceInfo[]> {
    const found: InstanceInfo[] = [];
    const maxPages = pagesFor(expected, BATCH);
    const cut = await readPages(async (nextToken) => {
      const body = await call('DescribeInstances', withNextToken({ MaxResults: BATCH, ...filters }, nextToken));
      for (const i of list(body, 'Instances', 'Instance')) {
        const instanceId = scalarText(i.InstanceId);
        if (!instanceId) continue;
        if (!isInstanceId(instanceId)) throw notAnInstanceId('DescribeInstances', body);
        found.push({
          instanceId,
          name: scalarText(i.InstanceName),
          status: scalarText(i.Status),
          osType: scalarText(i.OSType),
          osName: scalarText(i.OSName),
        });
      }
      return scalarText(body.NextToken);
    }, maxPages);
    if (cut && new Set(found.map((i) => i.instanceId)).size <= expected) throw endless('DescribeInstances', maxPages);
    return found;
  }

  return {
    async describeInstances(instanceIds) {
      const all: InstanceInfo[] = [];
      for (let i = 0; i < instanceIds.length; i += BATCH) {
        const batch = instanceIds.slice(i, i + BATCH);
        all.push(...(await describe({ InstanceIds: JSON.stringify(batch) }, batch.length)));
      }
      return all;
    },

    async listTaggedInstanceIds(tag: TagFilter) {
      const ids = new Set<string>();
      const query = { ResourceType: 'instance', Tag: [{ Key: tag.key, ...(tag.value !== undefined ? { Value: tag.value } : {}) }] };
      // ListTagResources' page size is undocumented (the emulator's is 50): assume no fewer than 10 rows a page.
      const maxPages = pagesFor(MAX_TARGET_INSTANCES + 1, 10);
      const cut = await readPages(async (nextToken) => {
        const body = await call('ListTagResources', withNextToken(query, nextToken));
        // A row per resource and tag: keep the instances whose row is this tag (whatever else the answer holds).
        for (const r of list(body, 'TagResources', 'TagResource')) {
          const id = scalarText(r.ResourceId);
          const type = scalarText(r.ResourceType);
          if (!id || (type !== '' && type !== 'instance') || scalarText(r.TagKey) !== tag.key) continue;
          if (tag.value !== undefined && scalarText(r.TagValue) !== tag.value) continue;
          if (!isInstanceId(id)) throw notAnInstanceId('ListTagResources', body);
          ids.add(id);
        }
        return scalarText(body.NextToken);
      }, maxPages);
      // More instances than a run takes is reported as too many by the caller, not as cut.
      if (cut && ids.size <= MAX_TARGET_INSTANCES) throw endless('ListTagResources', maxPages);
      return [...ids];
    },

    async describeCloudAssistantStatus(instanceIds) {
      const all: AgentStatus[] = [];
      // With InstanceId.N given, ECS returns every requested instance in one response (no paging).
      for (let i = 0; i < instanceIds.length; i += BATCH) {
        const body = await call('DescribeCloudAssistantStatus', { InstanceId: instanceIds.slice(i, i + BATCH) });
        for (const s of list(body, 'InstanceCloudAssistantStatusSet', 'InstanceCloudAssistantStatus')) {
          const instanceId = scalarText(s.InstanceId);
          if (!instanceId) continue;
          // "true"/"false" strings on the wire; a JSON boolean is read the same way.
          all.push({
            instanceId,
            online: String(s.CloudAssistantStatus) === 'true',
            ...presentFields({ version: s.CloudAssistantVersion, lastHeartbeatTime: s.LastHeartbeatTime }, scalarText),
          });
        }
      }
      return all;
    },

    async describeSnapshotsSince(since: Date) {
      const found: SnapshotInfo[] = [];
      // ECS takes the filter in minutes (yyyy-MM-ddTHH:mmZ): round down so nothing created in that minute is missed.
      const minute = since.toISOString().slice(0, 16) + 'Z';
      const cut = await readPages(async (nextToken) => {
        const query = { SourceDiskType: 'System', Filter: [{ Key: 'CreationStartTime', Value: minute }], MaxResults: BATCH };
        const body = await call('DescribeSnapshots', withNextToken(query, nextToken));
        for (const s of list(body, 'Snapshots', 'Snapshot')) {
          const snapshotId = scalarText(s.SnapshotId);
          if (!snapshotId) continue;
          const info: SnapshotInfo = {
            snapshotId,
            name: scalarText(s.SnapshotName),
            status: scalarText(s.Status),
            creationTime: scalarText(s.CreationTime),
          };
          const retention = typeof s.RetentionDays === 'number' ? s.RetentionDays : Number.parseInt(scalarText(s.RetentionDays), 10);
          if (Number.isFinite(retention)) info.retentionDays = retention;
          found.push(info);
        }
        return scalarText(body.NextToken);
      }, MAX_SNAPSHOT_PAGES);
      if (cut) throw endless('DescribeSnapshots', MAX_SNAPSHOT_PAGES);
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

/** An answer naming an instance ID that is not of the form ECS gives them: malformed, never a name to use. */
function notAnInstanceId(action: string, body: Body): CloudError {
  const requestId = scalarText(body.RequestId) || undefined;
  return new CloudError(
    action,
    'MalformedResponse',
    'unexpected response: an InstanceId is not of the form i-<letters and digits>',
    undefined,
    requestId,
  );
}
