/**
 * ECS (2014-05-26) handlers: DescribeInstances, DescribeCloudAssistantStatus, DescribeSnapshots, ListTagResources.
 * Instances come from the fleet (status, OS, tags, Cloud Assistant agent); snapshots from the store OOS
 * writes to. Responses use the real wire names (PascalCase, lists wrapped like `Instances.Instance[]`),
 * which the ECS SDK maps to its camelCase models.
 */
import { ApiError, invalidParameter, parameterMissing } from './errors.js';
import type { Fleet, InstanceSpec } from './fleet.js';
import type { ActionContext, ServiceDefinition } from './server.js';
import type { SnapshotRecord, SnapshotStore } from './snapshots.js';
import { canonicalJson, intParam, isoDate, paginate } from './util.js';

export const ECS_VERSION = '2014-05-26';
/** DescribeInstances `InstanceIds` and DescribeSnapshots `SnapshotIds`: JSON arrays of at most 100. */
export const MAX_DESCRIBE_IDS = 100;
/** DescribeCloudAssistantStatus `InstanceId.N`: at most 100 per request (ECS API reference). */
export const MAX_CLOUD_ASSISTANT_IDS = 100;
/** DescribeInstances accepts `Tag.1` to `Tag.20`. */
export const MAX_TAG_FILTERS = 20;
/**
 * DescribeInstances `Tag.N`: "If you use a single tag to filter resources, the number of resources with this tag
 * cannot exceed 1,000 … use ListTagResources" (ECS model). The refusal's code is not documented: this one is the
 * emulator's choice (HTTP 400); the action never filters DescribeInstances by tag, so it depends on no code.
 */
export const MAX_RESOURCES_PER_TAG_FILTER = 1000;
export const ERR_TAG_FILTER_TOO_BROAD = 'InvalidParameter.TagResourcesExceeded';
/** ListTagResources: `ResourceId.1` to `ResourceId.50`, and a page of at most 50 rows (NextToken). */
export const MAX_TAG_RESOURCE_IDS = 50;
export const TAG_RESOURCES_PAGE = 50;
export const DEFAULT_AGENT_VERSION = '2.2.3.857';
export const DEFAULT_HEARTBEAT_AGO_MS = 30_000;
/** A heartbeat older than this makes CloudAssistantStatus "false" (the emulator's choice; ECS does not publish one). */
export const AGENT_ONLINE_WINDOW_MS = 5 * 60_000;

const DEFAULT_OS_NAMES = {
  linux: { cn: 'Alibaba Cloud Linux 3.2104 LTS 64位', en: 'Alibaba Cloud Linux 3.2104 LTS 64 bit' },
  windows: { cn: 'Windows Server 2022 数据中心版 64位中文版', en: 'Windows Server 2022 Datacenter 64-bit Chinese Edition' },
} as const;
const CLOUD_ASSISTANT_OS = new Map([
  ['windows', 'Windows'],
  ['linux', 'Linux'],
  ['freebsd', 'FreeBSD'],
]);
const SNAPSHOT_STATUSES = new Set(['progressing', 'accomplished', 'failed', 'all']);

type Params = Readonly<Record<string, string>>;

interface Paging {
  defaultSize: number;
  maxSize: number;
  /** DescribeInstances: MaxResults below 10 means 10, above 100 means 100 (per the API reference). */
  clampMaxResults?: { min: number; max: number };
}

export class EcsService {
  /** When the instances "were created" (CreationTime), emulator clock. */
  private readonly createdAt: number;

  constructor(
    private readonly fleet: Fleet,
    private readonly snapshots: SnapshotStore,
    now: () => number,
    /** Brings OOS executions up to date before a read (their end creates snapshots). */
    private readonly settle: (t: number) => void = () => undefined,
  ) {
    this.createdAt = now();
  }

  definition(): ServiceDefinition {
    return {
      product: 'Ecs',
      version: ECS_VERSION,
      hostId: 'ecs.aliyuncs.com',
      actions: {
        DescribeInstances: (ctx) => this.describeInstances(ctx),
        DescribeCloudAssistantStatus: (ctx) => this.describeCloudAssistantStatus(ctx),
        DescribeSnapshots: (ctx) => this.describeSnapshots(ctx),
        ListTagResources: (ctx) => this.listTagResources(ctx),
      },
    };
  }

  private describeInstances(ctx: ActionContext): Record<string, unknown> {
    const p = ctx.params;
    const regionId = requireRegion(p);
    const ids = jsonIdList(p, 'InstanceIds');
    const tags = tagFilters(p);
    const status = p['Status'] || undefined;
    const name = p['InstanceName'] || undefined;
    let candidates = ids ?? this.fleet.ids();
    if (tags.length > 0) {
      for (const t of tags) {
        const carrying = this.fleet.idsByTags([t]).length;
        if (carrying > MAX_RESOURCES_PER_TAG_FILTER) {
          throw new ApiError(
            400,
            ERR_TAG_FILTER_TOO_BROAD,
            `The tag ${t.Key} is on ${carrying} resources; a tag filter covers at most ${MAX_RESOURCES_PER_TAG_FILTER}. Use ListTagResources.`,
          );
        }
      }
      const tagged = new Set(this.fleet.idsByTags(tags));
      candidates = candidates.filter((id) => tagged.has(id));
    }
    const matches = candidates.flatMap((id) => {
      const spec = this.fleet.get(id);
      if (!spec) return []; // unknown IDs are simply absent
      if (status !== undefined && (spec.status ?? 'Running') !== status) return [];
      if (name !== undefined && (spec.name ?? '') !== name) return [];
      return [{ id, spec }];
    });
    const scope = `DescribeInstances:${canonicalJson({ regionId, ids, tags, status, name })}`;
    const { items, fields } = ecsPage(matches, p, scope, {
      defaultSize: 10,
      maxSize: 100,
      clampMaxResults: { min: 10, max: 100 },
    });
    return {
      Instances: { Instance: items.map(({ id, spec }) => this.instanceView(id, spec, regionId)) },
      ...fields,
    };
  }

  /**
   * ListTagResources for `ResourceType=instance`: the instances among `ResourceId.N` (or all) that carry every
   * `Tag.N` (a key alone matches any value); a row per instance and tag asked for (every tag of the instance when
   * only IDs are given), pages of 50 by NextToken.
   */
  private listTagResources(ctx: ActionContext): Record<string, unknown> {
    const p = ctx.params;
    const regionId = requireRegion(p);
    const type = p['ResourceType'];
    if (type === undefined || type === '') throw parameterMissing('ResourceType');
    if (type.toLowerCase() !== 'instance') {
      throw invalidParameter(`The parameter ResourceType has an invalid value: ${type} (the emulator knows only instance).`);
    }
    const ids = indexedList(p, 'ResourceId');
    if (ids.length > MAX_TAG_RESOURCE_IDS) {
      throw invalidParameter(`The parameter ResourceId exceeds the limit of ${MAX_TAG_RESOURCE_IDS} IDs.`);
    }
    const tags = tagFilters(p);
    if (ids.length === 0 && tags.length === 0) throw invalidParameter('Specify ResourceId.N or Tag.N.');
    const candidates = tags.length > 0 ? this.fleet.idsByTags(tags) : this.fleet.ids();
    const asked = ids.length > 0 ? new Set(ids) : undefined;
    const rows = candidates
      .filter((id) => asked === undefined || asked.has(id))
      .flatMap((id) => {
        const own = this.fleet.get(id)?.tags ?? {};
        const keys = tags.length > 0 ? tags.map((t) => t.Key) : Object.keys(own);
        return keys.map((key) => ({ ResourceId: id, ResourceType: 'instance', TagKey: key, TagValue: own[key] ?? '' }));
      });
    const page = paginate(rows, TAG_RESOURCES_PAGE, p['NextToken'], `ListTagResources:${canonicalJson({ regionId, ids, tags })}`);
    return { TagResources: { TagResource: page.items }, NextToken: page.nextToken ?? '' };
  }

  private describeCloudAssistantStatus(ctx: ActionContext): Record<string, unknown> {
    const p = ctx.params;
    const regionId = requireRegion(p);
    const ids = indexedList(p, 'InstanceId');
    if (ids.length > MAX_CLOUD_ASSISTANT_IDS) {
      throw invalidParameter(`The parameter InstanceId exceeds the limit of ${MAX_CLOUD_ASSISTANT_IDS} instance IDs.`);
    }
    const rawOs = p['OSType'] || undefined;
    const osType = rawOs === undefined ? undefined : CLOUD_ASSISTANT_OS.get(rawOs.toLowerCase());
    if (rawOs !== undefined && osType === undefined) {
      throw invalidParameter(`The parameter OSType has an invalid value: ${rawOs} (Windows, Linux or FreeBSD).`);
    }
    const matches = (ids.length > 0 ? [...new Set(ids)] : this.fleet.ids()).flatMap((id) => {
      const spec = this.fleet.get(id);
      if (!spec || (osType !== undefined && cloudAssistantOs(spec) !== osType)) return [];
      return [{ id, spec }];
    });
    const scope = `DescribeCloudAssistantStatus:${canonicalJson({ regionId, osType })}`;
    // With InstanceId given, MaxResults/PageSize do not apply: every requested instance comes back at once.
    const { items, fields } =
      ids.length > 0
        ? { items: matches, fields: { NextToken: '', TotalCount: matches.length, PageSize: matches.length, PageNumber: 1 } }
        : ecsPage(matches, p, scope, { defaultSize: 10, maxSize: 50 });
    return {
      InstanceCloudAssistantStatusSet: {
        InstanceCloudAssistantStatus: items.map(({ id, spec }) => this.cloudAssistantView(id, spec, ctx.now)),
      },
      ...fields,
    };
  }

  private describeSnapshots(ctx: ActionContext): Record<string, unknown> {
    const p = ctx.params;
    const regionId = requireRegion(p);
    this.settle(ctx.now);
    const ids = jsonIdList(p, 'SnapshotIds');
    const filters = {
      instanceId: p['InstanceId'] || undefined,
      diskId: p['DiskId'] || undefined,
      name: p['SnapshotName'] || undefined,
      status: (p['Status'] || 'all').toLowerCase(),
      diskType: (p['SourceDiskType'] || undefined)?.toLowerCase(),
    };
    if (!SNAPSHOT_STATUSES.has(filters.status)) throw invalidParameter(`The parameter Status has an invalid value: ${p['Status']}.`);
    if (filters.diskType !== undefined && filters.diskType !== 'system' && filters.diskType !== 'data') {
      throw invalidParameter(`The parameter SourceDiskType has an invalid value: ${p['SourceDiskType']}.`);
    }
    const since = creationStartTime(p);
    const wanted = ids === undefined ? undefined : new Set(ids);
    const matches = this.snapshots
      .live(ctx.now)
      .filter(
        (s) =>
          (s.regionId === undefined || s.regionId === regionId) &&
          (wanted === undefined || wanted.has(s.snapshotId)) &&
          (filters.instanceId === undefined || s.instanceId === filters.instanceId) &&
          (filters.diskId === undefined || s.diskId === filters.diskId) &&
          (filters.name === undefined || s.snapshotName === filters.name) &&
          (filters.status === 'all' || s.status === filters.status) &&
          (since === undefined || s.creationTime >= since) &&
          (filters.diskType === undefined || filters.diskType === 'system'),
      );
    const scope = `DescribeSnapshots:${canonicalJson({ regionId, ids, filters, since })}`;
    const { items, fields } = ecsPage(matches, p, scope, { defaultSize: 10, maxSize: 100 });
    return { Snapshots: { Snapshot: items.map((s) => snapshotView(s, regionId)) }, ...fields };
  }

  // ---- views ----------------------------------------------------------------------------------

  private instanceView(id: string, spec: InstanceSpec, regionId: string): Record<string, unknown> {
    const os = spec.os ?? 'linux';
    const tags = Object.entries(spec.tags ?? {});
    return {
      InstanceId: id,
      InstanceName: spec.name ?? id,
      HostName: spec.name ?? id,
      Description: '',
      Status: spec.status ?? 'Running',
      OSType: os,
      OSName: spec.osName ?? DEFAULT_OS_NAMES[os].cn,
      OSNameEn: spec.osName ?? DEFAULT_OS_NAMES[os].en,
      RegionId: regionId,
      ZoneId: `${regionId}-a`,
      InstanceType: 'ecs.g7.large',
      Cpu: 2,
      Memory: 8192,
      InstanceNetworkType: 'vpc',
      InstanceChargeType: 'PostPaid',
      CreationTime: isoDate(this.createdAt).replace(/:\d{2}Z$/, 'Z'), // ECS prints minutes: 2026-11-22T03:04Z
      ...(tags.length > 0 ? { Tags: { Tag: tags.map(([TagKey, TagValue]) => ({ TagKey, TagValue })) } } : {}),
    };
  }

  private cloudAssistantView(id: string, spec: InstanceSpec, now: number): Record<string, unknown> {
    const agent = spec.agent ?? { installed: true };
    const ago = agent.lastHeartbeatAgoMs ?? DEFAULT_HEARTBEAT_AGO_MS;
    const online = agent.installed && (spec.status ?? 'Running') === 'Running' && ago <= AGENT_ONLINE_WINDOW_MS;
    return {
      InstanceId: id,
      CloudAssistantStatus: online ? 'true' : 'false',
      OSType: cloudAssistantOs(spec),
      ActiveTaskCount: 0,
      InvocationCount: 0,
      SupportSessionManager: agent.installed,
      ...(agent.installed ? { CloudAssistantVersion: agent.version ?? DEFAULT_AGENT_VERSION, LastHeartbeatTime: isoDate(now - ago) } : {}),
    };
  }
}

function snapshotView(s: SnapshotRecord, regionId: string): Record<string, unknown> {
  return {
    SnapshotId: s.snapshotId,
    SnapshotName: s.snapshotName,
    Description: `Created by OOS execution ${s.executionId}`,
    Status: s.status,
    Progress: '100%',
    Available: true,
    CreationTime: isoDate(s.creationTime),
    LastModifiedTime: isoDate(s.creationTime),
    RetentionDays: s.retentionDays,
    SourceDiskId: s.diskId,
    SourceDiskType: 'system',
    SourceDiskSize: '40',
    SourceStorageType: 'disk',
    SnapshotType: 'user',
    Category: 'standard',
    Usage: 'none',
    Encrypted: false,
    InstantAccess: false,
    RegionId: s.regionId ?? regionId,
    ProductCode: '',
    Tags: { Tag: [] },
  };
}

function cloudAssistantOs(spec: InstanceSpec): string {
  return (spec.os ?? 'linux') === 'windows' ? 'Windows' : 'Linux';
}

function requireRegion(p: Params): string {
  const regionId = p['RegionId'];
  if (regionId === undefined || regionId === '') throw parameterMissing('RegionId');
  return regionId;
}

/** A parameter holding a JSON array of IDs (`InstanceIds`, `SnapshotIds`); undefined when absent or `[]`. */
function jsonIdList(p: Params, name: string): string[] | undefined {
  const raw = p[name];
  if (raw === undefined || raw === '') return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw invalidParameter(`The parameter ${name} must be a JSON array of IDs.`);
  }
  if (!Array.isArray(parsed) || !parsed.every((x): x is string => typeof x === 'string')) {
    throw invalidParameter(`The parameter ${name} must be a JSON array of IDs.`);
  }
  if (parsed.length > MAX_DESCRIBE_IDS) {
    throw invalidParameter(`The parameter ${name} exceeds the limit of ${MAX_DESCRIBE_IDS} IDs; got ${parsed.length}.`);
  }
  return parsed.length > 0 ? parsed : undefined;
}

/**
 * DescribeSnapshots `Filter.N.Key`/`Filter.N.Value`: the only documented key is `CreationStartTime` (snapshots
 * created at or after a UTC minute, `yyyy-MM-ddTHH:mmZ`). Returns epoch ms, or undefined without the filter.
 */
function creationStartTime(p: Params): number | undefined {
  let since: number | undefined;
  for (const [k, key] of Object.entries(p)) {
    const m = /^Filter\.(\d+)\.Key$/.exec(k);
    if (!m) continue;
    if (key !== 'CreationStartTime') throw invalidParameter(`The parameter Filter.${m[1]}.Key has an invalid value: ${key}.`);
    const value = p[`Filter.${m[1]}.Value`] ?? '';
    if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}Z$/.test(value)) {
      throw invalidParameter(`The parameter Filter.${m[1]}.Value must be a time like 2026-11-22T03:04Z; got ${value}.`);
    }
    since = Date.parse(value.replace(/Z$/, ':00Z'));
  }
  return since;
}

/** `Name.1`, `Name.2`, ... in index order (a repeat-list parameter as the SDK flattens it). */
function indexedList(p: Params, name: string): string[] {
  const re = new RegExp(`^${name}\\.(\\d+)$`);
  return Object.entries(p)
    .flatMap(([k, v]) => {
      const m = re.exec(k);
      return m && v !== '' ? [{ n: Number(m[1]), v }] : [];
    })
    .sort((a, b) => a.n - b.n)
    .map((e) => e.v);
}

/** `Tag.N.Key` / `Tag.N.Value`; a key without a value matches any value. */
function tagFilters(p: Params): Array<{ Key: string; Value?: string }> {
  const byIndex = new Map<number, { Key?: string; Value?: string }>();
  for (const [k, v] of Object.entries(p)) {
    const m = /^Tag\.(\d+)\.(Key|Value)$/.exec(k);
    if (!m) continue;
    const n = Number(m[1]);
    if (n < 1 || n > MAX_TAG_FILTERS) throw invalidParameter(`The parameter Tag.${n} is out of range (Tag.1 to Tag.${MAX_TAG_FILTERS}).`);
    byIndex.set(n, { ...byIndex.get(n), [m[2] as 'Key' | 'Value']: v });
  }
  return [...byIndex.entries()]
    .sort(([a], [b]) => a - b)
    .map(([n, t]) => {
      if (t.Key === undefined || t.Key === '') throw invalidParameter(`The parameter Tag.${n}.Key is required with Tag.${n}.Value.`);
      return t.Value === undefined ? { Key: t.Key } : { Key: t.Key, Value: t.Value };
    });
}

/**
 * ECS paging: NextToken + MaxResults, or (deprecated, used when neither is given) PageNumber + PageSize.
 * Returns the page and the response fields NextToken ("" on the last page), TotalCount, PageSize, PageNumber.
 */
function ecsPage<T>(all: readonly T[], p: Params, scope: string, rules: Paging): { items: T[]; fields: Record<string, unknown> } {
  const has = (k: string): boolean => p[k] !== undefined && p[k] !== '';
  if (!has('MaxResults') && !has('NextToken') && (has('PageNumber') || has('PageSize'))) {
    const number = intParam(p, 'PageNumber', 1, 1_000_000_000) ?? 1;
    const size = intParam(p, 'PageSize', 1, rules.maxSize) ?? rules.defaultSize;
    const items = all.slice((number - 1) * size, number * size);
    return { items, fields: { NextToken: '', TotalCount: all.length, PageSize: size, PageNumber: number } };
  }
  let size: number;
  if (rules.clampMaxResults) {
    const n = intParam(p, 'MaxResults', 0, Number.MAX_SAFE_INTEGER) ?? rules.defaultSize;
    size = Math.min(Math.max(n, rules.clampMaxResults.min), rules.clampMaxResults.max);
  } else {
    size = intParam(p, 'MaxResults', 1, rules.maxSize) ?? rules.defaultSize;
  }
  const page = paginate(all, size, p['NextToken'], scope);
  return { items: page.items, fields: { NextToken: page.nextToken ?? '', TotalCount: all.length, PageSize: size } };
}
