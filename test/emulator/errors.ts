/**
 * Error model of the emulator: an ApiError carries the HTTP status and the Alibaba error Code;
 * the server turns it into the usual `{RequestId, HostId, Code, Message, Recommend}` JSON body.
 */

/** Generic codes shared by every product served by the emulator. */
export const ERR_INVALID_ACTION = 'InvalidAction.NotFound';
export const ERR_INVALID_VERSION = 'InvalidVersion';
export const ERR_MISSING_ACTION = 'MissingAction';
export const ERR_INVALID_PARAMETER = 'InvalidParameter';
export const ERR_PARAMETER_MISSING = 'ParameterMissing';
export const ERR_INTERNAL = 'InternalError';

export class ApiError extends Error {
  readonly status: number;
  readonly code: string;

  constructor(status: number, code: string, message: string) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
  }
}

export function invalidParameter(message: string): ApiError {
  return new ApiError(400, ERR_INVALID_PARAMETER, message);
}

export function parameterMissing(name: string): ApiError {
  return new ApiError(400, ERR_PARAMETER_MISSING, `The parameter ${name} is required.`);
}

/** The `Recommend` link Alibaba puts in every error body. */
export function recommendUrl(code: string, requestId: string, product = 'Oos'): string {
  return `https://api.aliyun.com/troubleshoot?q=${encodeURIComponent(code)}&product=${product}&requestId=${requestId}`;
}
