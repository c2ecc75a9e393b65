import type Credential from '@alicloud/credentials';
import OpenApi, { $OpenApiUtil, OpenApiUtil } from '@alicloud/openapi-core';
import * as $dara from '@darabonba/typescript';
import { CloudError, toCloudError, withoutSecrets } from './cloud-error.js';
import type { Endpoint } from './endpoints.js';
import { defaultExport } from './interop.js';
import { CONNECT_TIMEOUT_MS, READ_TIMEOUT_MS } from './timeouts.js';

export type Body = Record<string, unknown>;

export interface RpcOptions {
  /** API version, such as 2019-06-01 (OOS) or 2014-05-26 (ECS). */
  version: string;
  region: string;
  endpoint: Endpoint;
  credential: Credential;
  /** Milliseconds; default READ_TIMEOUT_MS. */
  readTimeoutMs?: number;
  /** Milliseconds; default CONNECT_TIMEOUT_MS. */
  connectTimeoutMs?: number;
}

/**
 * Calls one RPC operation; resolves to the response's JSON object or throws a CloudError. `form` parameters travel
 * in the form body (`application/x-www-form-urlencoded`) instead of the URL: whatever grows with the fleet goes
 * there, so no request line outgrows a gateway's limit (docs/cloud-facts.md, "Request size"). The V3 signature
 * covers the body through `x-acs-content-sha256`, which openapi-core computes from the form it sends.
 */
export type RpcCall = (action: string, query: Record<string, unknown>, form?: Record<string, unknown>) => Promise<Body>;

/**
 * An RPC caller on openapi-core's generic callApi, as the generated SDKs call it (POST, V3 signature), except that
 * the caller may put parameters in the signed form body. Shared by the OOS and ECS clients, which alone know their
 * wire names.
 */
export function createRpcCaller(options: RpcOptions): RpcCall {
  const readTimeout = options.readTimeoutMs ?? READ_TIMEOUT_MS;
  const connectTimeout = options.connectTimeoutMs ?? CONNECT_TIMEOUT_MS;
  const client = new (defaultExport(OpenApi))(
    new $OpenApiUtil.Config({
      credential: options.credential,
      endpoint: options.endpoint.host,
      protocol: options.endpoint.protocol,
      regionId: options.region,
      readTimeout,
      connectTimeout,
    }),
  );
  const runtime = new $dara.RuntimeOptions({ readTimeout, connectTimeout });
  const region = options.region;

  return async (action, query, form) => {
    const params = new $OpenApiUtil.Params({
      action,
      version: options.version,
      protocol: 'HTTPS',
      pathname: '/',
      method: 'POST',
      authType: 'AK',
      style: 'RPC',
      reqBodyType: 'formData',
      // Read as text and parsed here: with 'json' the SDK's JSON.parse error loses the response's request ID.
      bodyType: 'string',
    });
    const request = new $OpenApiUtil.OpenApiRequest({
      query: OpenApiUtil.query({ RegionId: region, ...query }),
      ...(form && Object.keys(form).length > 0 ? { body: OpenApiUtil.query(form) } : {}),
    });
    let result: { body?: unknown; headers?: Record<string, string> };
    try {
      result = await client.callApi(params, request, runtime);
    } catch (err) {
      throw withoutSecrets(toCloudError(action, err), await secretsOf(options.credential));
    }
    return parseBody(action, result);
  };
}

/** The secret halves of the keys the call was signed with: an error's text must not carry them. */
async function secretsOf(credential: Credential): Promise<string[]> {
  try {
    const c = await credential.getCredential();
    return [c.accessKeySecret, c.securityToken].filter((v): v is string => typeof v === 'string');
  } catch {
    return [];
  }
}

/** A JSON object, or a CloudError naming the request (from the body, else the x-acs-request-id header). */
function parseBody(operation: string, result: { body?: unknown; headers?: Record<string, string> }): Body {
  const headerId = result.headers?.['x-acs-request-id'] || undefined;
  let parsed: unknown;
  try {
    parsed = typeof result.body === 'string' ? JSON.parse(result.body) : result.body;
  } catch {
    throw new CloudError(operation, 'InvalidResponseBody', 'the response body is not JSON', undefined, headerId);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new CloudError(operation, 'MalformedResponse', 'unexpected response: the body is not a JSON object', undefined, headerId);
  }
  const body = parsed as Body;
  if (headerId && typeof body.RequestId !== 'string') body.RequestId = headerId;
  return body;
}
