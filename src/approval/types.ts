/** The approval gate's facts and verdicts, as the pure decision logic sees them: no wire names, no HTTP. */

/** Why a fact could not be fetched; each maps to a different piece of advice. */
export type Problem = 'unauthorized' | 'forbidden' | 'not-found' | 'rate-limited' | 'unavailable' | 'malformed';

/** A fetched fact, or why it could not be fetched. Fetching never throws: the decision decides. */
export type Lookup<T> = { ok: true; value: T } | { ok: false; problem: Problem; status?: number; detail: string };

export interface Reviewer {
  type: 'User' | 'Team';
  /** A user's login or a team's slug. */
  name: string;
}

export interface EnvironmentInfo {
  /** The name as GitHub stores it. */
  name: string;
  /** The environment's required_reviewers rule; absent when it has none. */
  requiredReviewers?: { reviewers: Reviewer[] };
}

/** One review of an environment's deployment in this workflow run (all attempts). */
export interface RunReview {
  /** approved, rejected or pending; anything else counts as neither. */
  state: string;
  login: string;
  comment: string;
  /** Names of the environments the review covers. */
  environments: string[];
}

/**
 * The environment the current job runs in, as one source tells it; absent when the source names none. The OIDC
 * token also says which run it was issued to (repository, run_id, run_attempt claims): the gate checks them.
 */
export interface JobEnvironment {
  environment?: string;
  repository?: string;
  runId?: string;
  runAttempt?: string;
}

/** The workflow run and attempt a job belongs to (GET /repos/{o}/{r}/actions/jobs/{job_id}). */
export interface JobRun {
  runId: string;
  runAttempt: string;
}

/** How the gate learns which environment the current job runs in. */
export type JobEvidence =
  | { source: 'oidc'; claims: Lookup<JobEnvironment> }
  | { source: 'check-run'; checkRunId: number; checkRun: Lookup<JobEnvironment>; job: Lookup<JobRun> }
  | { source: 'none' };

/** Everything the decision needs, fetched beforehand. */
export interface ApprovalFacts {
  /** owner/repo */
  repository: string;
  runId: string;
  /** GITHUB_RUN_ATTEMPT, as a decimal string. */
  runAttempt: string;
  /** The approval-environment input. */
  required: string;
  environment: Lookup<EnvironmentInfo>;
  reviews: Lookup<RunReview[]>;
  job: JobEvidence;
}

export interface ApprovalReviewer {
  login: string;
  comment: string;
}

/** A verified approval, as the report and the summary show it. Plain data: holding one clears nothing. */
export interface ApprovalRecord {
  /** The environment's name as GitHub stores it. */
  environment: string;
  reviewers: ApprovalReviewer[];
  /** How the job was tied to the environment, for the log and the summary. */
  jobBinding: string;
}

export type Decision =
  | { approved: true; record: ApprovalRecord; passed: string[] }
  | { approved: false; failedCheck: 'environment' | 'approvals' | 'job'; message: string; passed: string[] };
