import * as core from '@actions/core';
import type { Clock } from '../lib/clock.js';
import { systemClock } from '../lib/clock.js';
import { raceSignal, timeoutAfter, withRetry } from '../lib/retry.js';

/** The runner's token service answers in well under a second; 15 s per attempt, 3 attempts, full jitter under 500 ms * 2^n. */
export const ID_TOKEN_TIMEOUT_MS = 15_000;
const ATTEMPTS = 3;
const BASE_DELAY_MS = 500;

export interface IdTokenOptions {
  /** The call itself; default core.getIDToken (tests pass one that never answers). */
  fetch?: (audience: string) => Promise<string>;
  /** The signal that ends one attempt; default: aborts after ID_TOKEN_TIMEOUT_MS. */
  timeoutSignal?: (ms: number) => AbortSignal;
  clock?: Clock;
  random?: () => number;
}

/**
 * `core.getIDToken` under a timeout and the shared retry loop: a token service that never answers ends the wait
 * after at most ATTEMPTS timeouts instead of hanging the job. @actions/http-client has no timeout of its own here.
 */
export function getIdToken(audience: string, options: IdTokenOptions = {}): Promise<string> {
  const fetch = options.fetch ?? ((aud: string) => core.getIDToken(aud));
  const timeoutSignal = options.timeoutSignal ?? ((ms: number) => timeoutAfter('the GitHub OIDC token service', ms));
  return withRetry(
    () => raceSignal(fetch(audience), timeoutSignal(ID_TOKEN_TIMEOUT_MS)),
    { clock: options.clock ?? systemClock, random: options.random ?? Math.random },
    {
      attempts: ATTEMPTS,
      baseMs: BASE_DELAY_MS,
      capMs: Infinity,
      // Only a timeout is retried here: the http-client already retried the service's 5xx, and a 4xx will not pass.
      classify: (err) => ({ retry: err instanceof Error && err.name === 'TimeoutError' }),
    },
  );
}
