import { afterEach, describe, expect, it } from 'vitest';
import { classify, createApprovalSource, parseCheckRun, parseEnvironment, parseReviews } from '../../../src/approval/github.js';
import type { Clock } from '../../../src/lib/clock.js';
import { createOctokit } from '../../../src/runner/octokit.js';
import { RequestTimeoutError } from '../../../src/lib/retry.js';
import { getIdToken } from '../../../src/runner/id-token.js';
import { virtualClock } from '../../fakes/runtime.js';
import { type GithubFake, startGithubFake } from '../../fakes/github.js';

let github: GithubFake | undefined;
afterEach(async () => {
  await github?.close();
  github = undefined;
});

async function source(options: { attempts?: number } = {}) {
  github = await startGithubFake({
    environments: { production: { reviewers: ['alice', { team: 'sre' }], waitTimer: 5 } },
    reviews: { '42': [{ user: 'alice', state: 'approved', environments: ['production'], comment: 'ok' }] },
    checkRuns: { '7': { environment: 'production' }, '8': {} },
  });
  const delays: number[] = [];
  const retries: string[] = [];
  const clock: Clock = {
    now: () => 0,
    sleep: (ms) => {
      delays.push(ms);
      return Promise.resolve();
    },
  };
  const api = createApprovalSource({
    octokit: createOctokit(github.token, github.url),
    repository: github.repository,
    baseDelayMs: 100,
    clock,
    random: () => 0.5,
    onRetry: (m) => retries.push(m),
    ...options,
  });
  return { api, github, delays, retries };
}

describe('createApprovalSource against the GitHub fake', () => {
  it('reads the environment, the approvals and the check run through the real octokit', async () => {
    const { api } = await source();
    expect(await api.environment('production')).toEqual({
      ok: true,
      value: {
        name: 'production',
        requiredReviewers: {
          reviewers: [
            { type: 'User', name: 'alice' },
            { type: 'Team', name: 'sre' },
          ],
        },
      },
    });
    expect(await api.runReviews('42')).toEqual({
      ok: true,
      value: [{ state: 'approved', login: 'alice', comment: 'ok', environments: ['production'] }],
    });
    expect(await api.checkRun(7)).toEqual({ ok: true, value: { environment: 'production' } });
    expect(await api.checkRun(8)).toEqual({ ok: true, value: {} });
  });

  it('encodes the environment name in the path', async () => {
    const { api, github } = await source();
    github.setEnvironment('prod/eu west', { reviewers: ['alice'] });
    const found = await api.environment('prod/eu west');
    expect(found.ok && found.value.name).toBe('prod/eu west');
    expect(github.requests.at(-1)?.path).toBe(`/repos/${github.repository}/environments/prod%2Feu%20west`);
  });

  it('retries 5xx with full-jitter backoff and gives up after the attempts', async () => {
    const { api, github, delays, retries } = await source({ attempts: 4 });
    github.failWith('approvals', { status: 500 });
    const result = await api.runReviews('42');
    expect(result).toMatchObject({ ok: false, problem: 'unavailable', status: 500 });
    expect(!result.ok && result.detail).toContain('after 4 attempts');
    expect(github.callsOf('approvals')).toHaveLength(4);
    expect(delays).toHaveLength(3);
    // Full jitter from the injected random (0.5) under 100 ms * 2^(n-1), slept on the injected clock.
    expect(delays).toEqual([0, 1, 2].map((i) => Math.floor(0.5 * 100 * 2 ** i)));
    expect(retries[0]).toMatch(/^GET run 42 approvals: .+; attempt 2 of 4 in 50 ms$/);
  });

  it('retries a transient 5xx and then reads the answer', async () => {
    const { api, github, delays } = await source();
    github.failWith('approvals', { status: 502, times: 1 });
    const result = await api.runReviews('42');
    expect(result.ok && result.value.map((r) => r.login)).toEqual(['alice']);
    expect(github.callsOf('approvals').map((r) => r.status)).toEqual([502, 200]);
    expect(delays).toHaveLength(1);
  });

  it('never retries a rate limit', async () => {
    const { api, github, delays } = await source();
    github.failWith('approvals', { status: 403, body: { message: 'API rate limit exceeded' }, headers: { 'x-ratelimit-remaining': '0' } });
    expect(await api.runReviews('42')).toMatchObject({ ok: false, problem: 'rate-limited', status: 403 });
    expect(github.callsOf('approvals')).toHaveLength(1);
    expect(delays).toHaveLength(0);
  });

  it('never retries a 4xx', async () => {
    const { api, github, delays } = await source();
    github.failWith('check-run', { status: 403 });
    expect(await api.checkRun(7)).toMatchObject({ ok: false, problem: 'forbidden', status: 403 });
    expect(await api.environment('nope')).toMatchObject({ ok: false, problem: 'not-found', status: 404 });
    expect(github.requests).toHaveLength(2);
    expect(delays).toHaveLength(0);
  });

  it('reports an unexpected body as malformed, without retrying', async () => {
    const { api, github } = await source();
    github.failWith('approvals', { status: 200, body: { not: 'an array' } });
    expect(await api.runReviews('42')).toMatchObject({ ok: false, problem: 'malformed' });
    expect(github.callsOf('approvals')).toHaveLength(1);
  });
});

describe('classify', () => {
  const answered = (status: number, headers: Record<string, string> = {}) => ({ status, message: 'm', response: { headers } });
  it.each([
    [answered(401), 'unauthorized'],
    [answered(403), 'forbidden'],
    [answered(403, { 'x-ratelimit-remaining': '0' }), 'rate-limited'],
    [answered(429), 'rate-limited'],
    [answered(404), 'not-found'],
    [answered(422), 'malformed'],
    [answered(502), 'unavailable'],
    [{ status: 500, message: 'connect ECONNREFUSED' }, 'unavailable'],
    [Object.assign(new Error('timed out'), { name: 'TimeoutError' }), 'unavailable'],
    [new Error('no status'), 'unavailable'],
  ])('%j is %s', (err, problem) => {
    expect(classify(err).problem).toBe(problem);
  });
  it('leaves the status out when nothing answered', () => {
    expect(classify({ status: 500, message: 'connect ECONNREFUSED' })).toEqual({
      ok: false,
      problem: 'unavailable',
      detail: 'connect ECONNREFUSED',
    });
  });
});

describe('parsers', () => {
  it('reads an environment without rules as having no reviewers', () => {
    expect(parseEnvironment({ name: 'dev', protection_rules: [] })).toEqual({ name: 'dev' });
    expect(parseEnvironment({ name: 'dev' })).toEqual({ name: 'dev' });
  });
  it.each([
    [null, /not a JSON object/],
    [{ protection_rules: [] }, /name is not a string/],
    [{ name: 'p', protection_rules: {} }, /not an array/],
    [{ name: 'p', protection_rules: [{ type: 'required_reviewers', reviewers: [{ type: 'Bot', reviewer: {} }] }] }, /not User or Team/],
  ])('refuses environment %j', (body, error) => {
    expect(() => parseEnvironment(body)).toThrow(error);
  });
  it('reads null comments as empty and refuses reviews without a user', () => {
    expect(parseReviews([{ state: 'approved', comment: null, user: { login: 'a' }, environments: [{ name: 'p' }] }])).toEqual([
      { state: 'approved', comment: '', login: 'a', environments: ['p'] },
    ]);
    expect(() => parseReviews([{ state: 'approved', environments: [] }])).toThrow(/user/);
    expect(() => parseReviews({})).toThrow(/not a JSON array/);
  });
  it('reads a check run with a null deployment as none', () => {
    expect(parseCheckRun({ id: 1, deployment: null })).toEqual({});
    expect(() => parseCheckRun({ deployment: { environment: 3 } })).toThrow(/not a string/);
  });
});

describe('the OIDC token under a timeout (issue 13, item 5)', () => {
  it('reports a token service that never answers as unavailable, instead of hanging', async () => {
    const github = await startGithubFake();
    let asked = 0;
    const source = createApprovalSource({
      octokit: createOctokit(github.token, github.url),
      repository: github.repository,
      idToken: (audience) =>
        getIdToken(audience, {
          fetch: () => {
            asked += 1;
            return new Promise<string>(() => undefined);
          },
          timeoutSignal: (ms) => AbortSignal.abort(new RequestTimeoutError('the GitHub OIDC token service', ms)),
          clock: virtualClock(0),
        }),
    });
    const claims = await source.oidcJobEnvironment();
    await github.close();
    expect(claims).toMatchObject({ ok: false, problem: 'unavailable' });
    expect(claims.ok ? '' : claims.detail).toContain('no answer in 15 s');
    expect(asked).toBe(3);
  });
});

describe('the job of a check run (issue 13, item 6a)', () => {
  it('reads its run and attempt from GET /actions/jobs/{id}', async () => {
    const fake = await startGithubFake({ jobs: { '5001': { runId: 1001, runAttempt: 2 } } });
    const source = createApprovalSource({ octokit: createOctokit(fake.token, fake.url), repository: fake.repository });
    const [mine, unknown] = await Promise.all([source.job(5001), source.job(5002)]);
    await fake.close();
    expect(mine).toEqual({ ok: true, value: { runId: '1001', runAttempt: '2' } });
    expect(unknown).toMatchObject({ ok: false, problem: 'not-found', status: 404 });
  });
});
