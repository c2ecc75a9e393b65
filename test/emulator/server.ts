/**
 * HTTP front of the emulator (node:http only). Routes by `x-acs-version` + `x-acs-action`
 * (falling back to `Version`/`Action` query parameters), verifies the V3 signature,
 * records every request, and wraps handler results as Alibaba RPC JSON responses.
 */
import { createServer, type IncomingMessage, type RequestListener, type Server, type ServerResponse } from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { ApiError, ERR_INTERNAL, ERR_INVALID_ACTION, ERR_INVALID_VERSION, ERR_MISSING_ACTION, recommendUrl } from './errors.js';
import type { SignatureVerifier, VerifiedIdentity } from './signature.js';
import { newRequestId } from './util.js';

export interface RecordedRequest {
  requestId: string;
  /** Emulator clock (`now()`) when the request arrived, epoch ms. */
  time: number;
  method: string;
  path: string;
  version: string | undefined;
  action: string | undefined;
  /** Query and form-body parameters, flat. */
  params: Record<string, string>;
  accessKeyId: string | undefined;
  securityToken: string | undefined;
  statusCode: number;
  /** Alibaba error Code when the response was an error. */
  errorCode: string | undefined;
}

export interface ActionContext {
  requestId: string;
  action: string;
  version: string;
  params: Readonly<Record<string, string>>;
  /** Undefined for anonymous actions. */
  identity: VerifiedIdentity | undefined;
  now: number;
}

/** Returns the response body without RequestId; throws ApiError for API errors. */
export type ActionHandler = (ctx: ActionContext) => Record<string, unknown>;

export interface ActionDefinition {
  handler: ActionHandler;
  /** Unsigned action (e.g. STS AssumeRoleWithOIDC). */
  anonymous?: boolean;
}

export interface ServiceDefinition {
  /** Product code used in error `Recommend` links, e.g. `Oos`. */
  product: string;
  version: string;
  /** Used as `HostId` in error bodies, e.g. `oos.aliyuncs.com`. */
  hostId: string;
  actions: Record<string, ActionHandler | ActionDefinition>;
}

/** A raw response an interceptor may return instead of calling the handler (fault injection). */
export interface RawResponse {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

export interface InterceptInfo {
  requestId: string;
  version: string;
  action: string;
  params: Readonly<Record<string, string>>;
  identity: VerifiedIdentity | undefined;
}

/**
 * Lets the handler run (so its effects happen, e.g. an execution is created), then spoils the response:
 * drops the connection, sends it late, or rewrites it (`rewrite` gets the JSON payload and returns the new one,
 * or a string to send as is; `status` replaces the real one).
 */
export interface AfterHandler {
  after: 'destroy' | { delayMs: number } | { rewrite: (payload: Record<string, unknown>) => unknown; status?: number };
}

export type InterceptResult = RawResponse | AfterHandler | 'destroy' | undefined;

/**
 * Runs after routing and authentication, before the handler. May throw an ApiError, return a
 * RawResponse to send as is, return `'destroy'` to drop the connection, or return an AfterHandler
 * to spoil the handler's response; `undefined` continues.
 */
export type Interceptor = (info: InterceptInfo) => InterceptResult | Promise<InterceptResult>;

export interface EmulatorServerOptions {
  verifier: SignatureVerifier;
  now: () => number;
  services?: ServiceDefinition[];
  /** Refuse a request line (`POST /?… HTTP/1.1`) longer than this many bytes with 414, as a gateway does (variant urlLimit). */
  maxRequestLine?: number;
}

/** The request-line limit of variant urlLimit=8k: 8 KiB, the default of nginx/Tengine (`large_client_header_buffers`). */
export const URL_LIMIT_8K = 8 * 1024;
/** What the emulator records as the error code of a 414 (the gateway answers HTML, with no Alibaba code). */
export const ERR_URI_TOO_LONG = 'RequestURITooLong';
const URI_TOO_LONG_PAGE =
  '<html>\r\n<head><title>414 Request-URI Too Large</title></head>\r\n<body>\r\n<center><h1>414 Request-URI Too Large</h1></center>\r\n<hr><center>Tengine</center>\r\n</body>\r\n</html>\r\n';

const MAX_BODY_BYTES = 10 * 1024 * 1024;
const MAX_HEADER_BYTES = 1024 * 1024;

export class EmulatorServer {
  readonly requests: RecordedRequest[] = [];
  private readonly services = new Map<string, ServiceDefinition>();
  private readonly interceptors: Interceptor[] = [];
  private readonly server: Server;
  private readonly listener: RequestListener;
  private tlsServer: Server | undefined;
  private readonly verifier: SignatureVerifier;
  private readonly now: () => number;
  private readonly maxRequestLine: number | undefined;

  constructor(options: EmulatorServerOptions) {
    this.verifier = options.verifier;
    this.now = options.now;
    this.maxRequestLine = options.maxRequestLine;
    for (const s of options.services ?? []) this.addService(s);
    this.listener = (req, res) => {
      this.handle(req, res).catch((err: unknown) => {
        // Last resort: the normal path already turns errors into JSON.
        if (!res.headersSent) res.writeHead(500);
        res.end(String(err));
      });
    };
    // RPC requests carry every parameter in the query string, as the generated SDKs send them: a StartExecution
    // for 1000 instances is about 21 KB of URL, past Node's default 16 KB header limit.
    this.server = createServer({ maxHeaderSize: MAX_HEADER_BYTES }, this.listener);
  }

  /** Serves the same services over HTTPS too (for clients that speak nothing else, like the STS one). */
  async listenTls(port: number, host: string, tls: { key: string; cert: string }): Promise<AddressInfo> {
    const server = createTlsServer({ key: tls.key, cert: tls.cert, maxHeaderSize: MAX_HEADER_BYTES }, this.listener);
    this.tlsServer = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    return server.address() as AddressInfo;
  }

  addService(service: ServiceDefinition): void {
    this.services.set(service.version, service);
  }

  addInterceptor(interceptor: Interceptor): () => void {
    this.interceptors.push(interceptor);
    return () => {
      const i = this.interceptors.indexOf(interceptor);
      if (i >= 0) this.interceptors.splice(i, 1);
    };
  }

  async listen(port: number, host: string): Promise<AddressInfo> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, host, () => {
        this.server.off('error', reject);
        resolve();
      });
    });
    return this.server.address() as AddressInfo;
  }

  async close(): Promise<void> {
    const tls = this.tlsServer;
    if (tls?.listening) {
      const closed = new Promise<void>((resolve) => tls.close(() => resolve()));
      tls.closeAllConnections();
      await closed;
    }
    if (!this.server.listening) return;
    const closed = new Promise<void>((resolve, reject) => this.server.close((err) => (err ? reject(err) : resolve())));
    this.server.closeAllConnections();
    await closed;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const requestId = newRequestId();
    const body = await readBody(req);
    const rawUrl = req.url ?? '/';
    const qIndex = rawUrl.indexOf('?');
    const path = qIndex >= 0 ? rawUrl.slice(0, qIndex) : rawUrl;
    const query = Object.fromEntries(new URLSearchParams(qIndex >= 0 ? rawUrl.slice(qIndex + 1) : ''));
    const params: Record<string, string> = { ...query };
    const contentType = String(req.headers['content-type'] ?? '');
    if (contentType.startsWith('application/x-www-form-urlencoded') && body.length > 0) {
      Object.assign(params, Object.fromEntries(new URLSearchParams(body.toString('utf8'))));
    }
    const version = headerOrParam(req, 'x-acs-version', params['Version']);
    const action = headerOrParam(req, 'x-acs-action', params['Action']);
    const record: RecordedRequest = {
      requestId,
      time: this.now(),
      method: req.method ?? 'GET',
      path,
      version,
      action,
      params,
      accessKeyId: undefined,
      securityToken: undefined,
      statusCode: 0,
      errorCode: undefined,
    };
    this.requests.push(record);

    const requestLine = Buffer.byteLength(`${record.method} ${rawUrl} HTTP/${req.httpVersion}`);
    if (this.maxRequestLine !== undefined && requestLine > this.maxRequestLine) {
      record.statusCode = 414;
      record.errorCode = ERR_URI_TOO_LONG;
      res.writeHead(414, { 'content-type': 'text/html', connection: 'close' });
      res.end(URI_TOO_LONG_PAGE);
      return;
    }

    const service = version === undefined ? undefined : this.services.get(version);
    let status = 200;
    let payload: Record<string, unknown>;
    let after: AfterHandler['after'] | undefined;
    try {
      if (action === undefined) throw new ApiError(400, ERR_MISSING_ACTION, 'Action is mandatory for this request.');
      if (!service || version === undefined) {
        throw new ApiError(400, ERR_INVALID_VERSION, 'Specified parameter Version is not valid.');
      }
      const entry = service.actions[action];
      if (!entry) throw new ApiError(404, ERR_INVALID_ACTION, 'Specified api is not found, please check your url and method.');
      const def: ActionDefinition = typeof entry === 'function' ? { handler: entry } : entry;

      let identity: VerifiedIdentity | undefined;
      if (!def.anonymous) {
        identity = this.verifier.verify({ method: record.method, path, query, headers: req.headers, body });
        record.accessKeyId = identity.accessKeyId;
        record.securityToken = identity.securityToken;
      }

      for (const interceptor of [...this.interceptors]) {
        const out = await interceptor({ requestId, version, action, params, identity });
        if (out !== undefined && out !== 'destroy' && 'after' in out) {
          after ??= out.after;
          continue;
        }
        if (out === 'destroy') {
          record.statusCode = -1;
          req.socket.destroy();
          return;
        }
        if (out) {
          record.statusCode = out.status;
          const text = out.body === undefined ? '' : typeof out.body === 'string' ? out.body : JSON.stringify(out.body);
          res.writeHead(out.status, {
            'content-type': 'application/json;charset=utf-8',
            'x-acs-request-id': requestId,
            ...out.headers,
          });
          res.end(text);
          return;
        }
      }

      const result = def.handler({ requestId, action, version, params, identity, now: this.now() });
      payload = { RequestId: requestId, ...result };
    } catch (err) {
      const apiError =
        err instanceof ApiError
          ? err
          : new ApiError(500, ERR_INTERNAL, `The request processing has failed due to some unknown error. ${String(err)}`);
      status = apiError.status;
      record.errorCode = apiError.code;
      payload = {
        RequestId: requestId,
        HostId: service?.hostId ?? 'oos.aliyuncs.com',
        Code: apiError.code,
        Message: apiError.message,
        Recommend: recommendUrl(apiError.code, requestId, service?.product),
      };
    }
    record.statusCode = status;
    if (after === 'destroy') {
      record.statusCode = -1;
      req.socket.destroy();
      return;
    }
    if (after !== undefined && 'delayMs' in after) await new Promise((resolve) => setTimeout(resolve, after.delayMs));
    if (after !== undefined && 'rewrite' in after) {
      const out = after.rewrite(payload);
      record.statusCode = after.status ?? status;
      res.writeHead(record.statusCode, { 'content-type': 'application/json;charset=utf-8', 'x-acs-request-id': requestId });
      res.end(typeof out === 'string' ? out : JSON.stringify(out));
      return;
    }
    const text = JSON.stringify(payload);
    res.writeHead(status, {
      'content-type': 'application/json;charset=utf-8',
      'content-length': String(Buffer.byteLength(text)),
      'x-acs-request-id': requestId,
    });
    res.end(text);
  }
}

function headerOrParam(req: IncomingMessage, header: string, fallback: string | undefined): string | undefined {
  const value = req.headers[header];
  const first = Array.isArray(value) ? value[0] : value;
  return first !== undefined && first !== '' ? first : fallback;
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buf = chunk as Buffer;
    size += buf.length;
    if (size > MAX_BODY_BYTES) throw new Error('request body too large');
    chunks.push(buf);
  }
  return Buffer.concat(chunks);
}
