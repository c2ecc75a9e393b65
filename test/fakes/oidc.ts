/**
 * A local stand-in for the runner's OIDC token service (what `core.getIDToken` calls through
 * ACTIONS_ID_TOKEN_REQUEST_URL / ACTIONS_ID_TOKEN_REQUEST_TOKEN). Issues RS256-signed JWTs shaped like
 * GitHub's, with the audience that was asked for; the public key is exposed so a fake STS can verify them.
 */
import { createSign, createVerify, randomUUID, type KeyObject } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { githubSigningKey } from './signing-key.js';

export const GITHUB_ISSUER = 'https://token.actions.githubusercontent.com';

export interface OidcClaims {
  repository?: string;
  environment?: string;
  run_id?: string;
  run_attempt?: string;
  /** Anything else to put in the token. */
  [claim: string]: unknown;
}

export interface OidcFakeOptions {
  /** Claims of every token; `sub` is derived from repository and environment unless given. */
  claims?: OidcClaims;
  /** Seconds a token lives; default 300. */
  lifetimeSeconds?: number;
}

export interface OidcRequest {
  audience: string | undefined;
  authorized: boolean;
}

export interface OidcFake {
  /** ACTIONS_ID_TOKEN_REQUEST_URL, with the `api-version` query the runner puts there. */
  requestUrl: string;
  /** ACTIONS_ID_TOKEN_REQUEST_TOKEN */
  requestToken: string;
  /** Both variables, ready to spread into a step's environment. */
  env: { ACTIONS_ID_TOKEN_REQUEST_URL: string; ACTIONS_ID_TOKEN_REQUEST_TOKEN: string };
  publicKey: KeyObject;
  requests: OidcRequest[];
  /** Every token issued, in order (to check that none leaks into logs or outputs). */
  issued: string[];
  setClaims(claims: OidcClaims): void;
  close(): Promise<void>;
}

export async function startOidcFake(options: OidcFakeOptions = {}): Promise<OidcFake> {
  // One key per process (signing-key.ts): end-to-end suites start a fake per test.
  const { privateKey, publicKey } = githubSigningKey();
  const requestToken = `runtime-${randomUUID()}`;
  const requests: OidcRequest[] = [];
  const issued: string[] = [];
  let claims: OidcClaims = {
    repository: 'octo-org/patching',
    run_id: '1001',
    run_attempt: '1',
    ...options.claims,
  };
  const lifetime = options.lifetimeSeconds ?? 300;

  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const audience = url.searchParams.get('audience') ?? undefined;
    const authorized = req.headers.authorization === `Bearer ${requestToken}`;
    requests.push({ audience, authorized });
    if (!authorized) {
      res.writeHead(401, { 'content-type': 'application/json' }).end(JSON.stringify({ message: 'Bad credentials' }));
      return;
    }
    const now = Math.floor(Date.now() / 1000);
    const env = typeof claims.environment === 'string' ? claims.environment : undefined;
    const payload = {
      jti: randomUUID(),
      sub: `repo:${String(claims.repository)}:${env ? `environment:${env}` : 'ref:refs/heads/main'}`,
      aud: audience ?? `https://github.com/${String(claims.repository).split('/')[0]}`,
      iss: GITHUB_ISSUER,
      iat: now,
      nbf: now - 5,
      exp: now + lifetime,
      ...claims,
    };
    const token = signJwt(payload, privateKey);
    issued.push(token);
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ count: 1, value: token }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const requestUrl = `http://127.0.0.1:${port}/_apis/distributedtask/genid?api-version=2.0`;
  return {
    requestUrl,
    requestToken,
    env: { ACTIONS_ID_TOKEN_REQUEST_URL: requestUrl, ACTIONS_ID_TOKEN_REQUEST_TOKEN: requestToken },
    publicKey,
    requests,
    issued,
    setClaims: (next) => {
      claims = { ...claims, ...next };
    },
    close: () => new Promise<void>((resolve, reject) => server.close((err) => (err ? reject(err) : resolve()))),
  };
}

function base64url(data: string | Buffer): string {
  return Buffer.from(data).toString('base64url');
}

export function signJwt(payload: Record<string, unknown>, key: KeyObject): string {
  const head = base64url(JSON.stringify({ alg: 'RS256', typ: 'JWT', kid: 'fake-github-oidc' }));
  const body = base64url(JSON.stringify(payload));
  const signature = createSign('RSA-SHA256').update(`${head}.${body}`).sign(key);
  return `${head}.${body}.${base64url(signature)}`;
}

/** Verifies an RS256 JWT against a public key; returns its claims, or undefined when the signature is wrong. */
export function verifyJwt(token: string, key: KeyObject): Record<string, unknown> | undefined {
  const [head, body, signature] = token.split('.');
  if (!head || !body || !signature) return undefined;
  const ok = createVerify('RSA-SHA256').update(`${head}.${body}`).verify(key, Buffer.from(signature, 'base64url'));
  if (!ok) return undefined;
  return JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as Record<string, unknown>;
}
