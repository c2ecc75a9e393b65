/** src/pr-comment/github.ts: the real octokit of @actions/github against the GitHub fake. */
import { afterEach, describe, expect, it } from 'vitest';
import type { Clock } from '../../../src/lib/clock.js';
import { type CommentScope, commentMarker, upsertComment } from '../../../src/pr-comment/comment.js';
import { createCommentApi } from '../../../src/pr-comment/github.js';
import { createOctokit } from '../../../src/runner/octokit.js';
import { RequestTimeoutError } from '../../../src/lib/retry.js';
import { ACTIONS_BOT, type GithubFake, startGithubFake } from '../../fakes/github.js';

const scope: CommentScope = { workflow: 'Patch', job: 'scan', region: 'cn-hangzhou', action: 'scan', source: 'instance-ids' };

const fakes: GithubFake[] = [];
afterEach(async () => {
  await Promise.all(fakes.splice(0).map((f) => f.close()));
});

async function fake(): Promise<GithubFake> {
  const f = await startGithubFake();
  fakes.push(f);
  return f;
}

/** A clock whose sleeps return at once, recorded. */
function clock(): Clock & { sleeps: number[] } {
  const sleeps: number[] = [];
  return {
    sleeps,
    now: () => 0,
    sleep: (ms) => {
      sleeps.push(ms);
      return Promise.resolve();
    },
  };
}

describe('upsertComment with the real octokit', () => {
  it('creates the comment once, then updates that same comment, leaving others alone', async () => {
    const github = await fake();
    const pr = 42;
    // Enough other comments that ours is on the third page of 100.
    for (let i = 0; i < 230; i++) github.addComment(pr, `comment ${i}`, i % 2 ? 'alice' : ACTIONS_BOT);
    github.addComment(pr, `> ${commentMarker(scope)}\n> quoted by someone`, 'bob');
    const api = createCommentApi({ octokit: createOctokit(github.token, github.url), repository: github.repository });
    const marker = commentMarker(scope);

    const first = await upsertComment(api, pr, marker, `${marker}\nfirst`);
    expect(first.action).toBe('created');
    const second = await upsertComment(api, pr, marker, `${marker}\nsecond`);
    expect(second).toEqual({ action: 'updated', id: first.id });

    const ours = github.comments(pr).filter((c) => c.body.startsWith(marker));
    expect(ours).toEqual([expect.objectContaining({ id: first.id, body: `${marker}\nsecond`, user: ACTIONS_BOT })]);
    expect(github.comments(pr)).toHaveLength(232);
    expect(github.callsOf('issue-comments').filter((r) => r.method === 'POST')).toHaveLength(1);
    expect(github.callsOf('issue-comment').filter((r) => r.method === 'PATCH')).toHaveLength(1);
    // Paged through the Link header: 3 pages of 100 before it was created, again before the update.
    expect(github.callsOf('issue-comments').filter((r) => r.method === 'GET').length).toBe(6);
  });

  it('retries a create that met a 5xx, not one that met a 403', async () => {
    const github = await fake();
    const sleeps = clock();
    const api = createCommentApi({
      octokit: createOctokit(github.token, github.url),
      repository: github.repository,
      clock: sleeps,
      random: () => 0.5,
    });
    const posts = () => github.callsOf('issue-comments').filter((r) => r.method === 'POST');
    github.failWith('issue-comments', { status: 502, times: 2, method: 'POST' });
    expect((await upsertComment(api, 1, 'm', 'm body')).action).toBe('created');
    expect(posts().map((r) => r.status)).toEqual([502, 502, 201]);
    expect(github.comments(1)).toHaveLength(1);
    // Full jitter under 1000 ms * 2^(n-1), from the injected random, on the injected clock.
    expect(sleeps.sleeps).toEqual([0, 1].map((i) => Math.floor(0.5 * 1000 * 2 ** i)));

    github.failWith('issue-comments', { status: 403, method: 'POST' });
    await expect(upsertComment(api, 2, 'm', 'm body')).rejects.toMatchObject({ status: 403 });
    expect(posts().filter((r) => r.status === 403)).toHaveLength(1);
    expect(sleeps.sleeps).toHaveLength(2);
  });
});

describe('the comment is ours alone (issue 13, item 8)', () => {
  it("never updates someone else's comment that starts with the marker", async () => {
    const github = await fake();
    const pr = 7;
    const marker = commentMarker(scope);
    const theirs = github.addComment(pr, `${marker}\n[Click to approve](https://evil.example)`, 'mallory');
    const api = createCommentApi({ octokit: createOctokit(github.token, github.url), repository: github.repository });
    const done = await upsertComment(api, pr, marker, `${marker}\nours`);
    expect(done.action).toBe('created');
    expect(done.id).not.toBe(theirs);
    const byId = new Map(github.comments(pr).map((c) => [c.id, c]));
    expect(byId.get(theirs)?.body).toContain('evil.example');
    expect(byId.get(done.id)?.user).toBe(ACTIONS_BOT);
  });

  it("with a personal token, reuses that user's comment (GET /user), not the bot's", async () => {
    const f = await startGithubFake({ tokenUser: 'release-bot-user' });
    fakes.push(f);
    const pr = 8;
    const marker = commentMarker(scope);
    f.addComment(pr, `${marker}\nby the workflow token`, ACTIONS_BOT);
    const api = createCommentApi({ octokit: createOctokit(f.token, f.url), repository: f.repository });
    const first = await upsertComment(api, pr, marker, `${marker}\nfirst`);
    expect(first.action).toBe('created');
    expect(await upsertComment(api, pr, marker, `${marker}\nsecond`)).toEqual({ action: 'updated', id: first.id });
    expect(f.comments(pr).find((c) => c.id === first.id)).toMatchObject({ user: 'release-bot-user', body: `${marker}\nsecond` });
  });
});

describe('every GitHub call has a timeout (issue 13, item 5)', () => {
  it('gives up on a server that never answers, after the retry policy, instead of hanging', async () => {
    const github = await fake();
    github.failWith('issue-comments', { status: 0, hold: true });
    const sleeps = clock();
    // A request's timeout fires when the fake holds it: the virtual equivalent of 15 s without an answer.
    const timeoutSignal = (): AbortSignal => {
      const c = new AbortController();
      void github.whenHeld().then(() => c.abort(new RequestTimeoutError('GitHub', 15_000)));
      return c.signal;
    };
    const api = createCommentApi({
      octokit: createOctokit(github.token, github.url),
      repository: github.repository,
      clock: sleeps,
      random: () => 0.5,
      timeoutSignal,
    });
    await expect(upsertComment(api, 9, commentMarker(scope), 'body')).rejects.toThrow();
    expect(github.held).toBe(3);
    expect(sleeps.sleeps).toHaveLength(2);
  });
});
