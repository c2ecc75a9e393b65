/** An error from an Alibaba Cloud API call, reduced to what a message and a retry decision need. */
export class CloudError extends Error {
  constructor(
    /** The API operation, such as StartExecution. */
    readonly operation: string,
    /** Alibaba's error code (`Throttling.User`), or a transport code (`ECONNRESET`), or `MalformedResponse`. */
    readonly code: string,
    /** Alibaba's message for the code, without the SDK's decorations. */
    readonly detail: string,
    readonly statusCode?: number,
    readonly requestId?: string,
    /** RAM's explanation of a denial (`AuthAction`, `NoPermissionType`, ...), when the API sent one. */
    readonly accessDeniedDetail?: Readonly<Record<string, unknown>>,
  ) {
    const where = requestId ? ` (request ID ${requestId})` : '';
    super(`${operation} failed: ${code}${statusCode ? ` (HTTP ${statusCode})` : ''}: ${detail}${where}`);
    this.name = 'CloudError';
  }
}

/** Converts whatever the SDK threw into a CloudError; never copies request headers or credentials. */
export function toCloudError(operation: string, err: unknown): CloudError {
  if (err instanceof CloudError) return err;
  const e = (typeof err === 'object' && err !== null ? err : {}) as Record<string, unknown>;
  const data = (typeof e.data === 'object' && e.data !== null ? e.data : {}) as Record<string, unknown>;
  const code = str(e.code) ?? str(data.Code) ?? str(e.name) ?? 'UnknownError';
  const statusCode = typeof e.statusCode === 'number' ? e.statusCode : undefined;
  const requestId = str(e.requestId) ?? str(data.RequestId);
  const detail = str(data.Message) ?? stripSdkDecoration(str(e.message) ?? String(err));
  const denied = obj(e.accessDeniedDetail) ?? obj(data.AccessDeniedDetail);
  return new CloudError(operation, code, detail, statusCode, requestId === 'undefined' ? undefined : requestId, denied);
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

function str(v: unknown): string | undefined {
  return typeof v === 'string' && v !== '' ? v : undefined;
}
