import { systemClock } from '../lib/clock.js';
import { withRetry } from '../lib/retry.js';
import { getIdToken } from '../runner/id-token.js';
import type { GithubEdgeOptions } from '../runner/octokit.js';
import { secrets } from '../runner/secrets.js';
import { APPROVAL_AUDIENCE, jobEnvironmentFromJwt } from './job-token.js';
import type { EnvironmentInfo, JobEnvironment, JobRun, Lookup, Problem, Reviewer, RunReview } from './types.js';

/** The facts the gate reads, each as a Lookup: these never throw. The only module that knows GitHub wire names. */
export interface ApprovalSource {
  environment(name: string): Promise<Lookup<EnvironmentInfo>>;
  runReviews(runId: string): Promise<Lookup<RunReview[]>>;
  checkRun(checkRunId: number): Promise<Lookup<JobEnvironment>>;
  /** The run and attempt of a job (its ID is its check run's ID). */
  job(jobId: number): Promise<Lookup<JobRun>>;
  /** From the job's OIDC token; only call when the runner offers one (ACTIONS_ID_TOKEN_REQUEST_URL). */
  oidcJobEnvironment(): Promise<Lookup<JobEnvironment>>;
}

/** How the approval source gets the job's OIDC token; default: runner/id-token.ts (timeout and retries). */
export type IdTokenFetch = (audience: string) => Promise<string>;

/** The policy: 3 attempts, full jitter under 500 ms * 2^(n-1), only a failure that is 'unavailable'; 15 s per request. */
const ATTEMPTS = 3;
const BASE_DELAY_MS = 500;
const REQUEST_TIMEOUT_MS = 15_000;

type Failure = Extract<Lookup<never>, { ok: false }>;

class Malformed extends Error {}

/** Talks to GITHUB_API_URL through the octokit it is given, and to the runner's OIDC token service. */
export function createApprovalSource(options: GithubEdgeOptions & { idToken?: IdTokenFetch }): ApprovalSource {
  const { octokit } = options;
  const [owner = '', repo = ''] = options.repository.split('/');
  const clock = options.clock ?? systemClock;
  const random = options.random ?? Math.random;
  const policy = { attempts: options.attempts ?? ATTEMPTS, baseMs: options.baseDelayMs ?? BASE_DELAY_MS, capMs: Infinity };

  // Full jitter, bounded, never a 4xx: through the one retry helper.
  async function fetchFact<T>(
    label: string,
    call: (signal: AbortSignal) => Promise<unknown>,
    parse: (data: unknown) => T,
  ): Promise<Lookup<T>> {
    let attempts = 0;
    try {
      const value = await withRetry(
        async (attempt) => {
          attempts = attempt;
          return parse(await call((options.timeoutSignal ?? AbortSignal.timeout)(REQUEST_TIMEOUT_MS)));
        },
        { clock, random },
        {
          ...policy,
          classify: (err) => ({ retry: classify(err).problem === 'unavailable' }),
          onRetry: ({ error, attempt }, delay) =>
            options.onRetry?.(`${label}: ${classify(error).detail}; attempt ${attempt + 1} of ${policy.attempts} in ${delay} ms`),
        },
      );
      return { ok: true, value };
    } catch (err) {
      const failure = classify(err);
      return failure.problem === 'unavailable' ? { ...failure, detail: `${failure.detail} (after ${attempts} attempts)` } : failure;
    }
  }

  return {
    environment: (name) =>
      fetchFact(
        `GET environment ${name}`,
        async (signal) => (await octokit.rest.repos.getEnvironment({ owner, repo, environment_name: name, request: { signal } })).data,
        parseEnvironment,
      ),
    runReviews: (runId) =>
      fetchFact(
        `GET run ${runId} approvals`,
        async (signal) => (await octokit.rest.actions.getReviewsForRun({ owner, repo, run_id: Number(runId), request: { signal } })).data,
        parseReviews,
      ),
    checkRun: (checkRunId) =>
      fetchFact(
        `GET check run ${checkRunId}`,
        async (signal) => (await octokit.rest.checks.get({ owner, repo, check_run_id: checkRunId, request: { signal } })).data,
        parseCheckRun,
      ),
    job: (jobId) =>
      fetchFact(
        `GET job ${jobId}`,
        async (signal) => (await octokit.rest.actions.getJobForWorkflowRun({ owner, repo, job_id: jobId, request: { signal } })).data,
        parseJob,
      ),
    async oidcJobEnvironment() {
      // @actions/http-client already retries the token service's 5xx. core masks the token; the registry scrubs it.
      try {
        const jwt = await (options.idToken ?? ((audience: string) => getIdToken(audience, { clock, random })))(APPROVAL_AUDIENCE);
        secrets.protect(jwt);
        return { ok: true, value: jobEnvironmentFromJwt(jwt) };
      } catch (err) {
        return { ok: false, problem: 'unavailable', detail: oneLine(err instanceof Error ? err.message : String(err)) };
      }
    },
  };
}

/** Sorts a failed request into what the user can do about it. Status codes only, never message text. */
export function classify(err: unknown): Failure {
  if (err instanceof Malformed) return { ok: false, problem: 'malformed', detail: err.message };
  const e = err as { status?: unknown; message?: unknown; name?: unknown; response?: { headers?: Record<string, string | undefined> } };
  const status = typeof e.status === 'number' ? e.status : undefined;
  const message = oneLine(typeof e.message === 'string' && e.message !== '' ? e.message : String(err));
  const headers = e.response?.headers ?? {};
  let problem: Problem;
  if (e.name === 'TimeoutError' || e.name === 'AbortError' || status === undefined || status >= 500) problem = 'unavailable';
  else if (status === 429 || (status === 403 && headers['x-ratelimit-remaining'] === '0')) problem = 'rate-limited';
  else if (status === 401) problem = 'unauthorized';
  else if (status === 403) problem = 'forbidden';
  else if (status === 404) problem = 'not-found';
  else problem = 'malformed';
  // octokit reports a connection failure as status 500 without a response: say it was not an answer.
  const answered = e.response !== undefined;
  return answered && status !== undefined ? { ok: false, problem, status, detail: message } : { ok: false, problem, detail: message };
}

function oneLine(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > 300 ? `${flat.slice(0, 300)}…` : flat;
}

function record(value: unknown, what: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Malformed(`${what} is not a JSON object`);
  return value as Record<string, unknown>;
}

function text(value: unknown, what: string): string {
  if (typeof value !== 'string') throw new Malformed(`${what} is not a string`);
  return value;
}

export function parseEnvironment(data: unknown): EnvironmentInfo {
  const body = record(data, 'the environment');
  const name = text(body.name, 'the environment name');
  const rules = body.protection_rules ?? [];
  if (!Array.isArray(rules)) throw new Malformed('protection_rules is not an array');
  const env: EnvironmentInfo = { name };
  for (const raw of rules as unknown[]) {
    const rule = record(raw, 'a protection rule');
    if (rule.type !== 'required_reviewers') continue;
    const list = rule.reviewers ?? [];
    if (!Array.isArray(list)) throw new Malformed('reviewers is not an array');
    const reviewers = (list as unknown[]).map((r): Reviewer => {
      const entry = record(r, 'a reviewer');
      const who = record(entry.reviewer, 'a reviewer');
      if (entry.type === 'Team') return { type: 'Team', name: text(who.slug ?? who.name, "a team reviewer's slug") };
      if (entry.type === 'User') return { type: 'User', name: text(who.login, "a reviewer's login") };
      throw new Malformed(`reviewer type ${JSON.stringify(entry.type)} is not User or Team`);
    });
    env.requiredReviewers = { reviewers: [...(env.requiredReviewers?.reviewers ?? []), ...reviewers] };
  }
  return env;
}

export function parseReviews(data: unknown): RunReview[] {
  if (!Array.isArray(data)) throw new Malformed('the approvals are not a JSON array');
  return (data as unknown[]).map((raw) => {
    const review = record(raw, 'an approval');
    const environments = review.environments;
    if (!Array.isArray(environments)) throw new Malformed("an approval's environments are not an array");
    return {
      state: text(review.state, "an approval's state"),
      login: text(record(review.user, "an approval's user").login, "an approval's user login"),
      comment: review.comment === null || review.comment === undefined ? '' : text(review.comment, "an approval's comment"),
      environments: (environments as unknown[]).map((e) => text(record(e, 'an environment').name, 'an environment name')),
    };
  });
}

export function parseJob(data: unknown): JobRun {
  const body = record(data, 'the job');
  const count = (v: unknown, what: string): string => {
    if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 1) throw new Malformed(`${what} is not a positive integer`);
    return String(v);
  };
  return { runId: count(body.run_id, "the job's run_id"), runAttempt: count(body.run_attempt, "the job's run_attempt") };
}

export function parseCheckRun(data: unknown): JobEnvironment {
  const body = record(data, 'the check run');
  if (body.deployment === undefined || body.deployment === null) return {};
  return { environment: text(record(body.deployment, 'the deployment').environment, "the deployment's environment") };
}
