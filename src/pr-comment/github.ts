import { systemClock } from '../lib/clock.js';
import { type RetryPolicy, withRetry } from '../lib/retry.js';
import type { GithubEdgeOptions } from '../runner/octokit.js';
import { type CommentApi, statusOf } from './comment.js';

/** Pages of 100 comments read at most while looking for ours. */
const MAX_PAGES = 30;
/** Every request: 3 attempts, full jitter under 1000 ms * 2^(n-1), 15 s each. */
const ATTEMPTS = 3;
const BASE_DELAY_MS = 1000;
const REQUEST_TIMEOUT_MS = 15_000;

/**
 * Who writes comments with a workflow's GITHUB_TOKEN (and answers GET /user with 403: an installation token
 * has no user). A personal token's comments are its user's, which GET /user names.
 */
export const ACTIONS_BOT_LOGIN = 'github-actions[bot]';

/**
 * CommentApi on GitHub's issue comments: the only place that knows their wire names. Every request runs under a
 * timeout and the shared retry loop (lib/retry.ts): no answer, or a 5xx, is retried; a 4xx is not.
 */
export function createCommentApi(options: GithubEdgeOptions): CommentApi {
  const { octokit } = options;
  const [owner = '', repo = ''] = options.repository.split('/');
  const ctx = { clock: options.clock ?? systemClock, random: options.random ?? Math.random };
  const timeout = (): AbortSignal => (options.timeoutSignal ?? AbortSignal.timeout)(REQUEST_TIMEOUT_MS);
  const policy: RetryPolicy = {
    attempts: options.attempts ?? ATTEMPTS,
    baseMs: options.baseDelayMs ?? BASE_DELAY_MS,
    capMs: Infinity,
    // Retries only what may pass next time: no answer (a timeout included), or a 5xx.
    classify: (err) => {
      const status = statusOf(err);
      return { retry: status === undefined || status >= 500 };
    },
  };
  const request = <T>(call: (signal: AbortSignal) => Promise<T>): Promise<T> => withRetry(() => call(timeout()), ctx, policy);

  let identity: Promise<string> | undefined;
  /** The login this token comments as: GET /user for a user's token; GITHUB_TOKEN (no user) is github-actions[bot]. */
  const ownLogin = (): Promise<string> =>
    (identity ??= request((signal) => octokit.rest.users.getAuthenticated({ request: { signal } })).then(
      ({ data }) => loginOf(data),
      (err: unknown) => {
        const status = statusOf(err);
        if (status === 403 || status === 401 || status === 404) return ACTIONS_BOT_LOGIN;
        throw err;
      },
    ));

  return {
    async find(pr, marker) {
      const me = await ownLogin();
      for (let page = 1; page <= MAX_PAGES; page++) {
        const { data } = await request((signal) =>
          octokit.rest.issues.listComments({ owner, repo, issue_number: pr, per_page: 100, page, request: { signal } }),
        );
        const comments = commentsOf(data);
        // Only our own comment: anyone can post one that starts with the marker, and we would overwrite it.
        const found = comments.find((c) => c.body.startsWith(marker) && c.login === me);
        if (found) return found.id;
        if (comments.length < 100) break;
      }
      return undefined;
    },
    create: (pr, body) =>
      request(async (signal) =>
        idOf((await octokit.rest.issues.createComment({ owner, repo, issue_number: pr, body, request: { signal } })).data),
      ),
    update: (commentId, body) =>
      request(async (signal) => {
        await octokit.rest.issues.updateComment({ owner, repo, comment_id: commentId, body, request: { signal } });
      }),
  };
}

/** GitHub's answers are parsed, not trusted by type: an answer without the field the edge needs is an error. */
function malformed(what: string): Error {
  return new Error(`GitHub answered without ${what}`);
}

function field(value: unknown, name: string): unknown {
  return typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[name] : undefined;
}

/** GET /user: the token's login. */
function loginOf(data: unknown): string {
  const login = field(data, 'login');
  if (typeof login !== 'string') throw malformed('a login');
  return login;
}

/** POST comment: the new comment's ID. */
function idOf(data: unknown): number {
  const id = field(data, 'id');
  if (typeof id !== 'number') throw malformed('a comment ID');
  return id;
}

/** A page of comments: each one's ID, body and author; an entry without an ID is skipped (it could not be updated). */
function commentsOf(data: unknown): Array<{ id: number; body: string; login: string | undefined }> {
  if (!Array.isArray(data)) throw malformed('a list of comments');
  return data.flatMap((c: unknown) => {
    const id = field(c, 'id');
    if (typeof id !== 'number') return [];
    const body = field(c, 'body');
    const login = field(field(c, 'user'), 'login');
    return [{ id, body: typeof body === 'string' ? body : '', login: typeof login === 'string' ? login : undefined }];
  });
}
