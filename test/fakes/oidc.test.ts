import * as core from '@actions/core';
import { afterEach, describe, expect, it } from 'vitest';
import { GITHUB_ISSUER, startOidcFake, verifyJwt, type OidcFake } from './oidc.js';

let fake: OidcFake | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

async function getIdToken(env: Record<string, string>, audience: string): Promise<string> {
  const saved = { url: process.env.ACTIONS_ID_TOKEN_REQUEST_URL, token: process.env.ACTIONS_ID_TOKEN_REQUEST_TOKEN };
  Object.assign(process.env, env);
  try {
    return await core.getIDToken(audience);
  } finally {
    for (const [name, value] of [
      ['ACTIONS_ID_TOKEN_REQUEST_URL', saved.url],
      ['ACTIONS_ID_TOKEN_REQUEST_TOKEN', saved.token],
    ] as const) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  }
}

describe('OIDC token fake', () => {
  it('issues a verifiable token with the requested audience to the real core.getIDToken', async () => {
    fake = await startOidcFake({ claims: { environment: 'production' } });
    const token = await getIdToken(fake.env, 'sts.aliyuncs.com');
    const claims = verifyJwt(token, fake.publicKey);
    expect(claims).toMatchObject({
      aud: 'sts.aliyuncs.com',
      iss: GITHUB_ISSUER,
      environment: 'production',
      sub: 'repo:octo-org/patching:environment:production',
    });
    expect(fake.requests).toEqual([{ audience: 'sts.aliyuncs.com', authorized: true }]);
    expect(fake.issued).toEqual([token]);
  });

  it('refuses a request without the runtime token, and a tampered token fails verification', async () => {
    fake = await startOidcFake();
    await expect(getIdToken({ ...fake.env, ACTIONS_ID_TOKEN_REQUEST_TOKEN: 'wrong' }, 'x')).rejects.toThrow(/ID Token/);
    expect(fake.requests[0]?.authorized).toBe(false);
    const token = await getIdToken(fake.env, 'x');
    const [h, , s] = token.split('.');
    const forged = `${h}.${Buffer.from(JSON.stringify({ environment: 'production' })).toString('base64url')}.${s}`;
    expect(verifyJwt(forged, fake.publicKey)).toBeUndefined();
  });
});
