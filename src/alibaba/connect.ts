import type Credential from '@alicloud/credentials';
import { systemClock } from '../lib/clock.js';
import { defaultOosEndpoint } from './endpoints.js';
import type { Settings } from '../inputs/parse.js';
import { createOosClient } from './oos/client.js';
import type { OosApi } from './oos/types.js';
import { type CloudRetryContext, retrying } from './retry.js';

/**
 * When the job is cancelled while StartExecution is in flight, wait this long for its answer: with the execution ID
 * in hand it can be cancelled, without it the execution would run on unseen. Cancelling still fits in CLEANUP_BUDGET_MS.
 */
export const START_GRACE_MS = 1500;

/** The production retry context: real time, real randomness, observing `signal`. */
export function retryContext(signal: AbortSignal, log: (m: string) => void, onAttempt?: (attempt: number) => void): CloudRetryContext {
  return { clock: systemClock, random: Math.random, log, signal, ...(onAttempt ? { onAttempt } : {}) };
}

/** OOS through the retry helper, observing `signal` (the job's, or a cleanup budget's). */
export type OosFactory = (signal: AbortSignal, onAttempt?: (attempt: number) => void) => OosApi;

/** The OOS client for these settings; every call made through it is retried by the one retry helper. */
export function connectOos(
  settings: Pick<Settings, 'region' | 'oosEndpoint'>,
  credential: Credential,
  log: (m: string) => void,
): OosFactory {
  const client = createOosClient({
    region: settings.region,
    endpoint: settings.oosEndpoint ?? defaultOosEndpoint(settings.region),
    credential,
  });
  return (signal, onAttempt) => retrying(client, retryContext(signal, log, onAttempt), { startExecution: { graceMs: START_GRACE_MS } });
}
