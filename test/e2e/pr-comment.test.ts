/**
 * comment-on-pr end to end: dist/ against the emulator and the GitHub fake, on a pull_request event
 * (pr-comment-fixtures.ts). One comment per region, two runs, is in pr-comment.slow.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { ACTIONS_BOT } from '../fakes/github.js';
import { errorsOf } from './harness.js';
import { runAgainst } from './fixtures.js';
import { emulator, github, inputs, MARKER, PR, pullRequestEnv, pullRequestHooks } from './pr-comment-fixtures.js';

pullRequestHooks();

describe('comment-on-pr', () => {
  it('posts the summary once, then updates that same comment on the next run', async () => {
    github.addComment(PR, 'LGTM', 'alice');
    const first = await runAgainst(emulator, inputs(), { env: pullRequestEnv });
    expect(first.code, first.stdout).toBe(0);
    let ours = github.comments(PR).filter((c) => MARKER.test(c.body));
    expect(ours).toHaveLength(1);
    const [comment] = ours;
    expect(comment?.user).toBe(ACTIONS_BOT);
    expect(comment?.body).toContain('## ⚠️ Patch scan in cn-hangzhou: Success');
    expect(comment?.body).toContain('](https://github.com/octo-org/patching/actions/runs/1001)');
    expect(comment?.body).not.toContain('<script>');
    expect(comment?.body).not.toContain('<img');
    expect(first.stdout).toContain(`comment-on-pr: created comment ${comment?.id} on pull request #${PR}.`);

    emulator.updateInstance('i-bp1demo000004', { missing: 0 });
    const second = await runAgainst(emulator, inputs(), { env: { ...pullRequestEnv, GITHUB_RUN_ID: '1002' } });
    expect(second.code).toBe(0);
    ours = github.comments(PR).filter((c) => MARKER.test(c.body));
    expect(ours.map((c) => c.id)).toEqual([comment?.id]);
    expect(ours[0]?.body).toContain('/actions/runs/1002)');
    expect(github.comments(PR)).toHaveLength(2);
    expect(github.callsOf('issue-comments').filter((r) => r.method === 'POST')).toHaveLength(1);
    expect(github.callsOf('issue-comment').filter((r) => r.method === 'PATCH')).toHaveLength(1);
    expect(second.stdout).toContain(`comment-on-pr: updated comment ${comment?.id}`);
  });

  it('comments the plan of a dry run too', async () => {
    const result = await runAgainst(emulator, inputs({ 'dry-run': 'true' }), { env: pullRequestEnv });
    expect(result.code).toBe(0);
    expect(emulator.startExecutionCalls()).toHaveLength(0);
    const [comment] = github.comments(PR);
    expect(comment?.body).toContain('## 🧪 Dry run: patch scan in cn-hangzhou is ready to start');
  });

  it('a 403 is a warning that names the permission; the step still succeeds', async () => {
    github.failWith('issue-comments', { status: 403, method: 'POST' });
    const result = await runAgainst(emulator, inputs(), { env: pullRequestEnv });
    expect(result.code, result.stdout).toBe(0);
    expect(errorsOf(result)).toEqual([]);
    const warning = result.stdout.split('\n').find((l) => l.startsWith('::warning title=Pull request comment not posted::'));
    expect(warning).toContain('permissions: pull-requests: write');
    expect(github.comments(PR)).toHaveLength(0);
  });
});
