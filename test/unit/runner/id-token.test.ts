/** src/runner/id-token.ts: core.getIDToken under a timeout and the shared retry loop (issue 13, item 5). */
import { describe, expect, it } from 'vitest';
import { RequestTimeoutError } from '../../../src/lib/retry.js';
import { getIdToken, ID_TOKEN_TIMEOUT_MS } from '../../../src/runner/id-token.js';
import { virtualClock } from '../../fakes/runtime.js';

/** A timeout that has already fired: what 15 s of a token service that never answers comes to. */
const fired = (ms: number): AbortSignal => AbortSignal.abort(new RequestTimeoutError('the GitHub OIDC token service', ms));

describe('getIdToken', () => {
  it('gives up on a token service that never answers, after three timed-out attempts, instead of hanging', async () => {
    let calls = 0;
    const timeouts: number[] = [];
    const clock = virtualClock(0);
    const never = (): Promise<string> => {
      calls += 1;
      return new Promise<string>(() => undefined);
    };
    const pending = getIdToken('sts.aliyuncs.com', {
      fetch: never,
      timeoutSignal: (ms) => {
        timeouts.push(ms);
        return fired(ms);
      },
      clock,
      random: () => 0.5,
    });
    await expect(pending).rejects.toThrow(/no answer in 15 s/);
    expect(calls).toBe(3);
    expect(timeouts).toEqual([ID_TOKEN_TIMEOUT_MS, ID_TOKEN_TIMEOUT_MS, ID_TOKEN_TIMEOUT_MS]);
    expect(clock.slept).toHaveLength(2);
  });

  it('passes a refusal on at once: only a timeout is retried', async () => {
    let calls = 0;
    const refused = (): Promise<string> => {
      calls += 1;
      return Promise.reject(new Error('Failed to get ID Token. Error Code : 401'));
    };
    await expect(getIdToken('aud', { fetch: refused, clock: virtualClock(0) })).rejects.toThrow(/401/);
    expect(calls).toBe(1);
  });
});
