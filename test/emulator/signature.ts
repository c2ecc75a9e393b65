/**
 * Verification of Alibaba Cloud V3 request signatures (ACS3-HMAC-SHA256), mirroring
 * @alicloud/openapi-core `OpenApiUtil.getAuthorization`:
 *
 *   CanonicalRequest = METHOD \n CanonicalURI \n CanonicalQuery \n CanonicalHeaders \n SignedHeaders \n x-acs-content-sha256
 *   StringToSign     = "ACS3-HMAC-SHA256" \n hex(sha256(CanonicalRequest))
 *   Signature        = hex(hmac-sha256(AccessKeySecret, StringToSign))
 *   Authorization    = ACS3-HMAC-SHA256 Credential=<AK>,SignedHeaders=<h1;h2>,Signature=<hex>
 *
 * Parameters carried in a form body are covered through the signed `x-acs-content-sha256` header, which must be the
 * SHA-256 of the body actually received (test/emulator/readings.test.ts changes a signed body and is refused).
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { ApiError } from './errors.js';

export const SIGNATURE_ALGORITHM = 'ACS3-HMAC-SHA256';

export const ERR_MISSING_AUTHORIZATION = 'MissingAuthorization';
export const ERR_INCOMPLETE_SIGNATURE = 'IncompleteSignature';
export const ERR_ACCESS_KEY_NOT_FOUND = 'InvalidAccessKeyId.NotFound';
export const ERR_SIGNATURE_MISMATCH = 'SignatureDoesNotMatch';
export const ERR_SIGNATURE_NONCE_USED = 'SignatureNonceUsed';
export const ERR_SECURITY_TOKEN_MISMATCH = 'InvalidSecurityToken.Mismatch';
export const ERR_SECURITY_TOKEN_MISSING = 'InvalidSecurityToken.Missing';
export const ERR_SECURITY_TOKEN_EXPIRED = 'InvalidSecurityToken.Expired';

export const MSG_SIGNATURE_MISMATCH = 'The request signature does not conform to Alibaba Cloud standards.';
export const MSG_ACCESS_KEY_NOT_FOUND = 'Specified access key is not found.';

/** Headers that must be covered by the signature (plus every x-acs-security-token sent). */
const REQUIRED_SIGNED_HEADERS = [
  'host',
  'x-acs-action',
  'x-acs-version',
  'x-acs-date',
  'x-acs-signature-nonce',
  'x-acs-content-sha256',
] as const;

export interface EmulatorCredential {
  accessKeyId: string;
  accessKeySecret: string;
  /** When set, requests signed with this key must carry exactly this `x-acs-security-token` (STS). */
  securityToken?: string;
  /** Epoch ms (emulator clock) after which the key is refused as expired (STS keys). */
  expiresAt?: number;
}

export interface SignedRequest {
  method: string;
  /** Raw path without the query string, as received (e.g. `/`). */
  path: string;
  /** Decoded query parameters. */
  query: Readonly<Record<string, string>>;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

export interface VerifiedIdentity {
  accessKeyId: string;
  securityToken: string | undefined;
}

/** RFC 3986 encoding exactly as the SDK does it (encodeURIComponent plus `!'()*`). */
export function percentEncode(value: string): string {
  return encodeURIComponent(value)
    .replace(/!/g, '%21')
    .replace(/'/g, '%27')
    .replace(/\(/g, '%28')
    .replace(/\)/g, '%29')
    .replace(/\*/g, '%2A');
}

export function canonicalQueryString(query: Readonly<Record<string, string>>): string {
  return Object.keys(query)
    .sort()
    .map((key) => `${key}=${percentEncode(query[key] ?? '')}`)
    .join('&');
}

function headerValues(headers: IncomingHttpHeaders, name: string): string[] {
  const value = headers[name];
  if (value === undefined) return [];
  return (Array.isArray(value) ? value : [value]).map((v) => v.trim());
}

export function buildCanonicalRequest(req: SignedRequest, signedHeaders: readonly string[]): string {
  const canonicalUri = req.path.replace(/\+/g, '%20').replace(/\*/g, '%2A').replace(/%7E/g, '~');
  const canonicalHeaders = signedHeaders.map((name) => `${name}:${headerValues(req.headers, name).sort().join(',')}\n`).join('');
  const payloadHash = headerValues(req.headers, 'x-acs-content-sha256')[0] ?? '';
  return [
    req.method.toUpperCase(),
    canonicalUri,
    canonicalQueryString(req.query),
    canonicalHeaders,
    signedHeaders.join(';'),
    payloadHash,
  ].join('\n');
}

export function computeSignature(canonicalRequest: string, secret: string): string {
  const hashed = createHash('sha256').update(canonicalRequest, 'utf8').digest('hex');
  const stringToSign = `${SIGNATURE_ALGORITHM}\n${hashed}`;
  return createHmac('sha256', secret).update(stringToSign, 'utf8').digest('hex');
}

interface ParsedAuthorization {
  algorithm: string;
  accessKeyId: string;
  signedHeaders: string[];
  signature: string;
}

export function parseAuthorization(value: string): ParsedAuthorization | undefined {
  const match = /^(\S+)\s+(.*)$/.exec(value.trim());
  if (!match) return undefined;
  const [, algorithm = '', rest = ''] = match;
  const fields: Record<string, string> = {};
  for (const part of rest.split(',')) {
    const eq = part.indexOf('=');
    if (eq <= 0) return undefined;
    fields[part.slice(0, eq).trim()] = part.slice(eq + 1).trim();
  }
  const { Credential: accessKeyId, SignedHeaders: signed, Signature: signature } = fields;
  if (!accessKeyId || !signed || !signature) return undefined;
  return { algorithm, accessKeyId, signedHeaders: signed.split(';'), signature };
}

function signatureMismatch(): ApiError {
  return new ApiError(400, ERR_SIGNATURE_MISMATCH, MSG_SIGNATURE_MISMATCH);
}

function sameHex(a: string, b: string): boolean {
  const ba = Buffer.from(a, 'utf8');
  const bb = Buffer.from(b, 'utf8');
  return ba.length === bb.length && timingSafeEqual(ba, bb);
}

export interface VerifierOptions {
  credentials: readonly EmulatorCredential[];
  /** Reject a repeated x-acs-signature-nonce (default true). */
  checkNonce?: boolean;
  /** Clock for credential expiry; default Date.now. */
  now?: () => number;
}

/** Verifies signed requests against a mutable credential list; remembers nonces already used. */
export class SignatureVerifier {
  private readonly credentials = new Map<string, EmulatorCredential>();
  private readonly nonces = new Set<string>();
  private readonly checkNonce: boolean;
  private readonly now: () => number;

  constructor(options: VerifierOptions) {
    for (const c of options.credentials) this.credentials.set(c.accessKeyId, { ...c });
    this.checkNonce = options.checkNonce ?? true;
    this.now = options.now ?? Date.now;
  }

  /** Makes a key expire at `at` (epoch ms); returns false for an unknown key. */
  expire(accessKeyId: string, at: number): boolean {
    const credential = this.credentials.get(accessKeyId);
    if (!credential) return false;
    credential.expiresAt = at;
    return true;
  }

  addCredential(credential: EmulatorCredential): void {
    this.credentials.set(credential.accessKeyId, { ...credential });
  }

  removeCredential(accessKeyId: string): void {
    this.credentials.delete(accessKeyId);
  }

  /** Returns the identity that signed the request, or throws an ApiError like Alibaba's gateway. */
  verify(req: SignedRequest): VerifiedIdentity {
    const authorization = headerValues(req.headers, 'authorization')[0];
    if (authorization === undefined || authorization === '') {
      throw new ApiError(400, ERR_MISSING_AUTHORIZATION, 'Authorization is mandatory for this action.');
    }
    const auth = parseAuthorization(authorization);
    if (!auth || auth.algorithm !== SIGNATURE_ALGORITHM) {
      throw new ApiError(400, ERR_INCOMPLETE_SIGNATURE, MSG_SIGNATURE_MISMATCH);
    }
    const credential = this.credentials.get(auth.accessKeyId);
    if (!credential) {
      throw new ApiError(404, ERR_ACCESS_KEY_NOT_FOUND, MSG_ACCESS_KEY_NOT_FOUND);
    }

    // Every x-acs-* header sent must be signed, and so must the fixed set above.
    const signed = new Set(auth.signedHeaders);
    const sortedUnique = [...signed].sort();
    if (sortedUnique.join(';') !== auth.signedHeaders.join(';')) throw signatureMismatch();
    for (const name of REQUIRED_SIGNED_HEADERS) if (!signed.has(name)) throw signatureMismatch();
    for (const name of Object.keys(req.headers)) {
      if (name.startsWith('x-acs-') && !signed.has(name)) throw signatureMismatch();
    }

    // The declared payload hash must match the body actually received.
    const payloadHash = headerValues(req.headers, 'x-acs-content-sha256')[0] ?? '';
    const bodyHash = createHash('sha256').update(req.body).digest('hex');
    if (payloadHash !== bodyHash) throw signatureMismatch();

    const expected = computeSignature(buildCanonicalRequest(req, auth.signedHeaders), credential.accessKeySecret);
    if (!sameHex(expected, auth.signature.toLowerCase())) throw signatureMismatch();

    const token = headerValues(req.headers, 'x-acs-security-token')[0];
    if (token !== undefined) {
      if (credential.securityToken === undefined || token !== credential.securityToken) {
        throw new ApiError(400, ERR_SECURITY_TOKEN_MISMATCH, 'Specified SecurityToken mismatch with the AccessKey.');
      }
      const akHeader = headerValues(req.headers, 'x-acs-accesskey-id')[0];
      if (akHeader !== undefined && akHeader !== auth.accessKeyId) {
        throw new ApiError(400, ERR_SECURITY_TOKEN_MISMATCH, 'Specified SecurityToken mismatch with the AccessKey.');
      }
    } else if (credential.securityToken !== undefined) {
      throw new ApiError(400, ERR_SECURITY_TOKEN_MISSING, 'SecurityToken is mandatory for this AccessKey.');
    }
    if (credential.expiresAt !== undefined && this.now() >= credential.expiresAt) {
      throw new ApiError(400, ERR_SECURITY_TOKEN_EXPIRED, 'Specified SecurityToken is expired.');
    }

    if (this.checkNonce) {
      const nonce = headerValues(req.headers, 'x-acs-signature-nonce')[0] ?? '';
      if (this.nonces.has(nonce)) {
        throw new ApiError(400, ERR_SIGNATURE_NONCE_USED, 'Specified signature nonce was used already.');
      }
      this.nonces.add(nonce);
    }

    return { accessKeyId: auth.accessKeyId, securityToken: token };
  }
}
