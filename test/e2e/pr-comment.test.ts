/** comment-on-pr end to end: dist/ against the emulator and the GitHub fake, on a pull_request event. */
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type Emulator, sampleFleet } from '../emulator/index.js';
import { ACTIONS_BOT, type GithubFake, startGithubFake } from '../fakes/github.js';
import { errorsOf } from './harness.js';
import { runAgainst, SAMPLE_IDS, sampleEmulator } from './fixtures.js';

const PR = 17;
const MARKER = /^<!-- alibaba-ecs-patch-action key=[0-9a-f]{12} region=(\S+) action=(\S+) -->\n/;

let emulator: Emulator;
let github: GithubFake;
let pullRequestEnv: Record<string, string>;

beforeEach(async () => {
  emulator = await sampleEmulator({
    fleet: {
      ...sampleFleet(),
      'i-bp1escape0001': { installed: 1, missing: 2, name: '<script>x</script> | y', patchTitle: '<img src=x onerror=alert(1)> |' },
    },
  });
  github = await startGithubFake();
  const dir = await mkdtemp(join(tmpdir(), 'pr-event-'));
  const event = join(dir, 'event.json');
  await writeFile(event, JSON.stringify({ action: 'synchronize', number: PR, pull_request: { number: PR } }));
  pullRequestEnv = {
    GITHUB_EVENT_NAME: 'pull_request',
    GITHUB_EVENT_PATH: event,
    GITHUB_API_URL: github.url,
    GITHUB_SERVER_URL: 'https://github.com',
    GITHUB_WORKFLOW: 'Patch maintenance',
    GITHUB_JOB: 'scan',
  };
});
afterEach(async () => {
  await Promise.all([emulator.close(), github.close()]);
});

const IDS = [...SAMPLE_IDS, 'i-bp1escape0001'].join(',');
const inputs = (extra: Record<string, string> = {}) => ({
  'instance-ids': IDS,
  'comment-on-pr': 'true',
  'github-token': github.token,
  ...extra,
});

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

  it('keeps one comment per region (a matrix in one pull request)', async () => {
    await runAgainst(emulator, inputs(), { env: pullRequestEnv });
    await runAgainst(emulator, inputs({ region: 'cn-shanghai' }), { env: pullRequestEnv });
    const regions = github.comments(PR).map((c) => MARKER.exec(c.body)?.[1]);
    expect(regions).toEqual(['cn-hangzhou', 'cn-shanghai']);
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
