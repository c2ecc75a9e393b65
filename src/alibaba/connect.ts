import type Credential from '@alicloud/credentials';
import { systemClock } from '../lib/clock.js';
import { defaultOosEndpoint } from './endpoints.js';
import type { Settings } from '../inputs/parse.js';
import { createOosClient } from './oos/client.js';
import { readOnly } from './oos/read-only.js';
import type { OosApi, ReadOnlyOos } from './oos/types.js';
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
  const client = oosClient(settings, credential);
  return retryingOos(() => client, { clock: systemClock, random: Math.random, log });
}

/**
 * OOS as the action calls it: every call through the one retry helper, observing the signal the factory is called
 * with, StartExecution with its grace period. `clientFor` may build the client for that signal (tests record it).
 */
export function retryingOos(
  clientFor: (signal: AbortSignal) => OosApi,
  ctx: Pick<CloudRetryContext, 'clock' | 'random' | 'log'>,
): OosFactory {
  return (signal, onAttempt) =>
    retrying(clientFor(signal), { ...ctx, signal, ...(onAttempt ? { onAttempt } : {}) }, { startExecution: { graceMs: START_GRACE_MS } });
}

/** The read-only OOS of `action: report`, every call retried and observing `signal`: no Start/CancelExecution on it. */
export function connectReadOnlyOos(
  settings: Pick<Settings, 'region' | 'oosEndpoint'>,
  credential: Credential,
  signal: AbortSignal,
  log: (m: string) => void,
): ReadOnlyOos {
  const client = oosClient(settings, credential);
  return readOnly(retrying(readOnly(client), { clock: systemClock, random: Math.random, log, signal }));
}

/** The OOS client of the settings' region, at the endpoint they name or the region's own. */
function oosClient(settings: Pick<Settings, 'region' | 'oosEndpoint'>, credential: Credential) {
  return createOosClient({ region: settings.region, endpoint: settings.oosEndpoint ?? defaultOosEndpoint(settings.region), credential });
}
