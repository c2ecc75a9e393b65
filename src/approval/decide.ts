import { jobSnippet, lookupAdvice, Permission, PERMISSIONS_BLOCK, REFUSED, showBlock } from './advice.js';
import type { ApprovalFacts, ApprovalReviewer, Decision, EnvironmentInfo, JobEvidence, Reviewer, RunReview } from './types.js';

/**
 * The install gate's decision, from facts fetched beforehand. Checks run in the issue's order and the first
 * failure refuses; anything unexpected refuses too (fail closed). Every refusal says what to change.
 */
export function decide(facts: ApprovalFacts): Decision {
  const passed: string[] = [];
  const environment = checkEnvironment(facts);
  if (!environment.ok) return { approved: false, failedCheck: 'environment', message: REFUSED + environment.message, passed };
  passed.push(environment.log);

  const reviews = checkReviews(facts, environment.value);
  if (!reviews.ok) return { approved: false, failedCheck: 'approvals', message: REFUSED + reviews.message, passed };
  passed.push(reviews.log);

  const job = checkJob(facts.job, environment.value.name, facts);
  if (!job.ok) return { approved: false, failedCheck: 'job', message: REFUSED + job.message, passed };
  passed.push(job.log);

  return {
    approved: true,
    record: { environment: environment.value.name, reviewers: reviews.value, jobBinding: job.value },
    passed,
  };
}

type Step<T> = { ok: true; value: T; log: string } | { ok: false; message: string };

/**
 * GitHub environment names (and logins, and repository names) are not case-sensitive, in ASCII only: folding
 * with toLowerCase would make the Kelvin sign `K` (U+212A) equal `k`, and an environment named with it pass for
 * another one.
 */
export function sameEnvironment(a: string, b: string): boolean {
  return foldAscii(a) === foldAscii(b);
}

export function foldAscii(text: string): string {
  return text.replace(/[A-Z]/g, (c) => c.toLowerCase());
}

function q(name: string): string {
  return `'${name}'`;
}

function envPath(facts: ApprovalFacts): string {
  return `GET /repos/${facts.repository}/environments/${encodeURIComponent(facts.required)}`;
}

export function checkEnvironment(facts: ApprovalFacts): Step<EnvironmentInfo> {
  const name = facts.required;
  const lookup = facts.environment;
  if (!lookup.ok) {
    if (lookup.problem === 'not-found') {
      return {
        ok: false,
        message:
          `the environment ${q(name)} does not exist in ${facts.repository} (${envPath(facts)} returned 404), ` +
          `or the job's token cannot read it (it needs \`${Permission.Actions}\`). Create it under Settings → Environments ` +
          `with required reviewers, make the job run in it, and grant the token what the gate reads:${showBlock(jobSnippet(name))}`,
      };
    }
    return { ok: false, message: lookupAdvice(envPath(facts), Permission.Actions, lookup) };
  }
  const env = lookup.value;
  if (!sameEnvironment(env.name, name)) {
    return { ok: false, message: `${envPath(facts)} answered for environment ${q(env.name)}, not ${q(name)}.` };
  }
  const reviewers = env.requiredReviewers?.reviewers ?? [];
  if (reviewers.length === 0) {
    return {
      ok: false,
      message:
        `the environment ${q(env.name)} has no required reviewers, so it gates nothing: any run could install. ` +
        `Add reviewers under Settings → Environments → ${env.name} → Required reviewers. ` +
        `On GitHub Free, Pro and Team plans, required reviewers are available for public repositories only.`,
    };
  }
  return { ok: true, value: env, log: `✓ Environment ${q(env.name)} requires a review by ${describeReviewers(reviewers)}.` };
}

export function describeReviewers(reviewers: readonly Reviewer[]): string {
  return reviewers.map((r) => (r.type === 'Team' ? `team ${r.name}` : `@${r.name}`)).join(', ');
}

export function checkReviews(facts: ApprovalFacts, env: EnvironmentInfo): Step<ApprovalReviewer[]> {
  const path = `GET /repos/${facts.repository}/actions/runs/${facts.runId}/approvals`;
  if (!facts.reviews.ok) return { ok: false, message: lookupAdvice(path, Permission.Actions, facts.reviews) };
  const all = facts.reviews.value;
  const covers = (r: RunReview): boolean => r.environments.some((e) => sameEnvironment(e, env.name));
  const mine = all.filter(covers);
  const rejected = mine.filter((r) => r.state === 'rejected');
  if (rejected.length > 0) {
    return {
      ok: false,
      message:
        `run ${facts.runId} has a rejection for ${q(env.name)} by ${logins(rejected)}` +
        `${rejected[0]?.comment ? ` ("${rejected[0].comment}")` : ''}. A rejected deployment is never installed, even after a later approval.`,
    };
  }
  const approved = mine.filter((r) => r.state === 'approved');
  if (approved.length === 0) {
    const elsewhere = [...new Set(all.filter((r) => r.state === 'approved').flatMap((r) => r.environments))];
    return {
      ok: false,
      message:
        `run ${facts.runId} has no approval for ${q(env.name)}` +
        (elsewhere.length > 0 ? ` (it has approvals for ${elsewhere.map(q).join(', ')} only)` : '') +
        `. A required reviewer must approve this job's deployment to ${q(env.name)}. An administrator's bypass of the ` +
        `protection rule leaves no approval, and a job without \`environment:\` is never reviewed. Make the job run in ` +
        `the environment:${showBlock(jobSnippet(env.name))}`,
    };
  }
  const users = env.requiredReviewers?.reviewers ?? [];
  // With teams among the reviewers the token cannot list their members; GitHub checked them when they approved.
  const onlyUsers = users.every((r) => r.type === 'User');
  const current = onlyUsers ? approved.filter((r) => users.some((u) => sameLogin(u.name, r.login))) : approved;
  if (current.length === 0) {
    return {
      ok: false,
      message:
        `${q(env.name)} was approved in run ${facts.runId} by ${logins(approved)}, who ${approved.length === 1 ? 'is' : 'are'} not among its ` +
        `required reviewers now (${describeReviewers(users)}). Have a current reviewer approve a new run.`,
    };
  }
  const reviewers = unique(current.map((r) => ({ login: r.login, comment: r.comment })));
  const note = onlyUsers ? '' : ' (team membership was checked by GitHub when they approved)';
  return {
    ok: true,
    value: reviewers,
    log: `✓ Run ${facts.runId} was approved for ${q(env.name)} by ${logins(current)}${note}; no rejection.`,
  };
}

export function checkJob(
  job: JobEvidence,
  environment: string,
  facts: Pick<ApprovalFacts, 'repository' | 'runId' | 'runAttempt'>,
): Step<string> {
  if (job.source === 'none') {
    return {
      ok: false,
      message:
        `cannot tell which environment this job runs in, so the approval cannot be tied to it. Either give the job ` +
        `\`${Permission.IdToken}\` (its OIDC token names the environment), or pass \`check-run-id: \${{ job.check_run_id }}\` ` +
        `(the default) and give the job \`${Permission.Checks}\`:${showBlock(PERMISSIONS_BLOCK)}`,
    };
  }
  if (job.source === 'oidc') {
    if (!job.claims.ok) {
      return {
        ok: false,
        message:
          `the job's OIDC token could not be read (${job.claims.detail}), so the job cannot be tied to ${q(environment)}. ` +
          `Re-run the job; or drop \`${Permission.IdToken}\` and let the gate read the job's check run (\`${Permission.Checks}\`).`,
      };
    }
    const claims = job.claims.value;
    const mine =
      claims.repository !== undefined &&
      foldAscii(claims.repository) === foldAscii(facts.repository) &&
      claims.runId === facts.runId &&
      claims.runAttempt === facts.runAttempt;
    if (!mine) {
      return {
        ok: false,
        message:
          `the job's OIDC token was not issued to this run: it names ${describeRun(claims.repository, claims.runId, claims.runAttempt)}, ` +
          `this is ${describeRun(facts.repository, facts.runId, facts.runAttempt)}. Re-run the job.`,
      };
    }
    return matchJob(claims.environment, environment, "its OIDC token's environment claim");
  }
  const path = `GET /repos/${facts.repository}/check-runs/${job.checkRunId}`;
  if (!job.checkRun.ok) return { ok: false, message: lookupAdvice(path, Permission.Checks, job.checkRun) };
  const jobPath = `GET /repos/${facts.repository}/actions/jobs/${job.checkRunId}`;
  if (!job.job.ok) return { ok: false, message: lookupAdvice(jobPath, Permission.Actions, job.job) };
  if (job.job.value.runId !== facts.runId || job.job.value.runAttempt !== facts.runAttempt) {
    return {
      ok: false,
      message:
        `check run ${job.checkRunId} is a job of run ${job.job.value.runId} attempt ${job.job.value.runAttempt}, not of this run ` +
        `(${facts.runId} attempt ${facts.runAttempt}): pass this job's own \`check-run-id: \${{ job.check_run_id }}\` (the default).`,
    };
  }
  return matchJob(job.checkRun.value.environment, environment, `the deployment of its check run ${job.checkRunId}`);
}

function describeRun(repository: string | undefined, runId: string | undefined, attempt: string | undefined): string {
  return `${repository ?? '(no repository)'} run ${runId ?? '(none)'} attempt ${attempt ?? '(none)'}`;
}

function matchJob(actual: string | undefined, environment: string, source: string): Step<string> {
  if (actual === undefined || actual === '') {
    return {
      ok: false,
      message:
        `this job runs in no environment (${source} names none), so the approval of ${q(environment)} does not cover it. ` +
        `With \`environment:\` set, check that it does not say \`deployment: false\`:${showBlock(jobSnippet(environment))}`,
    };
  }
  if (!sameEnvironment(actual, environment)) {
    return {
      ok: false,
      message: `this job runs in environment ${q(actual)} (${source}), not ${q(environment)}: the approval of ${q(environment)} does not cover it.`,
    };
  }
  return { ok: true, value: source, log: `✓ This job runs in ${q(environment)}: ${source}.` };
}

function sameLogin(a: string, b: string): boolean {
  return foldAscii(a) === foldAscii(b);
}

function logins(reviews: readonly RunReview[]): string {
  return [...new Set(reviews.map((r) => `@${r.login}`))].join(', ');
}

function unique(reviewers: ApprovalReviewer[]): ApprovalReviewer[] {
  const seen = new Set<string>();
  return reviewers.filter((r) => {
    const key = `${r.login}\n${r.comment}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
