import { describe, expect, it } from 'vitest';
import { RENEW_MARGIN_MS, RenewingCredentials, type TemporaryKeys } from '../../../src/alibaba/sts-oidc.js';

const T0 = Date.parse('2026-11-22T03:00:00Z');

function keys(n: number, expiresAt: number): TemporaryKeys {
  return { accessKeyId: `STS.key${n}`, accessKeySecret: `secret-${n}`, securityToken: `token-${n}`, expiresAt };
}

function setup(lifetimeMs = 3_600_000) {
  let now = T0;
  let exchanges = 0;
  const renew = async (): Promise<TemporaryKeys> => {
    await new Promise((r) => setTimeout(r, 5));
    exchanges++;
    return keys(exchanges + 1, now + lifetimeMs);
  };
  const provider = new RenewingCredentials(keys(1, T0 + lifetimeMs), renew, () => now);
  return {
    provider,
    exchanges: () => exchanges,
    advance: (ms: number) => void (now += ms),
    lifetimeMs,
  };
}

describe('RenewingCredentials', () => {
  it('keeps the first keys until the renewal margin', async () => {
    const s = setup();
    s.advance(s.lifetimeMs - RENEW_MARGIN_MS - 1);
    expect(await s.provider.getCredentials()).toEqual({
      accessKeyId: 'STS.key1',
      accessKeySecret: 'secret-1',
      securityToken: 'token-1',
      providerName: 'github_oidc_role_arn',
    });
    expect(s.exchanges()).toBe(0);
  });

  it('exchanges again at the margin, once for concurrent calls, then keeps the new keys', async () => {
    const s = setup();
    s.advance(s.lifetimeMs - RENEW_MARGIN_MS);
    const all = await Promise.all([s.provider.getCredentials(), s.provider.getCredentials(), s.provider.getCredentials()]);
    expect(all.map((c) => c.accessKeyId)).toEqual(['STS.key2', 'STS.key2', 'STS.key2']);
    expect(s.exchanges()).toBe(1);
    s.advance(60_000);
    expect((await s.provider.getCredentials()).securityToken).toBe('token-2');
    expect(s.exchanges()).toBe(1);
    s.advance(s.lifetimeMs);
    expect((await s.provider.getCredentials()).accessKeyId).toBe('STS.key3');
  });

  it('lets a failed renewal surface, and tries again on the next call', async () => {
    let fail = true;
    const provider = new RenewingCredentials(
      keys(1, T0),
      () => (fail ? Promise.reject(new Error('STS unreachable')) : Promise.resolve(keys(2, T0 + 3_600_000))),
      () => T0,
    );
    await expect(provider.getCredentials()).rejects.toThrow('STS unreachable');
    fail = false;
    expect((await provider.getCredentials()).accessKeyId).toBe('STS.key2');
  });

  it('is an SDK credential the clients can use', async () => {
    const s = setup();
    expect((await s.provider.credential().getCredential()).accessKeyId).toBe('STS.key1');
  });
});
