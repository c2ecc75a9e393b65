import type { JobEnvironment } from './types.js';

/**
 * The audience the gate asks the runner's token service for. No cloud trusts it, so the token, useless for
 * signing in anywhere, only carries this job's claims to the gate.
 */
export const APPROVAL_AUDIENCE = 'alibaba-ecs-patch-action:approval-gate';

/**
 * The `environment` claim of a GitHub Actions OIDC token, with the claims that say which run it was issued to
 * (`repository`, `run_id`, `run_attempt`): the gate checks those against the runner's variables. The signature is not verified, on purpose: the token
 * comes straight from the runner's token service (ACTIONS_ID_TOKEN_REQUEST_URL) over its authenticated
 * channel, not from a party that could forge it, and verifying would need GitHub's JWKS over the network.
 * Throws on anything that is not a JWT with a JSON object payload.
 */
export function jobEnvironmentFromJwt(jwt: string): JobEnvironment {
  const parts = jwt.split('.');
  if (parts.length !== 3 || !parts[1]) throw new Error('the token is not a JWT (expected three dot-separated parts)');
  let claims: unknown;
  try {
    claims = JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8'));
  } catch {
    throw new Error('the token payload is not base64url-encoded JSON');
  }
  if (typeof claims !== 'object' || claims === null || Array.isArray(claims)) throw new Error('the token payload is not a JSON object');
  const c = claims as Record<string, unknown>;
  const out: JobEnvironment = {};
  for (const [claim, key] of [
    ['environment', 'environment'],
    ['repository', 'repository'],
    ['run_id', 'runId'],
    ['run_attempt', 'runAttempt'],
  ] as const) {
    const value = c[claim];
    if (value === undefined) continue;
    if (typeof value !== 'string') throw new Error(`the ${claim} claim is not a string`);
    out[key] = value;
  }
  return out;
}
