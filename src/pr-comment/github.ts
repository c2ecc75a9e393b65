import { systemClock } from '../lib/clock.js';
import { type RetryPolicy, withRetry } from '../lib/retry.js';
import type { GithubEdgeOptions } from '../runner/octokit.js';
import { type CommentApi, statusOf } from './comment.js';

/** Pages of 100 comments read at most while looking for ours. */
const MAX_PAGES = 30;
/** A create or an update that got no answer or a 5xx: 3 attempts, full jitter under 1000 ms * 2^(n-1). */
const ATTEMPTS = 3;
const BASE_DELAY_MS = 1000;

/** CommentApi on GitHub's issue comments: the only place that knows their wire names. */
export function createCommentApi(options: GithubEdgeOptions): CommentApi {
  const { octokit } = options;
  const [owner = '', repo = ''] = options.repository.split('/');
  const ctx = { clock: options.clock ?? systemClock, random: options.random ?? Math.random };
  const policy: RetryPolicy = {
    attempts: options.attempts ?? ATTEMPTS,
    baseMs: options.baseDelayMs ?? BASE_DELAY_MS,
    capMs: Infinity,
    // Retries only what may pass next time: no answer, or a 5xx.
    classify: (err) => {
      const status = statusOf(err);
      return { retry: status === undefined || status >= 500 };
    },
  };
  return {
    async find(pr, marker) {
      let pages = 0;
      const iterator = octokit.paginate.iterator(octokit.rest.issues.listComments, { owner, repo, issue_number: pr, per_page: 100 });
      for await (const page of iterator) {
        const found = page.data.find((c) => (c.body ?? '').startsWith(marker));
        if (found) return found.id;
        if (++pages >= MAX_PAGES) break;
      }
      return undefined;
    },
    create: (pr, body) =>
      withRetry(async () => (await octokit.rest.issues.createComment({ owner, repo, issue_number: pr, body })).data.id, ctx, policy),
    update: (commentId, body) =>
      withRetry(
        async () => {
          await octokit.rest.issues.updateComment({ owner, repo, comment_id: commentId, body });
        },
        ctx,
        policy,
      ),
  };
}
