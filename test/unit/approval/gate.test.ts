import { describe, expect, it } from 'vitest';
import { clearedSettings } from '../../../src/approval/clearance.js';
import { clearForStart } from '../../../src/approval/gate.js';
import { type ApprovalSource, classify } from '../../../src/approval/github.js';
import type { EnvironmentInfo, JobEnvironment, JobRun, Lookup, RunReview } from '../../../src/approval/types.js';
import { parseInputs, type Settings } from '../../../src/inputs/parse.js';
import { ActionError } from '../../../src/lib/errors.js';
import { SecretRegistry } from '../../../src/lib/secrets.js';
import { recordingLogger } from '../../fakes/runtime.js';

/**
 * The approval phase in process: clearForStart against the facts GitHub would return (a fake ApprovalSource), with
 * a recording Logger. What only the real wiring shows (octokit against the GitHub fake, the runner's OIDC service,
 * no request to Alibaba Cloud before a refusal) stays in test/e2e/approval.test.ts (and approval.slow.test.ts).
 */

const REVIEWER = 'release-captain';
const COMMENT = 'Window CHG-1234 <approved> | go';
const RUN_ID = '1001';
const CHECK_RUN_ID = 5001;
const TOKEN = 'ghs_job-token-0123456789';
const REPOSITORY = 'octo-org/patching';
const PERMISSIONS = ['permissions:', 'actions: read', 'checks: read', 'id-token: write'];

/** What the runner sets for a job with `id-token: write`. */
const ENV: NodeJS.ProcessEnv = {
  GITHUB_REPOSITORY: REPOSITORY,
  GITHUB_RUN_ID: RUN_ID,
  ACTIONS_ID_TOKEN_REQUEST_URL: 'http://runner.invalid/oidc?api-version=2.0',
  ACTIONS_ID_TOKEN_REQUEST_TOKEN: 'runtime-token',
};
const NO_OIDC: NodeJS.ProcessEnv = { ...ENV, ACTIONS_ID_TOKEN_REQUEST_URL: '', ACTIONS_ID_TOKEN_REQUEST_TOKEN: '' };

type Failure = Extract<Lookup<never>, { ok: false }>;
type Fact = 'environment' | 'approvals' | 'check-run' | 'job' | 'oidc';

/** A failed request, classified as the real source classifies what octokit throws. */
function answered(status: number, message: string, headers: Record<string, string> = {}): Failure {
  return classify({ status, message, response: { headers } });
}

/** How the real source reports a fact it gave up on after its attempts (5xx, or nothing answered). */
function unavailable(detail: string, status?: number): Failure {
  return { ok: false, problem: 'unavailable', ...(status === undefined ? {} : { status }), detail: `${detail} (after 3 attempts)` };
}

interface GithubFacts {
  environments: Record<string, EnvironmentInfo>;
  reviews: Record<string, RunReview[]>;
  checkRuns: Record<number, JobEnvironment>;
  /** The run and attempt of each job (by ID, the check run's). */
  jobs: Record<number, JobRun>;
  /** The environment claim of the job's OIDC token. */
  oidc: JobEnvironment;
  /** Requests that fail instead, and how. */
  failures: Partial<Record<Fact, Failure>>;
}

/** The repository of the default story: `production` requires a review, run 1001 has one, the job runs in it. */
function approvedFacts(): GithubFacts {
  return {
    environments: {
      production: {
        name: 'production',
        requiredReviewers: {
          reviewers: [
            { type: 'User', name: REVIEWER },
            { type: 'Team', name: 'sre' },
          ],
        },
      },
    },
    reviews: { [RUN_ID]: [{ state: 'approved', login: REVIEWER, comment: COMMENT, environments: ['production'] }] },
    checkRuns: { [CHECK_RUN_ID]: { environment: 'production' } },
    jobs: { [CHECK_RUN_ID]: { runId: RUN_ID, runAttempt: '1' } },
    oidc: { environment: 'production', repository: REPOSITORY, runId: RUN_ID, runAttempt: '1' },
    failures: {},
  };
}

const NOT_FOUND = answered(404, 'Not Found - https://docs.github.com/rest');

/** An ApprovalSource that answers from `facts` and records what was asked. */
function fakeSource(facts: GithubFacts): ApprovalSource & { asked: string[] } {
  const asked: string[] = [];
  const lookup = <T>(fact: Fact, what: string, value: () => T | undefined): Promise<Lookup<T>> => {
    asked.push(what);
    const failure = facts.failures[fact];
    if (failure) return Promise.resolve(failure);
    const found = value();
    return Promise.resolve(found === undefined ? NOT_FOUND : { ok: true, value: found });
  };
  return {
    asked,
    // GitHub finds an environment whatever the case of its name, and answers with the name it stores.
    environment: (name) =>
      lookup('environment', `environment ${name}`, () =>
        Object.values(facts.environments).find((e) => e.name.toLowerCase() === name.toLowerCase()),
      ),
    runReviews: (runId) => lookup('approvals', `approvals ${runId}`, () => facts.reviews[runId] ?? []),
    checkRun: (id) => lookup('check-run', `check-run ${id}`, () => facts.checkRuns[id]),
    job: (id) => lookup('job', `job ${id}`, () => facts.jobs[id]),
    oidcJobEnvironment: () => lookup('oidc', 'oidc', () => facts.oidc),
  };
}

function installSettings(inputs: Record<string, string> = {}): Settings {
  const all: Record<string, string> = {
    region: 'cn-hangzhou',
    'instance-ids': 'i-a,i-b',
    action: 'install',
    'approval-environment': 'production',
    'github-token': TOKEN,
    'check-run-id': String(CHECK_RUN_ID),
    ...inputs,
  };
  return parseInputs((name) => all[name] ?? '').settings;
}

interface Gate {
  facts: GithubFacts;
  source: ReturnType<typeof fakeSource>;
  log: ReturnType<typeof recordingLogger>;
  masked: string[];
  secrets: SecretRegistry;
}

function gate(change: (facts: GithubFacts) => void = () => undefined): Gate {
  const facts = approvedFacts();
  change(facts);
  const masked: string[] = [];
  return { facts, source: fakeSource(facts), log: recordingLogger(), masked, secrets: new SecretRegistry((v) => masked.push(v)) };
}

function clear(g: Gate, inputs: Record<string, string> = {}, env: NodeJS.ProcessEnv = ENV) {
  return clearForStart(installSettings(inputs), env, { log: g.log, secrets: g.secrets, source: g.source });
}

/** The gate refused with one ActionError that starts with "No install: " and contains each of `parts`. */
async function expectRefused(g: Gate, run: Promise<unknown>, ...parts: string[]): Promise<string> {
  const err = await run.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ActionError);
  const message = (err as Error).message;
  expect(message.startsWith('No install: '), message).toBe(true);
  for (const part of parts) expect(message).toContain(part);
  // The token that reads the facts is masked before any request carries it.
  expect(g.masked).toContain(TOKEN);
  return message;
}

describe('clearForStart: cleared', () => {
  it('clears an approved install, logging each check in order, and the clearance carries the approval', async () => {
    const g = gate();
    const clearance = await clear(g);
    expect(clearance.approval).toEqual({
      environment: 'production',
      reviewers: [{ login: REVIEWER, comment: COMMENT }],
      jobBinding: "its OIDC token's environment claim",
    });
    expect(g.log.lines[0]).toBe(`Approval: checking that a required reviewer of 'production' approved this job (run ${RUN_ID})`);
    expect(g.log.lines.slice(1).map((l) => l.slice(0, 4))).toEqual(['  ✓ ', '  ✓ ', '  ✓ ']);
    expect(g.log.lines[1]).toContain("Environment 'production'");
    expect(g.log.lines[2]).toContain(`Run ${RUN_ID} was approved`);
    expect(g.log.lines[3]).toContain("This job runs in 'production'");
    // The OIDC claim is preferred: the check run is not asked for.
    expect(g.source.asked.sort()).toEqual([`approvals ${RUN_ID}`, 'environment production', 'oidc']);
    expect(g.masked).toEqual([TOKEN]);
    expect(clearedSettings(clearance, ['i-b']).instanceIds).toEqual(['i-b']);
  });

  it("clears through the check run's deployment when the job has no OIDC token", async () => {
    const g = gate();
    const clearance = await clear(g, {}, NO_OIDC);
    expect(clearance.approval?.jobBinding).toContain(`the deployment of its check run ${CHECK_RUN_ID}`);
    expect(g.log.lines.join('\n')).toContain(`the deployment of its check run ${CHECK_RUN_ID}`);
    expect(g.source.asked).toContain(`check-run ${CHECK_RUN_ID}`);
    expect(g.source.asked).not.toContain('oidc');
  });

  it('accepts the environment name in another case, as GitHub does', async () => {
    const g = gate();
    const clearance = await clear(g, { 'approval-environment': 'Production' });
    expect(clearance.approval?.environment).toBe('production');
    expect(g.source.asked).toContain('environment Production');
  });

  it('clears a scan at once, asking GitHub nothing', async () => {
    const g = gate();
    const scan = parseInputs((name) => ({ region: 'cn-hangzhou', 'instance-ids': 'i-a', action: 'scan' })[name] ?? '').settings;
    const clearance = await clearForStart(scan, {}, { log: g.log, secrets: g.secrets, source: g.source });
    expect(clearance.approval).toBeUndefined();
    expect(clearance.settings).toBe(scan);
    expect(g.source.asked).toEqual([]);
    expect(g.log.lines).toEqual([]);
  });
});

describe('clearForStart: refused by the reviews', () => {
  it('when the run has no approval', async () => {
    const g = gate((f) => (f.reviews[RUN_ID] = []));
    await expectRefused(g, clear(g), `run ${RUN_ID} has no approval for 'production'`, 'environment: production', 'bypass', ...PERMISSIONS);
  });

  it('when the only review is a rejection', async () => {
    const g = gate((f) => (f.reviews[RUN_ID] = [{ state: 'rejected', login: REVIEWER, comment: 'not now', environments: ['production'] }]));
    await expectRefused(g, clear(g), `has a rejection for 'production' by @${REVIEWER}`, 'not now');
  });

  it('when a rejection stands beside an approval', async () => {
    const g = gate((f) =>
      f.reviews[RUN_ID]?.push({ state: 'rejected', login: 'other-reviewer', comment: '', environments: ['production'] }),
    );
    await expectRefused(g, clear(g), 'has a rejection', '@other-reviewer');
  });

  it('when the approval is for a different environment', async () => {
    const g = gate((f) => (f.reviews[RUN_ID] = [{ state: 'approved', login: REVIEWER, comment: '', environments: ['staging'] }]));
    await expectRefused(g, clear(g), "no approval for 'production'", "approvals for 'staging' only");
  });

  it('when only a pending review exists', async () => {
    const g = gate((f) => (f.reviews[RUN_ID] = [{ state: 'pending', login: REVIEWER, comment: '', environments: ['production'] }]));
    await expectRefused(g, clear(g), "no approval for 'production'");
  });

  it('when the approver is no longer a required reviewer', async () => {
    const g = gate(
      (f) =>
        (f.environments.production = { name: 'production', requiredReviewers: { reviewers: [{ type: 'User', name: 'someone-else' }] } }),
    );
    await expectRefused(g, clear(g), `by @${REVIEWER}, who is not among its required reviewers now (@someone-else)`);
  });
});

describe('clearForStart: refused by the environment', () => {
  it('when the environment has no required reviewers', async () => {
    const g = gate((f) => (f.environments.production = { name: 'production' }));
    await expectRefused(g, clear(g), "'production' has no required reviewers", 'Required reviewers', 'public repositories');
    expect(g.source.asked.filter((a) => a.startsWith('environment'))).toHaveLength(1);
  });

  it('when the environment does not exist', async () => {
    const g = gate();
    await expectRefused(
      g,
      clear(g, { 'approval-environment': 'prod' }),
      "the environment 'prod' does not exist",
      '404',
      'environment: prod',
      ...PERMISSIONS,
    );
  });
});

describe('clearForStart: refused when GitHub does not answer as it should', () => {
  const forbidden = answered(403, 'Resource not accessible by integration - https://docs.github.com/rest');

  it.each([
    ['environment', 'actions: read', ENV],
    ['approvals', 'actions: read', ENV],
    ['check-run', 'checks: read', NO_OIDC],
  ] as [Fact, string, NodeJS.ProcessEnv][])('on a 403 from the %s endpoint, naming %s', async (fact, permission, env) => {
    const g = gate((f) => (f.failures[fact] = forbidden));
    const message = await expectRefused(g, clear(g, {}, env), 'returned 403', `needs \`${permission}\``, ...PERMISSIONS);
    expect(message).toContain('Resource not accessible by integration');
  });

  it.each([
    ['approvals', 'actions: read'],
    ['check-run', 'checks: read'],
  ] as [Fact, string][])('on a 404 from the %s endpoint, naming %s', async (fact, permission) => {
    const g = gate((f) => (f.failures[fact] = answered(404, 'Not Found - https://docs.github.com/rest')));
    await expectRefused(g, clear(g, {}, NO_OIDC), 'returned 404', `needs \`${permission}\``, 'permissions:');
  });

  it('on a rate limit', async () => {
    const g = gate((f) => (f.failures.approvals = answered(403, 'API rate limit exceeded', { 'x-ratelimit-remaining': '0' })));
    await expectRefused(g, clear(g), 'rate limit');
  });

  it('on a token GitHub does not accept', async () => {
    const g = gate((f) => (f.failures.environment = answered(401, 'Bad credentials - https://docs.github.com/rest')));
    await expectRefused(g, clear(g), 'returned 401', 'github-token');
  });

  it('when the GitHub API keeps failing with 5xx, after a few attempts', async () => {
    const g = gate((f) => (f.failures.environment = unavailable('Server Error', 503)));
    await expectRefused(g, clear(g), 'returned 503', 'after 3 attempts', 'failing or unreachable');
  });

  it('when the GitHub API refuses connections', async () => {
    const g = gate((f) => (f.failures.environment = unavailable('connect ECONNREFUSED 127.0.0.1:9')));
    const message = await expectRefused(g, clear(g), 'after 3 attempts', 'failing or unreachable');
    expect(message).not.toContain('returned');
  });
});

describe('clearForStart: refused by the job', () => {
  it("when the job's OIDC claim names another environment", async () => {
    const g = gate((f) => (f.oidc = { ...f.oidc, environment: 'staging' }));
    await expectRefused(g, clear(g), "this job runs in environment 'staging' (its OIDC token's environment claim), not 'production'");
  });

  it("when the job's OIDC token has no environment claim", async () => {
    const g = gate((f) => delete f.oidc.environment);
    await expectRefused(
      g,
      clear(g),
      "this job runs in no environment (its OIDC token's environment claim names none)",
      'environment: production',
    );
  });

  it('when the OIDC token service refuses', async () => {
    const g = gate((f) => (f.failures.oidc = { ok: false, problem: 'unavailable', detail: 'Failed to get ID Token. Error Code : 401' }));
    await expectRefused(g, clear(g), "the job's OIDC token could not be read");
    // A failed OIDC claim refuses: it does not fall back to the check run.
    expect(g.source.asked).not.toContain(`check-run ${CHECK_RUN_ID}`);
  });

  it('when the check run is a production job of another run (issue 13, item 6a)', async () => {
    const g = gate((f) => (f.jobs[CHECK_RUN_ID] = { runId: '999', runAttempt: '1' }));
    await expectRefused(
      g,
      clear(g, {}, NO_OIDC),
      `check run ${CHECK_RUN_ID} is a job of run 999 attempt 1, not of this run (${RUN_ID} attempt 1)`,
    );
    expect(g.source.asked).toContain(`job ${CHECK_RUN_ID}`);
  });

  it("when the check run is this run's job in an earlier attempt (issue 13, item 6a)", async () => {
    const g = gate((f) => (f.jobs[CHECK_RUN_ID] = { runId: RUN_ID, runAttempt: '1' }));
    await expectRefused(g, clear(g, {}, { ...NO_OIDC, GITHUB_RUN_ATTEMPT: '2' }), 'not of this run (1001 attempt 2)');
  });

  it("when the job's OIDC token was issued to another run (issue 13, item 6c)", async () => {
    const g = gate((f) => (f.oidc = { ...f.oidc, runId: '999' }));
    await expectRefused(g, clear(g), "the job's OIDC token was not issued to this run");
  });

  it("when the job's check run has another environment", async () => {
    const g = gate((f) => (f.checkRuns[CHECK_RUN_ID] = { environment: 'staging' }));
    await expectRefused(g, clear(g, {}, NO_OIDC), `runs in environment 'staging' (the deployment of its check run ${CHECK_RUN_ID})`);
  });

  it("when the job's check run has no deployment", async () => {
    const g = gate((f) => (f.checkRuns[CHECK_RUN_ID] = {}));
    await expectRefused(g, clear(g, {}, NO_OIDC), 'runs in no environment', 'deployment: false');
  });

  it('when there is neither an OIDC token nor a check run ID, naming both fixes', async () => {
    const g = gate();
    await expectRefused(
      g,
      clear(g, { 'check-run-id': '' }, NO_OIDC),
      'cannot tell which environment this job runs in',
      '`id-token: write`',
      'check-run-id: ${{ job.check_run_id }}',
      '`checks: read`',
    );
    expect(g.source.asked.some((a) => a.startsWith('check-run'))).toBe(false);
  });
});

describe('clearForStart: outside a workflow', () => {
  it.each(['GITHUB_REPOSITORY', 'GITHUB_RUN_ID'])('refuses without %s, before asking GitHub anything', async (name) => {
    const g = gate();
    const err = await clear(g, {}, { ...ENV, [name]: '' }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(ActionError);
    expect((err as Error).message).toBe(
      `No install: ${name} is not set, so the approval cannot be verified. Run this action in a GitHub Actions workflow.`,
    );
    expect(g.source.asked).toEqual([]);
  });
});
