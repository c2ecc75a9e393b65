/** src/pr-comment.ts: pure parts, and the real octokit of @actions/github against the GitHub fake. */
import { afterEach, describe, expect, it } from 'vitest';
import type { Measure } from '../../../src/summary/budget.js';
import {
  commentAdvice,
  commentBody,
  commentMarker,
  createCommentApi,
  pullRequestNumber,
  type CommentScope,
  upsertComment,
} from '../../../src/pr-comment/pr-comment.js';
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

describe('commentMarker', () => {
  it('is a hidden HTML comment, stable for the same scope', () => {
    const marker = commentMarker(scope);
    expect(marker).toMatch(/^<!-- alibaba-ecs-patch-action key=[0-9a-f]{12} region=cn-hangzhou action=scan -->$/);
    expect(commentMarker({ ...scope })).toBe(marker);
  });

  it('differs by region, action, job, workflow and target source, so two steps keep a comment each', () => {
    const markers = [
      scope,
      { ...scope, region: 'cn-shanghai' },
      { ...scope, action: 'install' },
      { ...scope, job: 'other' },
      { ...scope, workflow: 'Other' },
      { ...scope, source: 'file:patching/a.txt' },
    ].map(commentMarker);
    expect(new Set(markers).size).toBe(markers.length);
  });
});

describe('pullRequestNumber', () => {
  it.each([
    ['pull_request', { number: 7, pull_request: { number: 7 } }, 7],
    ['pull_request_target', { pull_request: { number: 12 } }, 12],
    ['push', { number: 7 }, undefined],
    ['pull_request', {}, undefined],
    ['pull_request', { number: '7' }, undefined],
    [undefined, undefined, undefined],
  ])('%s %j -> %s', (event, payload, expected) => expect(pullRequestNumber(event, payload)).toBe(expected));
});

describe('commentBody', () => {
  it('starts with the marker and fits 65,536 characters whatever the summary', () => {
    const marker = commentMarker(scope);
    let asked = 0;
    const render = (budget: number, measure: Measure): string => {
      asked = budget;
      const line = '| `i-x` | ✅ compliant |\n';
      return line.repeat(Math.floor(budget / measure(line)));
    };
    const body = commentBody(marker, render, 'https://github.com/o/r/actions/runs/1');
    expect(body.startsWith(`${marker}\n`)).toBe(true);
    expect(body.length).toBeLessThanOrEqual(65_536);
    expect(asked).toBeLessThan(65_536);
    expect(body).toContain('(https://github.com/o/r/actions/runs/1)');
  });
});

describe('upsertComment with the real octokit', () => {
  it('creates the comment once, then updates that same comment, leaving others alone', async () => {
    const github = await fake();
    const pr = 42;
    // Enough other comments that ours is on the third page of 100.
    for (let i = 0; i < 230; i++) github.addComment(pr, `comment ${i}`, i % 2 ? 'alice' : ACTIONS_BOT);
    github.addComment(pr, `> ${commentMarker(scope)}\n> quoted by someone`, 'bob');
    const api = createCommentApi({ token: github.token, repository: github.repository, baseUrl: github.url });
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
    const api = createCommentApi({
      token: github.token,
      repository: github.repository,
      baseUrl: github.url,
      sleep: () => Promise.resolve(),
    });
    const posts = () => github.callsOf('issue-comments').filter((r) => r.method === 'POST');
    github.failWith('issue-comments', { status: 502, times: 2, method: 'POST' });
    expect((await upsertComment(api, 1, 'm', 'm body')).action).toBe('created');
    expect(posts().map((r) => r.status)).toEqual([502, 502, 201]);
    expect(github.comments(1)).toHaveLength(1);

    github.failWith('issue-comments', { status: 403, method: 'POST' });
    await expect(upsertComment(api, 2, 'm', 'm body')).rejects.toMatchObject({ status: 403 });
    expect(posts().filter((r) => r.status === 403)).toHaveLength(1);
  });
});

describe('commentAdvice', () => {
  it('names the permission for a 403', () => {
    expect(commentAdvice({ status: 403, message: 'Resource not accessible by integration' }, 5)).toContain(
      'permissions: pull-requests: write',
    );
    expect(commentAdvice({ status: 401 }, 5)).toContain('github-token');
    expect(commentAdvice(new Error('socket hang up'), 5)).toContain('socket hang up');
  });
});
