/** Where an SDK client sends its requests: what `config.protocol` and `config.endpoint` take. */
export interface Endpoint {
  protocol: 'HTTP' | 'HTTPS';
  /** host[:port], no scheme, no path */
  host: string;
}

const HOST = /^(?=.{1,253}(?::|$))[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)*(?::\d{1,5})?$/i;

/**
 * Parses an endpoint override: a bare host (`oos-vpc.cn-hangzhou.aliyuncs.com`, https) or an
 * http(s) URL with no path (`http://127.0.0.1:8080`). Returns undefined for anything else.
 */
export function parseEndpoint(value: string): Endpoint | undefined {
  const match = /^(https?):\/\/([^/?#]+)\/?$/i.exec(value);
  const scheme = match?.[1]?.toLowerCase();
  const host = match ? (match[2] ?? '') : value;
  if (!HOST.test(host)) return undefined;
  const port = /:(\d+)$/.exec(host)?.[1];
  if (port !== undefined && (Number(port) < 1 || Number(port) > 65535)) return undefined;
  return { protocol: scheme === 'http' ? 'HTTP' : 'HTTPS', host: host.toLowerCase() };
}

/** The default public endpoint of OOS in a region. */
export function defaultOosEndpoint(region: string): Endpoint {
  return { protocol: 'HTTPS', host: `oos.${region}.aliyuncs.com` };
}

/**
 * The ECS endpoint the ECS SDK (@alicloud/ecs20140526) picks for a region: its endpoint map, else the regional
 * rule `ecs.<region>.aliyuncs.com`. Copied from the SDK, which the action no longer bundles (see ecs/client.ts).
 */
export function defaultEcsEndpoint(region: string): Endpoint {
  return { protocol: 'HTTPS', host: ECS_ENDPOINT_MAP[region] ?? `ecs.${region}.aliyuncs.com` };
}

const CENTRAL = 'ecs.aliyuncs.com';
const HANGZHOU = 'ecs-cn-hangzhou.aliyuncs.com';
const NEBULA = 'ecs.cn-qingdao-nebula.aliyuncs.com';

const ECS_ENDPOINT_MAP: Readonly<Record<string, string>> = {
  'cn-hangzhou': HANGZHOU,
  'cn-shanghai-finance-1': HANGZHOU,
  'cn-shenzhen-finance-1': HANGZHOU,
  'cn-north-2-gov-1': CENTRAL,
  'ap-northeast-2-pop': CENTRAL,
  'cn-beijing-finance-pop': CENTRAL,
  'cn-beijing-gov-1': CENTRAL,
  'cn-beijing-nu16-b01': HANGZHOU,
  'cn-edge-1': NEBULA,
  'cn-fujian': HANGZHOU,
  'cn-haidian-cm12-c01': HANGZHOU,
  'cn-hangzhou-bj-b01': HANGZHOU,
  'cn-hangzhou-finance': CENTRAL,
  'cn-hangzhou-internal-prod-1': HANGZHOU,
  'cn-hangzhou-internal-test-1': HANGZHOU,
  'cn-hangzhou-internal-test-2': HANGZHOU,
  'cn-hangzhou-internal-test-3': HANGZHOU,
  'cn-hangzhou-test-306': HANGZHOU,
  'cn-hongkong-finance-pop': CENTRAL,
  'cn-huhehaote-nebula-1': NEBULA,
  'cn-shanghai-et15-b01': HANGZHOU,
  'cn-shanghai-et2-b01': HANGZHOU,
  'cn-shanghai-inner': CENTRAL,
  'cn-shanghai-internal-test-1': HANGZHOU,
  'cn-shenzhen-inner': CENTRAL,
  'cn-shenzhen-st4-d01': HANGZHOU,
  'cn-shenzhen-su18-b01': HANGZHOU,
  'cn-wuhan': CENTRAL,
  'cn-yushanfang': CENTRAL,
  'cn-zhangbei': CENTRAL,
  'cn-zhangbei-na61-b01': HANGZHOU,
  'cn-zhangjiakou-na62-a01': 'ecs.cn-zhangjiakou.aliyuncs.com',
  'cn-zhengzhou-nebula-1': NEBULA,
  'eu-west-1-oxs': 'ecs.cn-shenzhen-cloudstone.aliyuncs.com',
  'rus-west-1-pop': CENTRAL,
};
