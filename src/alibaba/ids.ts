/**
 * The forms of the IDs Alibaba Cloud hands back, checked before an ID is used anywhere (a log line, a file name, an
 * output, the next request): an answer that does not match is a malformed answer, not a name to trust. OOS execution
 * IDs are `exec-` and lower-case hex (`exec-44d32b45d2d14a04baec`); ECS instance IDs `i-` and lower-case letters
 * and digits (`i-bp1abc123`), as the instance-ids input takes them.
 */
export const EXECUTION_ID = /^exec-[a-z0-9]{1,64}$/;
export const INSTANCE_ID = /^i-[a-z0-9]{1,64}$/;

export function isExecutionId(value: unknown): value is string {
  return typeof value === 'string' && EXECUTION_ID.test(value);
}

export function isInstanceId(value: unknown): value is string {
  return typeof value === 'string' && INSTANCE_ID.test(value);
}
