import { ActionError } from './errors.js';

/**
 * The value of a variable the runner always sets. Its absence means the action runs outside a workflow;
 * `missing` words that for the caller, from the variable's name.
 */
export function requireEnv(env: NodeJS.ProcessEnv, name: string, missing: (name: string) => string): string {
  const value = env[name];
  if (!value) throw new ActionError(missing(name));
  return value;
}

/** GITHUB_RUN_ATTEMPT: 1 for the first attempt of a workflow run, then 2, ... for each re-run. */
export function runAttempt(env: NodeJS.ProcessEnv): number {
  const n = Number(env.GITHUB_RUN_ATTEMPT ?? '1');
  return Number.isSafeInteger(n) && n > 0 ? n : 1;
}
