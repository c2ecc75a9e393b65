import { untrusted } from '../lib/log.js';
import { SecretRegistry } from '../lib/secrets.js';
import { nonEmptyText } from './wire.js';

/**
 * An error from an Alibaba Cloud API call, reduced to what a message and a retry decision need. Code, detail and
 * request ID are the server's text: they are kept on one line with no workflow command in them (`untrusted`), so
 * every message built from them (retry lines, the failure, the summary) is too.
 */
export class CloudError extends Error {
  /** Alibaba's error code (`Throttling.User`), or a transport code (`ECONNRESET`), or `MalformedResponse`. */
  readonly code: string;
  /** Alibaba's message for the code, without the SDK's decorations. */
  readonly detail: string;
  readonly requestId?: string;

  constructor(
    /** The API operation, such as StartExecution. */
    readonly operation: string,
    code: string,
    detail: string,
    readonly statusCode?: number,
    requestId?: string,
    /** RAM's explanation of a denial (`AuthAction`, `NoPermissionType`, ...), when the API sent one. */
    readonly accessDeniedDetail?: Readonly<Record<string, unknown>>,
  ) {
    code = untrusted(code);
    detail = untrusted(detail);
    requestId = requestId === undefined ? undefined : untrusted(requestId);
    const where = requestId ? ` (request ID ${requestId})` : '';
    super(`${operation} failed: ${code}${statusCode ? ` (HTTP ${statusCode})` : ''}: ${detail}${where}`);
    this.name = 'CloudError';
    this.code = code;
    this.detail = detail;
    if (requestId !== undefined) this.requestId = requestId;
  }

  /** How long the API asked the caller to wait before retrying (`x-acs-retry-after`, milliseconds as the SDK reads it). */
  retryAfterMs?: number;
  /** How many attempts were made before this error ended the call (set by the retry helper). */
  attempts = 1;
}

/**
 * The error with every value in `secrets` scrubbed from its text: the boundary where a server's answer becomes
 * text. A server (or a proxy) that echoes the request's headers or body would otherwise put the security token
 * into the log, the summary, the report file and the pull request comment.
 */
export function withoutSecrets(err: CloudError, secrets: readonly (string | undefined)[]): CloudError {
  const registry = new SecretRegistry(() => undefined);
  for (const s of secrets) registry.protect(s);
  const scrub = (t: string): string => registry.scrub(t);
  const denied = err.accessDeniedDetail
    ? Object.fromEntries(Object.entries(err.accessDeniedDetail).map(([k, v]) => [k, typeof v === 'string' ? scrub(v) : v]))
    : undefined;
  const clean = new CloudError(
    err.operation,
    scrub(err.code),
    scrub(err.detail),
    err.statusCode,
    err.requestId === undefined ? undefined : scrub(err.requestId),
    denied,
  );
  if (err.retryAfterMs !== undefined) clean.retryAfterMs = err.retryAfterMs;
  clean.attempts = err.attempts;
  return clean;
}

/** Converts whatever the SDK threw into a CloudError; never copies request headers or credentials. */
export function toCloudError(operation: string, err: unknown): CloudError {
  if (err instanceof CloudError) return err;
  const e = (typeof err === 'object' && err !== null ? err : {}) as Record<string, unknown>;
  const data = (typeof e.data === 'object' && e.data !== null ? e.data : {}) as Record<string, unknown>;
  const statusCode = typeof e.statusCode === 'number' ? e.statusCode : undefined;
  const transport = transportCode(e);
  // The SDK stringifies a missing Code into "undefined" (an error body of `{}`).
  const apiCode = [nonEmptyText(e.code), nonEmptyText(data.Code)].find((c) => c !== undefined && c !== 'undefined');
  const code = transport?.code ?? apiCode ?? (statusCode ? `HTTP${statusCode}` : (nonEmptyText(e.name) ?? 'UnknownError'));
  const requestId = nonEmptyText(e.requestId) ?? nonEmptyText(data.RequestId);
  const detail = transport?.detail ?? nonEmptyText(data.Message) ?? stripSdkDecoration(nonEmptyText(e.message) ?? String(err));
  const denied = obj(e.accessDeniedDetail) ?? obj(data.AccessDeniedDetail);
  const cloud = new CloudError(operation, code, detail, statusCode, requestId === 'undefined' ? undefined : requestId, denied);
  if (typeof e.retryAfter === 'number' && Number.isFinite(e.retryAfter)) cloud.retryAfterMs = e.retryAfter;
  return cloud;
}

/**
 * Failures below the API, as the SDK's HTTP layer (httpx) reports them: Node's socket codes (ECONNRESET for
 * "socket hang up", ECONNREFUSED, ...) pass through; its timeouts carry no code, only the name RequestTimeoutError
 * (a silent socket past connectTimeout is reported as "ConnectTimeout" even after connecting); a 4xx/5xx whose
 * body is not JSON surfaces as the SyntaxError of JSON.parse, with the status and request ID lost.
 */
function transportCode(e: Record<string, unknown>): { code: string; detail?: string } | undefined {
  const message = nonEmptyText(e.message) ?? '';
  if (e.name === 'RequestTimeoutError') {
    const kind = /^(ReadTimeout|ConnectTimeout)/.exec(message)?.[1] ?? 'Timeout';
    return { code: 'RequestTimeout', detail: `no response in time (${kind})` };
  }
  if (e.name === 'SyntaxError') {
    return { code: 'InvalidResponseBody', detail: 'the response body is not JSON (an HTTP error page from a gateway or proxy?)' };
  }
  const code = nonEmptyText(e.code);
  if (e.statusCode === undefined && code !== undefined && /^E[A-Z_]+$/.test(code)) return { code };
  return undefined;
}

/** The SDK formats `"<Code>: code: <status>, <Message> request id: <id>"`; keep the message part. */
function stripSdkDecoration(message: string): string {
  const m = /code: \d+, (.*?)(?: request id: .*)?$/s.exec(message);
  // Transport errors end with the whole request URL ("POST http://... failed."): long and useless to a reader.
  return (m?.[1] ?? message).replace(/(GET|POST|PUT|DELETE) https?:\/\/\S+ failed\.?$/, '').trim();
}

function obj(v: unknown): Record<string, unknown> | undefined {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
}

/** A listing that did not end within what its request can return: cut, and said so (never read forever). */
export function endless(operation: string, maxPages: number): CloudError {
  return new CloudError(
    operation,
    'EndlessPaging',
    `the answer was cut: it did not end after ${maxPages} pages (NextToken never empty, or repeated), more than the request can return`,
  );
}
