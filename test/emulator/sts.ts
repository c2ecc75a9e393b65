/**
 * STS (2015-04-01) AssumeRoleWithOIDC, unsigned as the real one is. Checks the OIDC token (RS256 signature
 * against the OIDC fake's public key, issuer, audience among the provider's client IDs, expiry), the
 * provider and the role (its trust: provider and `oidc:sub` patterns), then issues temporary keys that it
 * hands to the signature verifier, so later calls must carry that key and its security token.
 *
 * Codes: `AuthenticationFail.OIDCToken.Invalid` / `.Expired` are Alibaba's; so is `AuthenticationFail.NoPermission`
 * (HTTP 401), which STS's error-code page gives both for "No such OIDC Provider registered" and for "There is no
 * permission" (trust policy not satisfied). `EntityNotExist.Role` is this emulator's guess.
 */
import { randomBytes, type KeyObject } from 'node:crypto';
import { GITHUB_ISSUER, verifyJwt } from '../fakes/oidc.js';
import { ApiError, invalidParameter, parameterMissing } from './errors.js';
import type { ActionContext, ServiceDefinition } from './server.js';
import type { EmulatorCredential } from './signature.js';
import { intParam, isoDate } from './util.js';

export const STS_VERSION = '2015-04-01';
export const DEFAULT_ROLE_ARN = 'acs:ram::1234567890123456:role/github-patching';
export const DEFAULT_OIDC_PROVIDER_ARN = 'acs:ram::1234567890123456:oidc-provider/github';
export const ERR_OIDC_TOKEN_INVALID = 'AuthenticationFail.OIDCToken.Invalid';
export const ERR_OIDC_TOKEN_EXPIRED = 'AuthenticationFail.OIDCToken.Expired';
export const ERR_ROLE_NOT_FOUND = 'EntityNotExist.Role';
/** One code, two causes (STS error codes): no such OIDC provider, and a trust policy that does not admit the token. */
export const ERR_STS_NO_PERMISSION = 'AuthenticationFail.NoPermission';
export const ERR_PROVIDER_NOT_FOUND = ERR_STS_NO_PERMISSION;
export const ERR_ASSUME_DENIED = ERR_STS_NO_PERMISSION;

export interface StsOptions {
  /** The key that signs GitHub tokens: the OIDC fake's `publicKey`. */
  publicKey: KeyObject;
  /** Default DEFAULT_OIDC_PROVIDER_ARN. */
  providerArn?: string;
  /** The provider's client IDs (allowed `aud`); default ['sts.aliyuncs.com']. */
  clientIds?: string[];
  /** The provider's issuer URL; default GitHub's. */
  issuer?: string;
  /** Default DEFAULT_ROLE_ARN. */
  roleArn?: string;
  /** Trust policy `oidc:sub` patterns (`*` matches anything); default: any subject. */
  subjects?: string[];
  /** The role's MaxSessionDuration; default 3600. */
  maxSessionDuration?: number;
  /** Make issued keys expire this many ms after issue, whatever DurationSeconds says (to test expiry). */
  keyLifetimeMs?: number;
}

export interface StsSession {
  roleSessionName: string;
  durationSeconds: number;
  subject: string;
  credential: EmulatorCredential;
}

export class StsService {
  /** Every session issued, in order. */
  readonly sessions: StsSession[] = [];

  constructor(
    private readonly options: StsOptions,
    private readonly register: (credential: EmulatorCredential) => void,
  ) {}

  definition(): ServiceDefinition {
    return {
      product: 'Sts',
      version: STS_VERSION,
      hostId: 'sts.aliyuncs.com',
      actions: { AssumeRoleWithOIDC: { anonymous: true, handler: (ctx) => this.assumeRoleWithOidc(ctx) } },
    };
  }

  private assumeRoleWithOidc(ctx: ActionContext): Record<string, unknown> {
    const o = this.options;
    const providerArn = required(ctx, 'OIDCProviderArn');
    const roleArn = required(ctx, 'RoleArn');
    const token = required(ctx, 'OIDCToken');
    const roleSessionName = required(ctx, 'RoleSessionName');
    if (!/^[\w.@-]{2,64}$/.test(roleSessionName)) throw invalidParameter('The parameter RoleSessionName is invalid.');
    const maxDuration = o.maxSessionDuration ?? 3600;
    const durationSeconds = intParam(ctx.params, 'DurationSeconds', 900, maxDuration) ?? 3600;

    if (providerArn !== (o.providerArn ?? DEFAULT_OIDC_PROVIDER_ARN)) {
      throw new ApiError(401, ERR_PROVIDER_NOT_FOUND, 'No such OIDC Provider registered.');
    }
    if (roleArn !== (o.roleArn ?? DEFAULT_ROLE_ARN)) throw new ApiError(404, ERR_ROLE_NOT_FOUND, `The role does not exist: ${roleArn}.`);

    const claims = verifyJwt(token, o.publicKey);
    if (!claims) throw new ApiError(400, ERR_OIDC_TOKEN_INVALID, 'The signature of the OIDC token is invalid.');
    if (claims.iss !== (o.issuer ?? GITHUB_ISSUER)) {
      throw new ApiError(400, ERR_OIDC_TOKEN_INVALID, 'The issuer of the OIDC token does not match the OIDC provider.');
    }
    const audiences = Array.isArray(claims.aud) ? (claims.aud as unknown[]) : [claims.aud];
    const clientIds = o.clientIds ?? ['sts.aliyuncs.com'];
    if (!audiences.some((a) => typeof a === 'string' && clientIds.includes(a))) {
      throw new ApiError(400, ERR_OIDC_TOKEN_INVALID, 'The audience of the OIDC token is not a client ID of the OIDC provider.');
    }
    if (typeof claims.exp !== 'number' || claims.exp * 1000 <= ctx.now) {
      throw new ApiError(400, ERR_OIDC_TOKEN_EXPIRED, 'This JsonWebToken is expired.');
    }
    const subject = typeof claims.sub === 'string' ? claims.sub : '';
    if (o.subjects && !o.subjects.some((p) => globMatch(p, subject))) {
      throw new ApiError(401, ERR_ASSUME_DENIED, 'There is no permission.');
    }

    const expiresAt = ctx.now + (o.keyLifetimeMs ?? durationSeconds * 1000);
    const credential: EmulatorCredential = {
      accessKeyId: `STS.NT${randomBytes(12).toString('hex')}`,
      accessKeySecret: randomBytes(24).toString('base64url'),
      securityToken: `CAIS${randomBytes(96).toString('base64url')}`,
      expiresAt,
    };
    this.register(credential);
    this.sessions.push({ roleSessionName, durationSeconds, subject, credential });
    const roleName = roleArn.slice(roleArn.lastIndexOf('/') + 1);
    return {
      Credentials: {
        AccessKeyId: credential.accessKeyId,
        AccessKeySecret: credential.accessKeySecret,
        SecurityToken: credential.securityToken,
        Expiration: isoDate(ctx.now + durationSeconds * 1000),
      },
      AssumedRoleUser: { Arn: `${roleArn}/${roleSessionName}`, AssumedRoleId: `3${randomBytes(8).toString('hex')}:${roleSessionName}` },
      OIDCTokenInfo: {
        Subject: subject,
        Issuer: claims.iss,
        ClientIds: audiences.join(','),
        ExpirationTime: isoDate(Number(claims.exp) * 1000),
      },
      SourceIdentity: roleName,
    };
  }
}

function required(ctx: ActionContext, name: string): string {
  const value = ctx.params[name];
  if (value === undefined || value === '') throw parameterMissing(name);
  return value;
}

function globMatch(pattern: string, value: string): boolean {
  const re = new RegExp(
    `^${pattern
      .split('*')
      .map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
      .join('.*')}$`,
  );
  return re.test(value);
}
