/** src/pr-comment/comment.ts: the pure parts (marker, pull request number, body, upsert, advice). */
import { describe, expect, it } from 'vitest';
import type { Measure } from '../../../src/summary/budget.js';
import {
  type CommentApi,
  commentAdvice,
  commentBody,
  commentMarker,
  pullRequestNumber,
  type CommentScope,
  upsertComment,
} from '../../../src/pr-comment/comment.js';

const scope: CommentScope = { workflow: 'Patch', job: 'scan', region: 'cn-hangzhou', action: 'scan', source: 'instance-ids' };

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

describe('commentAdvice', () => {
  it('names the permission for a 403', () => {
    expect(commentAdvice({ status: 403, message: 'Resource not accessible by integration' }, 5)).toContain(
      'permissions: pull-requests: write',
    );
    expect(commentAdvice({ status: 401 }, 5)).toContain('github-token');
    expect(commentAdvice(new Error('socket hang up'), 5)).toContain('socket hang up');
  });
});

describe('upsertComment', () => {
  /** Comments in memory, by ID; records the calls. */
  function memory(): CommentApi & { bodies: Map<number, string>; calls: string[] } {
    const bodies = new Map<number, string>();
    const calls: string[] = [];
    return {
      bodies,
      calls,
      find: (_pr, marker) => {
        calls.push('find');
        return Promise.resolve([...bodies].find(([, body]) => body.startsWith(marker))?.[0]);
      },
      create: (_pr, body) => {
        calls.push('create');
        const id = bodies.size + 1;
        bodies.set(id, body);
        return Promise.resolve(id);
      },
      update: (id, body) => {
        calls.push('update');
        bodies.set(id, body);
        return Promise.resolve();
      },
    };
  }

  it('creates the comment when none starts with the marker, and updates it afterwards', async () => {
    const api = memory();
    api.bodies.set(1, 'someone else');
    const created = await upsertComment(api, 3, 'm', 'm one');
    expect(created).toEqual({ action: 'created', id: 2 });
    expect(await upsertComment(api, 3, 'm', 'm two')).toEqual({ action: 'updated', id: created.id });
    expect([...api.bodies.values()]).toEqual(['someone else', 'm two']);
    expect(api.calls).toEqual(['find', 'create', 'find', 'update']);
  });
});
