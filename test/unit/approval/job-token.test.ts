import { describe, expect, it } from 'vitest';
import { jobEnvironmentFromJwt } from '../../../src/approval/job-token.js';

const b64 = (v: unknown): string => Buffer.from(typeof v === 'string' ? v : JSON.stringify(v)).toString('base64url');
const jwt = (payload: unknown): string => `${b64({ alg: 'RS256' })}.${b64(payload)}.c2ln`;

describe('jobEnvironmentFromJwt', () => {
  it('reads the environment claim', () => {
    expect(jobEnvironmentFromJwt(jwt({ sub: 'repo:o/r:environment:prod', environment: 'prod' }))).toEqual({ environment: 'prod' });
  });
  it('returns no environment when the claim is absent', () => {
    expect(jobEnvironmentFromJwt(jwt({ sub: 'repo:o/r:ref:refs/heads/main' }))).toEqual({});
  });
  it.each([
    ['not a JWT', 'abc', /not a JWT/],
    ['a payload that is not JSON', `${b64('{}')}.${b64('nope')}.x`, /not base64url-encoded JSON/],
    ['a payload that is an array', jwt([1]), /not a JSON object/],
    ['a claim that is not a string', jwt({ environment: 5 }), /not a string/],
  ])('throws on %s', (_, token, error) => {
    expect(() => jobEnvironmentFromJwt(token)).toThrow(error);
  });
});
