import { READ_ONLY_OOS_METHODS, type ReadOnlyOos } from './types.js';

/**
 * A new object with only the read operations of `api`: StartExecution and CancelExecution are not on it, so code
 * given a ReadOnlyOos cannot reach them, not even through a cast (`action: report` runs on one).
 */
export function readOnly(api: ReadOnlyOos): ReadOnlyOos {
  const narrowed: Record<string, unknown> = {};
  for (const name of READ_ONLY_OOS_METHODS) {
    const method = api[name] as (...args: unknown[]) => unknown;
    narrowed[name] = (...args: unknown[]) => method.apply(api, args);
  }
  return narrowed as unknown as ReadOnlyOos;
}
