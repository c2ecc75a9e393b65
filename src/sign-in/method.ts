import { Inputs } from '../inputs/names.js';
import type { AccessKeys } from '../alibaba/credential.js';
import { type Endpoint, parseEndpoint } from '../alibaba/endpoints.js';
import { ActionError, InputError } from '../lib/errors.js';
import { type InputReader, show } from '../inputs/parse.js';

/** Keyless sign-in: a GitHub OIDC token exchanged for temporary keys by STS AssumeRoleWithOIDC. */
export interface OidcSignIn {
  way: 'oidc';
  roleArn: string;
  oidcProviderArn: string;
  /** The `aud` of the GitHub token; must be a client ID of the OIDC provider. */
  audience: string;
  roleSessionName: string;
  durationSeconds: number;
  stsEndpoint: Endpoint;
  /** For the log: where this came from. */
  source: string;
}

/** Keys given directly: inputs or environment. */
export interface KeySignIn {
  way: 'keys';
  keys: AccessKeys;
  /** For the log and for error messages: the inputs or variables the keys came from. */
  source: string;
}

/** Which way to sign in, decided before any request. */
export type SignInMethod = OidcSignIn | KeySignIn;

export const DEFAULT_AUDIENCE = 'sts.aliyuncs.com';
export const DEFAULT_STS_ENDPOINT: Endpoint = { protocol: 'HTTPS', host: 'sts.aliyuncs.com' };
const MIN_ROLE_DURATION = 900;
/** The longest session RAM allows a role (its MaxSessionDuration tops out at 12 hours). */
const MAX_ROLE_DURATION = 43_200;
const DEFAULT_ROLE_DURATION = 3600;
const SESSION_NAME = /^[\w.@-]{2,64}$/;
const ROLE_ARN = /^acs:ram::\d+:role\/.+$/i;
const PROVIDER_ARN = /^acs:ram::\d+:oidc-provider\/.+$/i;

/** The two families of environment variables, in the order they are tried. */
const ENV_FAMILIES = [
  { id: 'ALIBABA_CLOUD_ACCESS_KEY_ID', secret: 'ALIBABA_CLOUD_ACCESS_KEY_SECRET', token: 'ALIBABA_CLOUD_SECURITY_TOKEN' },
  { id: 'ALICLOUD_ACCESS_KEY', secret: 'ALICLOUD_SECRET_KEY', token: 'ALICLOUD_SECURITY_TOKEN' },
] as const;

/** Every input and variable that may hold a secret: masked before anything else runs. */
export const SECRET_INPUTS = [Inputs.AccessKeySecret, Inputs.SecurityToken, Inputs.GithubToken] as const;
export const SECRET_ENV = ENV_FAMILIES.flatMap((f) => [f.secret, f.token]);

const OIDC_EXAMPLE = [
  'permissions:',
  '  id-token: write',
  'steps:',
  '  - uses: <this action>',
  '    with:',
  '      role-to-assume: acs:ram::<account-id>:role/<role-name>',
  '      oidc-provider-arn: acs:ram::<account-id>:oidc-provider/<provider-name>',
].join('\n');

/**
 * Decides how to sign in; the first way that applies wins: GitHub OIDC inputs, key inputs,
 * ALIBABA_CLOUD_* variables, ALICLOUD_* variables. Half a pair is an error, not a fall-through.
 */
export function resolveCredentials(read: InputReader, env: NodeJS.ProcessEnv): SignInMethod {
  const get = (name: string): string => read(name).trim();
  const oidc = resolveOidc(get, env);
  if (oidc) return oidc;
  const fromInputs = resolveKeyInputs(get);
  if (fromInputs) return fromInputs;
  for (const family of ENV_FAMILIES) {
    const fromEnv = resolveEnvFamily(env, family);
    if (fromEnv) return fromEnv;
  }
  throw new ActionError(
    'No Alibaba Cloud credentials. Sign in one of three ways: ' +
      '(1) keyless with GitHub OIDC: inputs role-to-assume and oidc-provider-arn; ' +
      '(2) inputs access-key-id and access-key-secret (optionally security-token) from secrets; ' +
      '(3) environment ALIBABA_CLOUD_ACCESS_KEY_ID and ALIBABA_CLOUD_ACCESS_KEY_SECRET ' +
      '(as aliyun/configure-aliyun-credentials-action sets them). For example:\n' +
      OIDC_EXAMPLE,
  );
}

function resolveOidc(get: (name: string) => string, env: NodeJS.ProcessEnv): OidcSignIn | undefined {
  const roleArn = get(Inputs.RoleToAssume);
  const oidcProviderArn = get(Inputs.OidcProviderArn);
  if (roleArn === '' && oidcProviderArn === '') return undefined;
  if (oidcProviderArn === '') {
    throw new InputError(
      Inputs.OidcProviderArn,
      `is required with ${Inputs.RoleToAssume}: the ARN acs:ram::<account-id>:oidc-provider/<name>`,
    );
  }
  if (roleArn === '') {
    throw new InputError(Inputs.RoleToAssume, `is required with ${Inputs.OidcProviderArn}: the ARN acs:ram::<account-id>:role/<name>`);
  }
  if (!ROLE_ARN.test(roleArn)) {
    const swapped = PROVIDER_ARN.test(roleArn) ? ' (this is an OIDC provider ARN: are the two inputs swapped?)' : '';
    throw new InputError(
      Inputs.RoleToAssume,
      `expected a RAM role ARN such as acs:ram::123456789012:role/patching, got ${show(roleArn)}${swapped}`,
    );
  }
  if (!PROVIDER_ARN.test(oidcProviderArn)) {
    throw new InputError(
      Inputs.OidcProviderArn,
      `expected an OIDC provider ARN such as acs:ram::123456789012:oidc-provider/github, got ${show(oidcProviderArn)}`,
    );
  }
  const audience = get(Inputs.Audience) || DEFAULT_AUDIENCE;
  const roleSessionName = get(Inputs.RoleSessionName) || defaultSessionName(env);
  if (!SESSION_NAME.test(roleSessionName)) {
    throw new InputError(Inputs.RoleSessionName, `expected 2 to 64 letters, digits or . @ - _, got ${show(roleSessionName)}`);
  }
  const durationSeconds = parseDuration(get(Inputs.RoleDurationSeconds));
  const stsEndpoint = parseStsEndpoint(get(Inputs.StsEndpoint));
  if (!env.ACTIONS_ID_TOKEN_REQUEST_URL) {
    throw new ActionError(
      `${Inputs.RoleToAssume} needs a GitHub OIDC token, but this job may not request one (ACTIONS_ID_TOKEN_REQUEST_URL is not set): ` +
        "add 'id-token: write' to the job's permissions (listing permissions drops the unlisted ones, so keep 'contents: read' if the job checks out code).",
    );
  }
  return {
    way: 'oidc',
    roleArn,
    oidcProviderArn,
    audience,
    roleSessionName,
    durationSeconds,
    stsEndpoint,
    source: `GitHub OIDC (${Inputs.RoleToAssume})`,
  };
}

function resolveKeyInputs(get: (name: string) => string): KeySignIn | undefined {
  const accessKeyId = get(Inputs.AccessKeyId);
  const accessKeySecret = get(Inputs.AccessKeySecret);
  const securityToken = get(Inputs.SecurityToken);
  if (accessKeyId === '' && accessKeySecret === '') {
    if (securityToken !== '') {
      throw new InputError(
        Inputs.SecurityToken,
        `is given without ${Inputs.AccessKeyId} and ${Inputs.AccessKeySecret}; an STS token needs the key pair issued with it`,
      );
    }
    return undefined;
  }
  if (accessKeySecret === '') throw new InputError(Inputs.AccessKeySecret, `is required with ${Inputs.AccessKeyId}`);
  if (accessKeyId === '') throw new InputError(Inputs.AccessKeyId, `is required with ${Inputs.AccessKeySecret}`);
  const keys: AccessKeys = { accessKeyId, accessKeySecret, ...(securityToken ? { securityToken } : {}) };
  const names = [Inputs.AccessKeyId, Inputs.AccessKeySecret, ...(securityToken ? [Inputs.SecurityToken] : [])];
  return { way: 'keys', keys, source: `inputs ${names.join(', ')}` };
}

function resolveEnvFamily(env: NodeJS.ProcessEnv, family: (typeof ENV_FAMILIES)[number]): KeySignIn | undefined {
  const accessKeyId = env[family.id]?.trim() ?? '';
  const accessKeySecret = env[family.secret]?.trim() ?? '';
  const securityToken = env[family.token]?.trim() ?? '';
  if (accessKeyId === '' && accessKeySecret === '') {
    if (securityToken !== '') {
      throw new ActionError(
        `${family.token} is set without ${family.id} and ${family.secret}: an STS token needs the key pair issued with it.`,
      );
    }
    return undefined;
  }
  if (accessKeyId === '' || accessKeySecret === '') {
    const [set, missing] = accessKeyId === '' ? [family.secret, family.id] : [family.id, family.secret];
    throw new ActionError(`${set} is set but ${missing} is not: set both, or neither.`);
  }
  const keys: AccessKeys = { accessKeyId, accessKeySecret, ...(securityToken ? { securityToken } : {}) };
  const names = [family.id, family.secret, ...(securityToken ? [family.token] : [])];
  return { way: 'keys', keys, source: `environment ${names.join(', ')}` };
}

function defaultSessionName(env: NodeJS.ProcessEnv): string {
  const run = env.GITHUB_RUN_ID?.trim() || 'local';
  const attempt = env.GITHUB_RUN_ATTEMPT?.trim() || '1';
  return `github-${run}-${attempt}`;
}

function parseDuration(value: string): number {
  if (value === '') return DEFAULT_ROLE_DURATION;
  const n = /^\d+$/.test(value) ? Number(value) : NaN;
  if (!Number.isSafeInteger(n) || n < MIN_ROLE_DURATION || n > MAX_ROLE_DURATION) {
    throw new InputError(
      Inputs.RoleDurationSeconds,
      `expected a whole number of seconds from ${MIN_ROLE_DURATION} to ${MAX_ROLE_DURATION} (and at most the role's maximum session duration), got ${show(value)}`,
    );
  }
  return n;
}

function parseStsEndpoint(value: string): Endpoint {
  if (value === '') return DEFAULT_STS_ENDPOINT;
  const endpoint = parseEndpoint(value);
  if (!endpoint) {
    throw new InputError(
      Inputs.StsEndpoint,
      `expected a host such as sts-vpc.cn-hangzhou.aliyuncs.com or an https URL, got ${show(value)}`,
    );
  }
  // @alicloud/credentials calls STS over HTTPS only; a plain-HTTP endpoint could never answer it.
  if (endpoint.protocol !== 'HTTPS') {
    throw new InputError(Inputs.StsEndpoint, `STS is called over HTTPS only; give a host or an https:// URL, got ${show(value)}`);
  }
  return endpoint;
}

/** The key ID as it may be shown: the first 4 characters. */
export function maskKeyId(accessKeyId: string): string {
  return `${accessKeyId.slice(0, 4)}****`;
}
