import { createHash } from 'node:crypto';
import { characters, COMMENT_BUDGET_CHARS, type Measure } from '../summary/budget.js';
import type { Settings } from '../inputs/parse.js';

/**
 * PR-gated maintenance: the job summary as one pull request comment, updated in place by later runs. The
 * comment is found again by a hidden marker on its first line, keyed by workflow, job, region, action and where
 * the instances came from, so two steps in one pull request (a matrix over regions, a scan and a dry-run
 * install) keep a comment each. Best effort: a refusal is a warning, never a failed run. This module is pure.
 */

/** Renders the summary within a budget, in the given unit (pure: summary/run-summary.ts or summary/plan-summary.ts). */
export type Render = (budget: number, measure: Measure) => string;

export interface CommentScope {
  workflow: string;
  job: string;
  region: string;
  action: string;
  /** Where the instances came from: the instance-ids-file path, the tags, or `instance-ids`. */
  source: string;
}

const MARKER_NAME = 'alibaba-ecs-patch-action';

/** `<!-- alibaba-ecs-patch-action key=<12 hex> region=cn-hangzhou action=scan -->`; the key is what matches. */
export function commentMarker(scope: CommentScope): string {
  const key = createHash('sha256')
    .update([scope.workflow, scope.job, scope.region, scope.action, scope.source].join('\n'))
    .digest('hex')
    .slice(0, 12);
  // Region and action are validated inputs (letters, digits, dashes): safe inside an HTML comment.
  return `<!-- ${MARKER_NAME} key=${key} region=${scope.region} action=${scope.action} -->`;
}

/** What the comment's scope is read from: a run's Settings, or `action: report`'s (action report, no instance source). */
export type CommentSettings = Pick<Settings, 'region' | 'instanceIdsFile' | 'tags' | 'prComment'> & { action: string };

export function scopeOf(settings: CommentSettings, env: NodeJS.ProcessEnv): CommentScope {
  const source = settings.instanceIdsFile
    ? `file:${settings.instanceIdsFile}`
    : settings.tags
      ? `tags:${settings.tags.map((t) => `${t.key}=${t.value}`).join(',')}`
      : 'instance-ids';
  return { workflow: env.GITHUB_WORKFLOW ?? '', job: env.GITHUB_JOB ?? '', region: settings.region, action: settings.action, source };
}

/** The pull request of a pull_request (or pull_request_target) event; undefined for any other event. */
export function pullRequestNumber(eventName: string | undefined, payload: unknown): number | undefined {
  if (eventName !== 'pull_request' && eventName !== 'pull_request_target') return undefined;
  const p = payload as { number?: unknown; pull_request?: { number?: unknown } } | null;
  const n = p?.pull_request?.number ?? p?.number;
  return typeof n === 'number' && Number.isSafeInteger(n) && n > 0 ? n : undefined;
}

/** Marker, the summary cut to fit GitHub's comment limit (65,536 characters), and a link to the run. */
export function commentBody(marker: string, render: Render, runUrl: string | undefined): string {
  const footer = runUrl ? `\n\n---\n<sub>Full report: the [job summary and the report-file output of this run](${runUrl}).</sub>\n` : '\n';
  const budget = COMMENT_BUDGET_CHARS - marker.length - footer.length - 1;
  return `${marker}\n${render(budget, characters).trimEnd()}${footer}`;
}

/** The three calls on issue comments (github.ts makes them on GitHub). */
export interface CommentApi {
  /** The ID of the first comment whose body starts with the marker. */
  find(pr: number, marker: string): Promise<number | undefined>;
  create(pr: number, body: string): Promise<number>;
  update(commentId: number, body: string): Promise<void>;
}

/** Creates the comment, or updates the one an earlier run made. */
export async function upsertComment(
  api: CommentApi,
  pr: number,
  marker: string,
  body: string,
): Promise<{ action: 'created' | 'updated'; id: number }> {
  const existing = await api.find(pr, marker);
  if (existing !== undefined) {
    await api.update(existing, body);
    return { action: 'updated', id: existing };
  }
  return { action: 'created', id: await api.create(pr, body) };
}

/** What went wrong with the comment, and what to do about it. By status code only. */
export function commentAdvice(err: unknown, pr: number): string {
  const status = statusOf(err);
  const head = `comment-on-pr: could not comment on pull request #${pr}`;
  if (status === 403) {
    return `${head} (403): give the job \`permissions: pull-requests: write\`. A pull request from a fork gets a read-only token; comment from a pull_request_target or workflow_run workflow instead.`;
  }
  if (status === 401) return `${head} (401): the github-token input is not a valid token; leave it at its default, \${{ github.token }}.`;
  if (status === 404) return `${head} (404): the token cannot see this repository or pull request.`;
  const message = err instanceof Error ? err.message.replace(/\s+/g, ' ').slice(0, 300) : String(err);
  return `${head}${status ? ` (${status})` : ''}: ${message}`;
}

/** The HTTP status of a failed octokit request; undefined when nothing answered. */
export function statusOf(err: unknown): number | undefined {
  const status = (err as { status?: unknown } | null)?.status;
  return typeof status === 'number' ? status : undefined;
}
