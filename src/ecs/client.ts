import type Credential from '@alicloud/credentials';
import Ecs, * as $Ecs from '@alicloud/ecs20140526';
import { $OpenApiUtil } from '@alicloud/openapi-core';
import * as $dara from '@darabonba/typescript';
import { toCloudError } from '../cloud-error.js';
import type { Endpoint } from '../endpoint.js';
import type { EcsApi, InstanceInfo, TagFilter } from './types.js';

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
    readTimeout: options.readTimeoutMs ?? 30_000,
    connectTimeout: options.connectTimeoutMs ?? 10_000,
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
  };
}
