import { requireEnv, runAttempt } from '../lib/env.js';
import { ActionError } from '../lib/errors.js';
import { type Logger, untrusted } from '../lib/log.js';
import type { SecretRegistry } from '../lib/secrets.js';
import type { ApprovalSettings, Settings } from '../inputs/parse.js';
import { createOctokit } from '../runner/octokit.js';
import { type Clearance, clearInstall, clearScan } from './clearance.js';
import { decide } from './decide.js';
import { type ApprovalSource, createApprovalSource } from './github.js';
import type { ApprovalFacts, JobEvidence } from './types.js';

/** What the approval phase works with besides the settings and the environment. */
export interface GateContext {
  log: Logger;
  /** The github-token is registered here before any request carries it. */
  secrets: SecretRegistry;
  /** Where the facts come from; by default GitHub's API with the github-token (tests pass the facts). */
  source?: ApprovalSource;
}

/**
 * The approval phase: a scan is cleared at once; an install only when this run carries an approval of the
 * approval-environment by a required reviewer and this job is the one that environment gated.
 */
export async function clearForStart(settings: Settings, env: NodeJS.ProcessEnv, ctx: GateContext): Promise<Clearance> {
  if (settings.action === 'scan') return clearScan(settings);
  const wanted = settings.approval;
  if (!wanted) throw new ActionError('Internal error: an install without approval settings; nothing started.');
  const repository = requireEnv(env, 'GITHUB_REPOSITORY', notVerifiable);
  const runId = requireEnv(env, 'GITHUB_RUN_ID', notVerifiable);
  const { log } = ctx;
  ctx.secrets.protect(wanted.githubToken);
  const api =
    ctx.source ??
    createApprovalSource({ octokit: createOctokit(wanted.githubToken), repository, onRetry: (m) => log.info(`  ${untrusted(m)}`) });
  log.info(`Approval: checking that a required reviewer of '${wanted.environment}' approved this job (run ${runId})`);
  const facts = await gather(api, wanted, repository, runId, String(runAttempt(env)), oidcOffered(env));
  const decision = decide(facts);
  for (const line of decision.passed) log.info(`  ${untrusted(line)}`);
  if (!decision.approved) throw new ActionError(decision.message);
  return clearInstall(settings, decision);
}

async function gather(
  api: ApprovalSource,
  wanted: ApprovalSettings,
  repository: string,
  runId: string,
  attempt: string,
  oidc: boolean,
): Promise<ApprovalFacts> {
  const checkRunId = wanted.checkRunId;
  // The OIDC claim is preferred when the runner offers a token; a failure there refuses rather than falling back.
  const job: Promise<JobEvidence> = oidc
    ? api.oidcJobEnvironment().then((claims) => ({ source: 'oidc', claims }))
    : checkRunId !== undefined
      ? Promise.all([api.checkRun(checkRunId), api.job(checkRunId)]).then(([checkRun, job]) => ({
          source: 'check-run',
          checkRunId,
          checkRun,
          job,
        }))
      : Promise.resolve({ source: 'none' });
  const [environment, reviews, evidence] = await Promise.all([api.environment(wanted.environment), api.runReviews(runId), job]);
  return { repository, runId, runAttempt: attempt, required: wanted.environment, environment, reviews, job: evidence };
}

/** The runner sets both only for a job with `id-token: write`. */
function oidcOffered(env: NodeJS.ProcessEnv): boolean {
  return Boolean(env.ACTIONS_ID_TOKEN_REQUEST_URL && env.ACTIONS_ID_TOKEN_REQUEST_TOKEN);
}

function notVerifiable(name: string): string {
  return `No install: ${name} is not set, so the approval cannot be verified. Run this action in a GitHub Actions workflow.`;
}
