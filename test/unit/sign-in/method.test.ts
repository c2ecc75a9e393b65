import { describe, expect, it } from 'vitest';
import { type SignInMethod, DEFAULT_AUDIENCE, DEFAULT_STS_ENDPOINT, maskKeyId, resolveCredentials } from '../../../src/sign-in/method.js';
import { ActionError, InputError } from '../../../src/lib/errors.js';

const ROLE = 'acs:ram::1234567890123456:role/patching';
const PROVIDER = 'acs:ram::1234567890123456:oidc-provider/github';
const OIDC = { 'role-to-assume': ROLE, 'oidc-provider-arn': PROVIDER };
const KEYS = { 'access-key-id': 'LTAIinput', 'access-key-secret': 'input-secret' };
const RUNNER = { ACTIONS_ID_TOKEN_REQUEST_URL: 'http://127.0.0.1:1/token', GITHUB_RUN_ID: '77', GITHUB_RUN_ATTEMPT: '2' };
const ENV_KEYS = { ALIBABA_CLOUD_ACCESS_KEY_ID: 'LTAIenv', ALIBABA_CLOUD_ACCESS_KEY_SECRET: 'env-secret' };
const ALIAS_KEYS = { ALICLOUD_ACCESS_KEY: 'LTAIalias', ALICLOUD_SECRET_KEY: 'alias-secret' };

function resolve(inputs: Record<string, string>, env: Record<string, string> = {}): SignInMethod {
  return resolveCredentials((name) => inputs[name] ?? '', env);
}

function failure(inputs: Record<string, string>, env: Record<string, string> = {}): Error {
  try {
    resolve(inputs, env);
  } catch (err) {
    return err as Error;
  }
  throw new Error('expected resolveCredentials to throw');
}

describe('resolveCredentials: which way applies', () => {
  const cases: [string, Record<string, string>, Record<string, string>, string][] = [
    ['OIDC inputs', OIDC, RUNNER, 'oidc'],
    ['OIDC inputs over key inputs and env', { ...OIDC, ...KEYS }, { ...RUNNER, ...ENV_KEYS, ...ALIAS_KEYS }, 'oidc'],
    ['key inputs', KEYS, {}, 'inputs access-key-id, access-key-secret'],
    ['key inputs over env', KEYS, { ...ENV_KEYS, ...ALIAS_KEYS }, 'inputs access-key-id, access-key-secret'],
    ['key inputs with a token', { ...KEYS, 'security-token': 'tok' }, {}, 'inputs access-key-id, access-key-secret, security-token'],
    ['ALIBABA_CLOUD_* env', {}, ENV_KEYS, 'environment ALIBABA_CLOUD_ACCESS_KEY_ID, ALIBABA_CLOUD_ACCESS_KEY_SECRET'],
    [
      'ALIBABA_CLOUD_* over ALICLOUD_*',
      {},
      { ...ENV_KEYS, ...ALIAS_KEYS },
      'environment ALIBABA_CLOUD_ACCESS_KEY_ID, ALIBABA_CLOUD_ACCESS_KEY_SECRET',
    ],
    ['ALICLOUD_* env', {}, ALIAS_KEYS, 'environment ALICLOUD_ACCESS_KEY, ALICLOUD_SECRET_KEY'],
    [
      'ALICLOUD_* with a token',
      {},
      { ...ALIAS_KEYS, ALICLOUD_SECURITY_TOKEN: 'tok' },
      'environment ALICLOUD_ACCESS_KEY, ALICLOUD_SECRET_KEY, ALICLOUD_SECURITY_TOKEN',
    ],
  ];
  it.each(cases)('%s', (_name, inputs, env, expected) => {
    const method = resolve(inputs, env);
    expect(method.way === 'oidc' ? 'oidc' : method.source).toBe(expected);
  });

  it('takes the keys from the way that applies, trimmed', () => {
    expect(resolve({ 'access-key-id': ' LTAIx ', 'access-key-secret': ' s3cret\n', 'security-token': ' t ' })).toEqual({
      way: 'keys',
      keys: { accessKeyId: 'LTAIx', accessKeySecret: 's3cret', securityToken: 't' },
      source: 'inputs access-key-id, access-key-secret, security-token',
    });
    const method = resolve({}, ALIAS_KEYS);
    expect(method.way === 'keys' && method.keys).toEqual({ accessKeyId: 'LTAIalias', accessKeySecret: 'alias-secret' });
  });

  it('fills the OIDC defaults', () => {
    expect(resolve(OIDC, RUNNER)).toEqual({
      way: 'oidc',
      roleArn: ROLE,
      oidcProviderArn: PROVIDER,
      audience: DEFAULT_AUDIENCE,
      roleSessionName: 'github-77-2',
      durationSeconds: 3600,
      stsEndpoint: DEFAULT_STS_ENDPOINT,
      source: 'GitHub OIDC (role-to-assume)',
    });
  });

  it('reads the OIDC options', () => {
    const method = resolve(
      {
        ...OIDC,
        audience: 'my-aud',
        'role-session-name': 'nightly.patch',
        'role-duration-seconds': '900',
        'sts-endpoint': 'sts-vpc.cn-hangzhou.aliyuncs.com',
      },
      RUNNER,
    );
    expect(method).toMatchObject({
      audience: 'my-aud',
      roleSessionName: 'nightly.patch',
      durationSeconds: 900,
      stsEndpoint: { protocol: 'HTTPS', host: 'sts-vpc.cn-hangzhou.aliyuncs.com' },
    });
    expect(resolve({ ...OIDC, 'sts-endpoint': 'https://127.0.0.1:8443' }, RUNNER)).toMatchObject({
      stsEndpoint: { protocol: 'HTTPS', host: '127.0.0.1:8443' },
    });
  });
});

describe('resolveCredentials: errors', () => {
  const inputErrors: [string, Record<string, string>, Record<string, string>, string][] = [
    ['a role without a provider', { 'role-to-assume': ROLE }, RUNNER, 'oidc-provider-arn'],
    ['a provider without a role', { 'oidc-provider-arn': PROVIDER }, RUNNER, 'role-to-assume'],
    ['a key ID without a secret', { 'access-key-id': 'LTAIx' }, {}, 'access-key-secret'],
    ['a secret without a key ID', { 'access-key-secret': 's' }, {}, 'access-key-id'],
    ['a token without keys', { 'security-token': 't' }, ENV_KEYS, 'security-token'],
    ['a role ARN that is not one', { ...OIDC, 'role-to-assume': 'patching' }, RUNNER, 'role-to-assume'],
    ['swapped ARNs', { 'role-to-assume': PROVIDER, 'oidc-provider-arn': ROLE }, RUNNER, 'role-to-assume'],
    ['a provider ARN that is not one', { ...OIDC, 'oidc-provider-arn': ROLE }, RUNNER, 'oidc-provider-arn'],
    ['a duration under 900', { ...OIDC, 'role-duration-seconds': '899' }, RUNNER, 'role-duration-seconds'],
    ['a duration over 43200', { ...OIDC, 'role-duration-seconds': '43201' }, RUNNER, 'role-duration-seconds'],
    ['a duration that is not a number', { ...OIDC, 'role-duration-seconds': '1h' }, RUNNER, 'role-duration-seconds'],
    ['a bad session name', { ...OIDC, 'role-session-name': 'has space' }, RUNNER, 'role-session-name'],
    ['an STS endpoint with a path', { ...OIDC, 'sts-endpoint': 'https://sts.aliyuncs.com/x' }, RUNNER, 'sts-endpoint'],
    ['a plain-HTTP STS endpoint', { ...OIDC, 'sts-endpoint': 'http://127.0.0.1:8080' }, RUNNER, 'sts-endpoint'],
  ];
  it.each(inputErrors)('%s is an input error naming the input', (_name, inputs, env, input) => {
    const err = failure(inputs, env);
    expect(err).toBeInstanceOf(InputError);
    expect((err as InputError).input).toBe(input);
  });

  it('a role ARN swapped with the provider ARN says so', () => {
    expect(failure({ 'role-to-assume': PROVIDER, 'oidc-provider-arn': ROLE }, RUNNER).message).toContain('swapped');
  });

  it('half an env pair is an error, not a fall-through to the next family', () => {
    const err = failure({}, { ALIBABA_CLOUD_ACCESS_KEY_ID: 'LTAIenv', ...ALIAS_KEYS });
    expect(err).toBeInstanceOf(ActionError);
    expect(err.message).toContain('ALIBABA_CLOUD_ACCESS_KEY_SECRET');
    expect(failure({}, { ALICLOUD_SECRET_KEY: 's' }).message).toContain('ALICLOUD_ACCESS_KEY ');
    expect(failure({}, { ALIBABA_CLOUD_SECURITY_TOKEN: 't' }).message).toContain('ALIBABA_CLOUD_SECURITY_TOKEN');
  });

  it('OIDC without id-token: write says to add the permission', () => {
    const err = failure(OIDC, { GITHUB_RUN_ID: '1' });
    expect(err).toBeInstanceOf(ActionError);
    expect(err.message).toContain("'id-token: write'");
    expect(err.message).toContain('ACTIONS_ID_TOKEN_REQUEST_URL');
  });

  it('no credentials names the three ways with a YAML example of OIDC', () => {
    const err = failure({}, { GITHUB_RUN_ID: '1' });
    expect(err).toBeInstanceOf(ActionError);
    for (const name of ['role-to-assume', 'oidc-provider-arn', 'access-key-id', 'ALIBABA_CLOUD_ACCESS_KEY_ID', 'id-token: write']) {
      expect(err.message).toContain(name);
    }
  });
});

describe('maskKeyId', () => {
  it('shows the first four characters only', () => {
    expect(maskKeyId('LTAI5tSecretPart')).toBe('LTAI****');
  });
});
