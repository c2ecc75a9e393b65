import { request } from 'node:https';
import { readFile } from 'node:fs/promises';
import OpenApi, { $OpenApiUtil, OpenApiUtil } from '@alicloud/openapi-core';
import Credential, { Config } from '@alicloud/credentials';
import * as $dara from '@darabonba/typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GITHUB_ISSUER, signJwt } from '../fakes/oidc.js';
import { githubSigningKey, newSigningKey } from '../fakes/signing-key.js';
import {
  DEFAULT_CREDENTIALS,
  DEFAULT_OIDC_PROVIDER_ARN,
  DEFAULT_ROLE_ARN,
  ERR_ASSUME_DENIED,
  ERR_OIDC_TOKEN_EXPIRED,
  ERR_OIDC_TOKEN_INVALID,
  ERR_PROVIDER_NOT_FOUND,
  ERR_RAM_DENIED,
  ERR_ROLE_NOT_FOUND,
  ERR_SECURITY_TOKEN_EXPIRED,
  startEmulator,
  type Emulator,
  type EmulatorCredential,
} from './index.js';

type Body = Record<string, unknown>;

let emulator: Emulator;
/** The key GitHub's tokens are signed with, here. */
const github = githubSigningKey();

beforeAll(async () => {
  emulator = await startEmulator({
    sts: {
      publicKey: github.publicKey,
      clientIds: ['sts.aliyuncs.com'],
      subjects: ['repo:octo-org/patching:environment:*'],
      maxSessionDuration: 7200,
    },
  });
});
afterAll(async () => {
  await emulator.close();
});

/** A GitHub-shaped token, signed with GitHub's key (or another), with claims overridden. */
function token(claims: Body = {}, key = github.privateKey): string {
  const now = Math.floor(Date.now() / 1000);
  return signJwt(
    {
      sub: 'repo:octo-org/patching:environment:production',
      aud: 'sts.aliyuncs.com',
      iss: GITHUB_ISSUER,
      iat: now,
      exp: now + 300,
      ...claims,
    },
    key,
  );
}

async function assume(params: Record<string, string>): Promise<{ status: number; body: Body }> {
  const form = new URLSearchParams({
    OIDCProviderArn: DEFAULT_OIDC_PROVIDER_ARN,
    RoleArn: DEFAULT_ROLE_ARN,
    RoleSessionName: 'test-session',
    DurationSeconds: '900',
    ...params,
  });
  const res = await fetch(`${emulator.url}/?Version=2015-04-01&Action=AssumeRoleWithOIDC&Format=JSON`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: form.toString(),
  });
  return { status: res.status, body: (await res.json()) as Body };
}

function oos(cred: EmulatorCredential): (action: string) => Promise<Body> {
  const credential = new Credential(
    new Config(
      cred.securityToken
        ? { type: 'sts', accessKeyId: cred.accessKeyId, accessKeySecret: cred.accessKeySecret, securityToken: cred.securityToken }
        : { type: 'access_key', accessKeyId: cred.accessKeyId, accessKeySecret: cred.accessKeySecret },
    ),
  );
  const client = new OpenApi(new $OpenApiUtil.Config({ credential, endpoint: emulator.endpoint, protocol: 'HTTP' }));
  return async (action) => {
    const params = new $OpenApiUtil.Params({
      action,
      version: '2019-06-01',
      protocol: 'HTTP',
      pathname: '/',
      method: 'POST',
      authType: 'AK',
      style: 'RPC',
      reqBodyType: 'formData',
      bodyType: 'json',
    });
    const req = new $OpenApiUtil.OpenApiRequest({ query: OpenApiUtil.query({ RegionId: 'cn-hangzhou' }) });
    return (await client.callApi(params, req, new $dara.RuntimeOptions({})))['body'] as Body;
  };
}

async function codeOf(p: Promise<unknown>): Promise<{ code: string; statusCode: number; accessDeniedDetail: unknown }> {
  try {
    await p;
  } catch (err) {
    return err as { code: string; statusCode: number; accessDeniedDetail: unknown };
  }
  throw new Error('expected an error');
}

describe('STS AssumeRoleWithOIDC', () => {
  it('issues keys for a valid token, which then sign OOS calls with the security token', async () => {
    const { status, body } = await assume({ OIDCToken: token() });
    expect(status).toBe(200);
    const c = body.Credentials as Record<string, string>;
    expect(c.AccessKeyId).toMatch(/^STS\./);
    expect(Date.parse(c.Expiration ?? '') - Date.now()).toBeGreaterThan(800_000);
    const session = emulator.stsSessions.at(-1);
    expect(session).toMatchObject({
      roleSessionName: 'test-session',
      durationSeconds: 900,
      subject: 'repo:octo-org/patching:environment:production',
    });
    const cred = { accessKeyId: c.AccessKeyId ?? '', accessKeySecret: c.AccessKeySecret ?? '', securityToken: c.SecurityToken ?? '' };
    await expect(oos(cred)('ListExecutions')).resolves.toHaveProperty('Executions');
    expect(emulator.callsOf('ListExecutions').at(-1)).toMatchObject({ accessKeyId: cred.accessKeyId, securityToken: cred.securityToken });
    // Without the token the key is refused.
    const err = await codeOf(oos({ accessKeyId: cred.accessKeyId, accessKeySecret: cred.accessKeySecret })('ListExecutions'));
    expect(err.code).toBe('InvalidSecurityToken.Missing');
  });

  it.each([
    ['a token signed by another key', () => token({}, newSigningKey().privateKey), ERR_OIDC_TOKEN_INVALID, 400],
    ['another issuer', () => token({ iss: 'https://gitlab.com' }), ERR_OIDC_TOKEN_INVALID, 400],
    ['an audience that is not a client ID', () => token({ aud: 'other' }), ERR_OIDC_TOKEN_INVALID, 400],
    ['an expired token', () => token({ exp: Math.floor(Date.now() / 1000) - 1 }), ERR_OIDC_TOKEN_EXPIRED, 400],
    [
      'a subject the trust policy does not allow',
      () => token({ sub: 'repo:octo-org/patching:ref:refs/heads/main' }),
      ERR_ASSUME_DENIED,
      401,
    ],
  ])('rejects %s', async (_name, make, code, status) => {
    const before = emulator.stsSessions.length;
    const res = await assume({ OIDCToken: make() });
    expect([res.status, res.body.Code]).toEqual([status, code]);
    expect(emulator.stsSessions).toHaveLength(before);
  });

  it('rejects an unknown provider or role, a duration over the role maximum, and missing parameters', async () => {
    const t = token();
    const noProvider = await assume({ OIDCToken: t, OIDCProviderArn: 'acs:ram::1:oidc-provider/x' });
    // STS's one code for two causes: the message tells them apart.
    expect([noProvider.status, noProvider.body.Code, noProvider.body.Message]).toEqual([
      401,
      'AuthenticationFail.NoPermission',
      'No such OIDC Provider registered.',
    ]);
    expect(ERR_PROVIDER_NOT_FOUND).toBe(ERR_ASSUME_DENIED);
    expect((await assume({ OIDCToken: t, RoleArn: 'acs:ram::1:role/x' })).body.Code).toBe(ERR_ROLE_NOT_FOUND);
    expect((await assume({ OIDCToken: t, DurationSeconds: '7201' })).body.Code).toBe('InvalidParameter');
    expect((await assume({ OIDCToken: t, DurationSeconds: '899' })).body.Code).toBe('InvalidParameter');
    expect((await assume({})).body.Code).toBe('ParameterMissing');
  });

  it('is served over HTTPS with a certificate written for NODE_EXTRA_CA_CERTS', async () => {
    const tls = emulator.tls;
    if (!tls) throw new Error('no TLS listener');
    const ca = await readFile(tls.caFile, 'utf8');
    const status = await new Promise<number>((resolve, reject) => {
      const req = request(`${tls.url}/?Version=2015-04-01&Action=AssumeRoleWithOIDC`, { method: 'POST', ca }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', reject);
      req.end();
    });
    expect(status).toBe(400); // reached the handler: ParameterMissing
  });
});

describe('credential expiry and RAM denials', () => {
  it('refuses an expired STS key with InvalidSecurityToken.Expired', async () => {
    const cred = { accessKeyId: 'STS.expiring', accessKeySecret: 'expiring-secret', securityToken: 'CAISexpiring' };
    emulator.addCredential(cred);
    await expect(oos(cred)('ListExecutions')).resolves.toBeDefined();
    emulator.expireCredential(cred.accessKeyId);
    expect((await codeOf(oos(cred)('ListExecutions'))).code).toBe(ERR_SECURITY_TOKEN_EXPIRED);
  });

  it('denies an action to one key with Forbidden.RAM and RAM detail, until undone', async () => {
    const cred = { accessKeyId: 'STS.denied', accessKeySecret: 'denied-secret', securityToken: 'CAISdenied' };
    emulator.addCredential(cred);
    const undo = emulator.denyActions(cred.accessKeyId, ['oos:ListExecutions']);
    const err = await codeOf(oos(cred)('ListExecutions'));
    expect([err.code, err.statusCode]).toEqual([ERR_RAM_DENIED, 403]);
    expect(err.accessDeniedDetail).toMatchObject({ AuthAction: 'oos:ListExecutions' });
    // Other keys are not affected.
    await expect(oos(DEFAULT_CREDENTIALS)('ListExecutions')).resolves.toBeDefined();
    undo();
    await expect(oos(cred)('ListExecutions')).resolves.toBeDefined();
  });

  it('denies with another code and no detail when asked', async () => {
    const cred = { accessKeyId: 'STS.bare', accessKeySecret: 'bare-secret', securityToken: 'CAISbare' };
    emulator.addCredential(cred);
    const undo = emulator.denyActions('*', ['oos:ListExecutions'], { code: 'NoPermission', detail: false });
    const err = await codeOf(oos(cred)('ListExecutions'));
    undo();
    expect([err.code, err.statusCode, err.accessDeniedDetail ?? null]).toEqual(['NoPermission', 403, null]);
  });
});
