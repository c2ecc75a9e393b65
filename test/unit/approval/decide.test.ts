import { describe, expect, it } from 'vitest';
import { decide, describeReviewers, sameEnvironment } from '../../../src/approval/decide.js';
import type { ApprovalFacts, EnvironmentInfo, JobEvidence, Lookup, RunReview } from '../../../src/approval/types.js';

const ok = <T>(value: T): Lookup<T> => ({ ok: true, value });
const approval = (over: Partial<RunReview> = {}): RunReview => ({
  state: 'approved',
  login: 'alice',
  comment: 'go',
  environments: ['production'],
  ...over,
});

/** The claims of this run's OIDC token besides the environment (the gate checks them, issue 13 item 6c). */
const THIS_RUN = { repository: 'octo/repo', runId: '42', runAttempt: '1' };
const THIS_JOB = ok({ runId: '42', runAttempt: '1' });

function facts(over: Partial<ApprovalFacts> = {}): ApprovalFacts {
  return {
    repository: 'octo/repo',
    runId: '42',
    runAttempt: '1',
    required: 'production',
    environment: ok({ name: 'production', requiredReviewers: { reviewers: [{ type: 'User', name: 'alice' }] } }),
    reviews: ok([approval()]),
    job: { source: 'oidc', claims: ok({ environment: 'production', ...THIS_RUN }) },
    ...over,
  };
}

function refusal(f: ApprovalFacts): { check: string; message: string; passed: number } {
  const d = decide(f);
  if (d.approved) throw new Error('expected a refusal');
  return { check: d.failedCheck, message: d.message, passed: d.passed.length };
}

describe('decide', () => {
  it('approves when every check passes, with the reviewers, their comments and the log of each check', () => {
    const d = decide(facts());
    expect(d).toEqual({
      approved: true,
      record: {
        environment: 'production',
        reviewers: [{ login: 'alice', comment: 'go' }],
        jobBinding: "its OIDC token's environment claim",
      },
      passed: [
        "✓ Environment 'production' requires a review by @alice.",
        "✓ Run 42 was approved for 'production' by @alice; no rejection.",
        "✓ This job runs in 'production': its OIDC token's environment claim.",
      ],
    });
  });

  it('keeps each approver once, and ignores reviews of other environments', () => {
    const d = decide(
      facts({
        environment: ok({
          name: 'production',
          requiredReviewers: {
            reviewers: [
              { type: 'User', name: 'alice' },
              { type: 'User', name: 'bob' },
            ],
          },
        }),
        reviews: ok([
          approval(),
          approval(),
          approval({ login: 'bob', comment: '' }),
          approval({ login: 'eve', state: 'rejected', environments: ['staging'] }),
        ]),
      }),
    );
    expect(d.approved && d.record.reviewers).toEqual([
      { login: 'alice', comment: 'go' },
      { login: 'bob', comment: '' },
    ]);
  });

  it('compares environment names without case, as GitHub does', () => {
    const d = decide(facts({ required: 'PRODUCTION', job: { source: 'oidc', claims: ok({ environment: 'Production', ...THIS_RUN }) } }));
    expect(d.approved).toBe(true);
  });

  it('refuses an environment without required reviewers, before looking at anything else', () => {
    const r = refusal(facts({ environment: ok({ name: 'production' }), reviews: { ok: false, problem: 'forbidden', detail: 'x' } }));
    expect(r).toMatchObject({ check: 'environment', passed: 0 });
    expect(r.message).toMatch(/^No install: the environment 'production' has no required reviewers/);
    expect(r.message).toContain('public repositories');
    expect(refusal(facts({ environment: ok({ name: 'production', requiredReviewers: { reviewers: [] } }) })).check).toBe('environment');
  });

  it('refuses a missing environment with the YAML to add', () => {
    const r = refusal(facts({ environment: { ok: false, problem: 'not-found', status: 404, detail: 'Not Found' } }));
    expect(r.message).toContain("the environment 'production' does not exist in octo/repo");
    expect(r.message).toContain('    environment: production\n');
    expect(r.message).toContain('actions: read');
  });

  it('refuses an answer for another environment', () => {
    expect(
      refusal(facts({ environment: ok({ name: 'staging', requiredReviewers: { reviewers: [{ type: 'User', name: 'a' }] } }) })).check,
    ).toBe('environment');
  });

  it.each([
    ['no reviews', [], "run 42 has no approval for 'production'"],
    ['a rejection only', [approval({ state: 'rejected' })], "run 42 has a rejection for 'production' by @alice"],
    ['a rejection beside an approval', [approval(), approval({ login: 'bob', state: 'rejected' })], 'by @bob'],
    ['a pending review', [approval({ state: 'pending' })], 'has no approval'],
    ['an unknown state', [approval({ state: 'commented' })], 'has no approval'],
    ['an approval elsewhere', [approval({ environments: ['staging'] })], "it has approvals for 'staging' only"],
    [
      'an approver who is not a reviewer',
      [approval({ login: 'mallory' })],
      'by @mallory, who is not among its required reviewers now (@alice)',
    ],
  ] as [string, RunReview[], string][])('refuses %s', (_, reviews, text) => {
    const r = refusal(facts({ reviews: ok(reviews) }));
    expect(r).toMatchObject({ check: 'approvals', passed: 1 });
    expect(r.message).toContain(text);
  });

  it('shows the job YAML when the run has no approval', () => {
    const r = refusal(facts({ reviews: ok([]) }));
    for (const line of [
      '    environment: production',
      '      actions: read',
      '      checks: read',
      '      id-token: write',
      '          approval-environment: production',
    ]) {
      expect(r.message).toContain(line);
    }
  });

  it('accepts any approver when teams are among the reviewers (their members cannot be listed)', () => {
    const env = ok({ name: 'production', requiredReviewers: { reviewers: [{ type: 'Team' as const, name: 'sre' }] } });
    const d = decide(facts({ environment: env, reviews: ok([approval({ login: 'carol' })]) }));
    expect(d.approved).toBe(true);
    expect(d.passed[1]).toContain('team membership was checked by GitHub');
  });

  it.each([
    ['forbidden', 403, '`actions: read`'],
    ['not-found', 404, '`actions: read`'],
    ['unauthorized', 401, 'github-token'],
    ['rate-limited', 403, 'rate limit'],
    ['unavailable', 503, 'failing or unreachable'],
    ['malformed', 200, 'not what the GitHub API documents'],
  ] as const)('turns a %s approvals lookup into advice', (problem, status, text) => {
    const r = refusal(facts({ reviews: { ok: false, problem, status, detail: 'boom' } }));
    expect(r.check).toBe('approvals');
    expect(r.message).toContain(`GET /repos/octo/repo/actions/runs/42/approvals returned ${status}: boom.`);
    expect(r.message).toContain(text);
  });

  const jobs: [string, JobEvidence, string][] = [
    [
      'an OIDC claim for another environment',
      { source: 'oidc', claims: ok({ environment: 'staging', ...THIS_RUN }) },
      "runs in environment 'staging'",
    ],
    ['an OIDC token without the claim', { source: 'oidc', claims: ok({ ...THIS_RUN }) }, 'runs in no environment'],
    [
      'an unreadable OIDC token',
      { source: 'oidc', claims: { ok: false, problem: 'unavailable', detail: 'x' } },
      'OIDC token could not be read (x)',
    ],
    [
      'a check run in another environment',
      { source: 'check-run', checkRunId: 7, checkRun: ok({ environment: 'dev' }), job: THIS_JOB },
      "'dev' (the deployment of its check run 7)",
    ],
    ['a check run without a deployment', { source: 'check-run', checkRunId: 7, checkRun: ok({}), job: THIS_JOB }, 'deployment: false'],
    [
      'a check run the token cannot read',
      { source: 'check-run', checkRunId: 7, checkRun: { ok: false, problem: 'forbidden', status: 403, detail: 'no' }, job: THIS_JOB },
      "GET /repos/octo/repo/check-runs/7 returned 403: no. The job's token needs `checks: read`",
    ],
    ['no way to tell', { source: 'none' }, 'cannot tell which environment this job runs in'],
  ];
  it.each(jobs)('refuses %s', (_, job, text) => {
    const r = refusal(facts({ job }));
    expect(r).toMatchObject({ check: 'job', passed: 2 });
    expect(r.message).toContain(text);
  });

  it.each([
    [
      'a check run of another run',
      { source: 'check-run', checkRunId: 7, checkRun: ok({ environment: 'production' }), job: ok({ runId: '41', runAttempt: '1' }) },
      'check run 7 is a job of run 41 attempt 1, not of this run',
    ],
    [
      'a check run of another attempt',
      { source: 'check-run', checkRunId: 7, checkRun: ok({ environment: 'production' }), job: ok({ runId: '42', runAttempt: '2' }) },
      'not of this run (42 attempt 1)',
    ],
    [
      'a check run whose job cannot be read',
      {
        source: 'check-run',
        checkRunId: 7,
        checkRun: ok({ environment: 'production' }),
        job: { ok: false, problem: 'forbidden', status: 403, detail: 'no' },
      },
      'GET /repos/octo/repo/actions/jobs/7 returned 403',
    ],
    [
      'an OIDC token of another run',
      { source: 'oidc', claims: ok({ environment: 'production', ...THIS_RUN, runId: '41' }) },
      'not issued to this run',
    ],
    [
      'an OIDC token of another attempt',
      { source: 'oidc', claims: ok({ environment: 'production', ...THIS_RUN, runAttempt: '2' }) },
      'not issued to this run',
    ],
    [
      'an OIDC token of another repository',
      { source: 'oidc', claims: ok({ environment: 'production', ...THIS_RUN, repository: 'evil/repo' }) },
      'evil/repo run 42',
    ],
    ['an OIDC token without run claims', { source: 'oidc', claims: ok({ environment: 'production' }) }, '(no repository) run (none)'],
  ] as Array<[string, JobEvidence, string]>)('refuses %s (issue 13, item 6)', (_, job, text) => {
    const r = refusal(facts({ job }));
    expect(r.check).toBe('job');
    expect(r.message).toContain(text);
  });

  it('folds ASCII only: a Kelvin sign is not a k (issue 13, item 6b)', () => {
    const env = ok<EnvironmentInfo>({ name: 'k8s', requiredReviewers: { reviewers: [{ type: 'User', name: 'alice' }] } });
    const r = refusal(
      facts({
        required: 'k8s',
        environment: env,
        reviews: ok([approval({ environments: ['k8s'] })]),
        job: { source: 'oidc', claims: ok({ environment: '\u212a8s', ...THIS_RUN }) },
      }),
    );
    expect(r.check).toBe('job');
    expect(sameEnvironment('\u212a8s', 'k8s')).toBe(false);
    expect(sameEnvironment('K8S', 'k8s')).toBe(true);
  });

  it('approves through the check run when it names the environment', () => {
    const d = decide(facts({ job: { source: 'check-run', checkRunId: 7, checkRun: ok({ environment: 'production' }), job: THIS_JOB } }));
    expect(d.approved && d.record.jobBinding).toBe('the deployment of its check run 7');
  });
});

describe('describeReviewers', () => {
  it('names users and teams', () => {
    expect(
      describeReviewers([
        { type: 'User', name: 'a' },
        { type: 'Team', name: 'ops' },
      ]),
    ).toBe('@a, team ops');
  });
});
