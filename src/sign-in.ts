import * as core from '@actions/core';
import type Credential from '@alicloud/credentials';
import { type AccessKeys, maskKeyId, resolveCredentials, SECRET_ENV, SECRET_INPUTS, toCredential } from './credentials.js';
import type { SignInContext } from './explain.js';
import type { InputReader } from './inputs.js';
import { assumeRoleWithOidc, type TemporaryKeys } from './oidc.js';
import { type RetryContext, withRetry } from './retry.js';
import type { SecretRegistry } from './secrets.js';

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
 * Decides how to sign in and does it, once, before any client is built: a GitHub OIDC exchange fails
 * here, early and clearly, rather than inside the first OOS call.
 */
export async function signIn(read: InputReader, env: NodeJS.ProcessEnv, secrets: SecretRegistry, retry?: RetryContext): Promise<SignedIn> {
  const plan = resolveCredentials(read, env);
  let keys: AccessKeys;
  let context: SignInContext;
  if (plan.way === 'oidc') {
    core.info(`Credentials: ${plan.source}; assuming ${plan.roleArn} as session ${plan.roleSessionName} for ${plan.durationSeconds} s`);
    context = {
      way: 'oidc',
      source: plan.source,
      audience: plan.audience,
      roleArn: plan.roleArn,
      oidcProviderArn: plan.oidcProviderArn,
    };
    try {
      const exchange = (): Promise<TemporaryKeys> =>
        assumeRoleWithOidc(plan, {
          getIdToken: (audience) => core.getIDToken(audience),
          protect: (value) => secrets.protect(value),
          ...(env.RUNNER_TEMP ? { tempDir: env.RUNNER_TEMP } : {}),
        });
      // STS is an Alibaba call like any other: throttling and 5xx are retried by the one retry helper.
      const temporary = retry ? await withRetry(exchange, retry) : await exchange();
      keys = temporary;
      core.info(
        `Signed in through STS: temporary key ${maskKeyId(keys.accessKeyId)}, valid until ${new Date(temporary.expiresAt).toISOString()}`,
      );
    } catch (err) {
      throw new SignInError(err, context);
    }
  } else {
    for (const value of [plan.keys.accessKeySecret, plan.keys.securityToken]) secrets.protect(value);
    keys = plan.keys;
    context = { way: 'keys', source: plan.source };
    core.info(`Credentials: ${plan.source}; key ${maskKeyId(keys.accessKeyId)}${keys.securityToken ? ' with an STS security token' : ''}`);
  }
  context.accessKeyId = keys.accessKeyId;
  return { credential: toCredential(keys), context };
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
