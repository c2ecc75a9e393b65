import * as core from '@actions/core';
import { ActionError } from '../lib/errors.js';
import type { ApprovalSettings, Settings } from '../inputs/parse.js';
import { createOctokit } from '../runner/octokit.js';
import { secrets } from '../runner/secrets.js';
import { type Clearance, clearInstall, clearScan } from './clearance.js';
import { decide } from './decide.js';
import { type ApprovalSource, createApprovalSource } from './github.js';
import type { ApprovalFacts, JobEvidence } from './types.js';

/**
 * The approval phase: a scan is cleared at once; an install only when this run carries an approval of the
 * approval-environment by a required reviewer and this job is the one that environment gated.
 */
export async function clearForStart(settings: Settings, env: NodeJS.ProcessEnv, source?: ApprovalSource): Promise<Clearance> {
  if (settings.action === 'scan') return clearScan(settings);
  const wanted = settings.approval;
  if (!wanted) throw new ActionError('Internal error: an install without approval settings; nothing started.');
  const repository = requireEnv(env, 'GITHUB_REPOSITORY');
  const runId = requireEnv(env, 'GITHUB_RUN_ID');
  secrets.protect(wanted.githubToken);
  const api =
    source ?? createApprovalSource({ octokit: createOctokit(wanted.githubToken), repository, onRetry: (m) => core.info(`  ${m}`) });
  core.info(`Approval: checking that a required reviewer of '${wanted.environment}' approved this job (run ${runId})`);
  const facts = await gather(api, wanted, repository, runId, oidcOffered(env));
  const decision = decide(facts);
  for (const line of decision.passed) core.info(`  ${line}`);
  if (!decision.approved) throw new ActionError(decision.message);
  return clearInstall(settings, decision);
}

async function gather(
  api: ApprovalSource,
  wanted: ApprovalSettings,
  repository: string,
  runId: string,
  oidc: boolean,
): Promise<ApprovalFacts> {
  const checkRunId = wanted.checkRunId;
  // The OIDC claim is preferred when the runner offers a token; a failure there refuses rather than falling back.
  const job: Promise<JobEvidence> = oidc
    ? api.oidcJobEnvironment().then((claims) => ({ source: 'oidc', claims }))
    : checkRunId !== undefined
      ? api.checkRun(checkRunId).then((checkRun) => ({ source: 'check-run', checkRunId, checkRun }))
      : Promise.resolve({ source: 'none' });
  const [environment, reviews, evidence] = await Promise.all([api.environment(wanted.environment), api.runReviews(runId), job]);
  return { repository, runId, required: wanted.environment, environment, reviews, job: evidence };
}

/** The runner sets both only for a job with `id-token: write`. */
function oidcOffered(env: NodeJS.ProcessEnv): boolean {
  return Boolean(env.ACTIONS_ID_TOKEN_REQUEST_URL && env.ACTIONS_ID_TOKEN_REQUEST_TOKEN);
}

function requireEnv(env: NodeJS.ProcessEnv, name: string): string {
  const value = env[name];
  if (!value)
    throw new ActionError(
      `No install: ${name} is not set, so the approval cannot be verified. Run this action in a GitHub Actions workflow.`,
    );
  return value;
}
