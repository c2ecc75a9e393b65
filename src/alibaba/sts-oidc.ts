import Credential, { Config, type CredentialsProvider } from '@alicloud/credentials';
import { defaultExport } from './interop.js';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CloudError, toCloudError, withoutSecrets } from './cloud-error.js';
import type { AccessKeys } from './credential.js';
import type { OidcSignIn } from '../sign-in/method.js';
import { ActionError } from '../lib/errors.js';

export const ASSUME_ROLE_WITH_OIDC = 'AssumeRoleWithOIDC';

/** Temporary keys from STS. */
export interface TemporaryKeys extends AccessKeys {
  securityToken: string;
  /** Epoch ms by which STS has expired the keys at the latest (request time + duration). */
  expiresAt: number;
}

export interface OidcDeps {
  /** `core.getIDToken`: the runner's OIDC token for an audience. */
  getIdToken(audience: string): Promise<string>;
  /** Masks a secret the moment it is known. */
  protect(value: string): void;
  /** Directory for the short-lived token file (RUNNER_TEMP). */
  tempDir?: string;
  now?: () => number;
  readTimeoutMs?: number;
  connectTimeoutMs?: number;
}

/**
 * GitHub OIDC token -> STS AssumeRoleWithOIDC -> temporary keys, through @alicloud/credentials, which
 * reads the token from a file: the file is private to this user and removed as soon as STS answered.
 */
export async function assumeRoleWithOidc(method: OidcSignIn, deps: OidcDeps): Promise<TemporaryKeys> {
  const now = deps.now ?? Date.now;
  let idToken: string;
  try {
    idToken = await deps.getIdToken(method.audience);
  } catch (err) {
    throw new ActionError(
      `Could not get a GitHub OIDC token for audience ${method.audience}: ${err instanceof Error ? err.message : String(err)}. ` +
        "Check that the job has 'id-token: write' in its permissions.",
    );
  }
  deps.protect(idToken);
  const dir = await mkdtemp(join(deps.tempDir || tmpdir(), 'alibaba-oidc-'));
  const tokenFile = join(dir, 'token');
  const requestedAt = now();
  let keys: { accessKeyId?: string | undefined; accessKeySecret?: string | undefined; securityToken?: string | undefined };
  try {
    await writeFile(tokenFile, idToken, { mode: 0o600, flag: 'wx' });
    const credential = new (defaultExport(Credential))(
      new Config({
        type: 'oidc_role_arn',
        roleArn: method.roleArn,
        oidcProviderArn: method.oidcProviderArn,
        oidcTokenFilePath: tokenFile,
        roleSessionName: method.roleSessionName,
        roleSessionExpiration: method.durationSeconds,
        // The library always speaks HTTPS to STS; the endpoint is host[:port].
        stsEndpoint: method.stsEndpoint.host,
        timeout: deps.readTimeoutMs ?? 10_000,
        connectTimeout: deps.connectTimeoutMs ?? 5_000,
      }),
    );
    keys = await credential.getCredential();
  } catch (err) {
    throw withoutSecrets(stsError(err), [idToken]);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  const { accessKeyId, accessKeySecret, securityToken } = keys;
  if (!accessKeyId || !accessKeySecret || !securityToken) {
    throw new CloudError(ASSUME_ROLE_WITH_OIDC, 'MalformedResponse', 'STS answered without complete credentials');
  }
  deps.protect(accessKeySecret);
  deps.protect(securityToken);
  return { accessKeyId, accessKeySecret, securityToken, expiresAt: requestedAt + method.durationSeconds * 1000 };
}

/**
 * The library reports an STS error as `get sts token failed with OIDC: <response body>`; the body is
 * Alibaba's JSON error, so read its Code rather than matching words.
 */
function stsError(err: unknown): CloudError {
  const message = err instanceof Error ? err.message : '';
  const body = /^get sts token failed with OIDC(?:, unmarshal fail)?: ([\s\S]*)$/.exec(message)?.[1];
  if (body !== undefined) {
    try {
      const data = JSON.parse(body) as Record<string, unknown>;
      if (typeof data.Code === 'string') {
        return toCloudError(ASSUME_ROLE_WITH_OIDC, { code: data.Code, data });
      }
    } catch {
      // not JSON: fall through
    }
    return new CloudError(ASSUME_ROLE_WITH_OIDC, 'MalformedResponse', 'STS answered with an error that is not JSON');
  }
  return toCloudError(ASSUME_ROLE_WITH_OIDC, err);
}

/** Renew this long before the keys expire: a call signed just before expiry may still be refused. */
export const RENEW_MARGIN_MS = 5 * 60_000;

type SdkCredentials = Awaited<ReturnType<CredentialsProvider['getCredentials']>>;

/**
 * Temporary keys that renew themselves for a run that outlives them: shortly before they expire, the next
 * call gets a fresh GitHub token and a fresh STS exchange (one at a time, however many calls ask).
 */
export class RenewingCredentials implements CredentialsProvider {
  private pending: Promise<TemporaryKeys> | undefined;

  constructor(
    private current: TemporaryKeys,
    private readonly renew: () => Promise<TemporaryKeys>,
    private readonly now: () => number = Date.now,
  ) {}

  async getCredentials(): Promise<SdkCredentials> {
    if (this.now() >= this.current.expiresAt - RENEW_MARGIN_MS) {
      this.pending ??= this.renew().finally(() => {
        this.pending = undefined;
      });
      this.current = await this.pending;
    }
    const { accessKeyId, accessKeySecret, securityToken } = this.current;
    return { accessKeyId, accessKeySecret, securityToken, providerName: this.getProviderName() };
  }

  getProviderName(): string {
    return 'github_oidc_role_arn';
  }

  /** The SDK credential object the clients take. */
  credential(): Credential {
    return new (defaultExport(Credential))(null, this);
  }
}
