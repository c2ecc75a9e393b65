import { readFile } from 'node:fs/promises';
import type { Logger } from '../lib/log.js';
import { createOctokit } from '../runner/octokit.js';
import { secrets } from '../runner/secrets.js';
import {
  type CommentApi,
  commentAdvice,
  commentBody,
  commentMarker,
  pullRequestNumber,
  type Render,
  scopeOf,
  type CommentSettings,
  upsertComment,
} from './comment.js';
import { createCommentApi } from './github.js';

/**
 * The comment-on-pr phase: on a pull_request event, post or update the comment. Every failure becomes a
 * warning that says what to do; the run's result does not depend on the comment.
 */
export async function commentOnPr(
  settings: CommentSettings,
  env: NodeJS.ProcessEnv,
  render: Render,
  log: Pick<Logger, 'info' | 'warning'>,
  api?: CommentApi,
  scrub: (text: string) => string = (text) => secrets.scrub(text),
): Promise<void> {
  if (!settings.prComment) return;
  const pr = pullRequestNumber(env.GITHUB_EVENT_NAME, await readEvent(env.GITHUB_EVENT_PATH));
  if (pr === undefined) {
    log.info(`comment-on-pr: this run is a ${env.GITHUB_EVENT_NAME || 'non-GitHub'} event, not a pull request; no comment.`);
    return;
  }
  const repository = env.GITHUB_REPOSITORY ?? '';
  const runUrl =
    env.GITHUB_SERVER_URL && repository && env.GITHUB_RUN_ID
      ? `${env.GITHUB_SERVER_URL}/${repository}/actions/runs/${env.GITHUB_RUN_ID}`
      : undefined;
  const marker = commentMarker(scopeOf(settings, env));
  try {
    const done = await upsertComment(
      api ?? createCommentApi({ octokit: createOctokit(settings.prComment.githubToken), repository }),
      pr,
      marker,
      // The writer's last line: whatever a server echoed, no known secret is posted.
      scrub(commentBody(marker, render, runUrl)),
    );
    log.info(`comment-on-pr: ${done.action} comment ${done.id} on pull request #${pr}.`);
  } catch (err) {
    log.warning(commentAdvice(err, pr), { title: 'Pull request comment not posted' });
  }
}

async function readEvent(path: string | undefined): Promise<unknown> {
  if (!path) return undefined;
  try {
    return JSON.parse(await readFile(path, 'utf8')) as unknown;
  } catch {
    return undefined;
  }
}
