import * as core from '@actions/core';
import { type Credential, toCredential } from '../alibaba/credential.js';
import { maskKeyId, resolveCredentials, SECRET_ENV, SECRET_INPUTS } from './method.js';
import type { SignInContext } from './explain.js';
import type { InputReader } from '../inputs/parse.js';
import { assumeRoleWithOidc, RenewingCredentials, type TemporaryKeys } from '../alibaba/sts-oidc.js';
import { type CloudRetryContext, withCloudRetry } from '../alibaba/retry.js';
import type { SecretRegistry } from '../lib/secrets.js';
import { getIdToken } from '../runner/id-token.js';

export interface SignedIn {
  credential: Credential;
  context: SignInContext;
}

/**
 * Masks every secret input and variable before anything can print it. Call first thing: `run()` reads
 * other inputs and may log before it signs in.
 */
export function protectSecrets(read: InputReader, env: NodeJS.ProcessEnv, secrets: SecretRegistry): void {
  for (const name of SECRET_INPUTS) secrets.protect(read(name));
  for (const name of SECRET_ENV) secrets.protect(env[name]);
}

/**
 * Decides how to sign in and does it before any client is built: a GitHub OIDC exchange fails here, early
 * and clearly, rather than inside the first OOS call. It is repeated only for a run that outlives the
 * temporary keys, shortly before they expire.
 */
export async function signIn(
  read: InputReader,
  env: NodeJS.ProcessEnv,
  secrets: SecretRegistry,
  retry?: CloudRetryContext,
): Promise<SignedIn> {
  const method = resolveCredentials(read, env);
  if (method.way === 'keys') {
    const { keys, source } = method;
    for (const value of [keys.accessKeySecret, keys.securityToken]) secrets.protect(value);
    core.info(`Credentials: ${source}; key ${maskKeyId(keys.accessKeyId)}${keys.securityToken ? ' with an STS security token' : ''}`);
    return { credential: toCredential(keys), context: { way: 'keys', source, accessKeyId: keys.accessKeyId } };
  }

  core.info(
    `Credentials: ${method.source}; assuming ${method.roleArn} as session ${method.roleSessionName} for ${method.durationSeconds} s`,
  );
  const context: SignInContext = {
    way: 'oidc',
    source: method.source,
    audience: method.audience,
    roleArn: method.roleArn,
    oidcProviderArn: method.oidcProviderArn,
  };
  const exchange = async (): Promise<TemporaryKeys> => {
    const keys = await assumeRoleWithOidc(method, {
      getIdToken: (audience) => getIdToken(audience),
      protect: (value) => secrets.protect(value),
      ...(env.RUNNER_TEMP ? { tempDir: env.RUNNER_TEMP } : {}),
    });
    core.info(`Temporary credentials from STS: key ${maskKeyId(keys.accessKeyId)}, valid until ${new Date(keys.expiresAt).toISOString()}`);
    return keys;
  };
  // STS is an Alibaba call like any other: throttling, 5xx and network failures are retried by the one retry helper.
  const retried = (): Promise<TemporaryKeys> => (retry ? withCloudRetry(exchange, retry) : exchange());
  let first: TemporaryKeys;
  try {
    first = await retried();
  } catch (err) {
    throw new SignInError(err, context);
  }
  context.accessKeyId = first.accessKeyId;
  return { credential: new RenewingCredentials(first, retried).credential(), context };
}

/** A sign-in failure, carrying what the message may say about how the action tried. */
export class SignInError extends Error {
  constructor(
    readonly error: unknown,
    readonly context: SignInContext,
  ) {
    super(error instanceof Error ? error.message : String(error));
    this.name = 'SignInError';
  }
}
