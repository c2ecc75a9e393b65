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
