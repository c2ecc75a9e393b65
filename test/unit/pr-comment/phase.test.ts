/** src/pr-comment/phase.ts: when the phase comments, and what a failure becomes (in process, a CommentApi in memory). */
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseInputs, type Settings } from '../../../src/inputs/parse.js';
import { SecretRegistry } from '../../../src/lib/secrets.js';
import type { CommentApi } from '../../../src/pr-comment/comment.js';
import { commentOnPr } from '../../../src/pr-comment/phase.js';
import { recordingLogger } from '../../fakes/runtime.js';

const PR = 17;
const render = (): string => '## Patch scan';

function settings(commentOnPrInput: 'true' | 'false'): Settings {
  const inputs: Record<string, string> = {
    region: 'cn-hangzhou',
    'instance-ids': 'i-bp1demo000001',
    action: 'scan',
    'comment-on-pr': commentOnPrInput,
    'github-token': 'ghs_example',
  };
  return parseInputs((name) => inputs[name] ?? '').settings;
}

/** A pull request's comments in memory; `fail` makes create throw what Octokit throws. */
function memoryApi(fail?: Error): CommentApi & { calls: string[] } {
  const calls: string[] = [];
  return {
    calls,
    find: () => (calls.push('find'), Promise.resolve(undefined)),
    create: () => (calls.push('create'), fail === undefined ? Promise.resolve(9) : Promise.reject(fail)),
    update: () => (calls.push('update'), Promise.resolve()),
  };
}

let pullRequestEnv: NodeJS.ProcessEnv;
beforeAll(async () => {
  const event = join(await mkdtemp(join(tmpdir(), 'pr-event-')), 'event.json');
  await writeFile(event, JSON.stringify({ action: 'synchronize', number: PR, pull_request: { number: PR } }));
  pullRequestEnv = { GITHUB_EVENT_NAME: 'pull_request', GITHUB_EVENT_PATH: event, GITHUB_REPOSITORY: 'octo-org/patching' };
});

describe('commentOnPr', () => {
  it('comments on the pull request of a pull_request event', async () => {
    const api = memoryApi();
    const log = recordingLogger();
    await commentOnPr(settings('true'), pullRequestEnv, render, log, api);
    expect(api.calls).toEqual(['find', 'create']);
    expect(log.lines).toEqual([`comment-on-pr: created comment 9 on pull request #${PR}.`]);
  });

  it('does nothing outside a pull request, and says so', async () => {
    const api = memoryApi();
    const log = recordingLogger();
    await commentOnPr(settings('true'), { ...pullRequestEnv, GITHUB_EVENT_NAME: 'push' }, render, log, api);
    expect(api.calls).toEqual([]);
    expect(log.lines).toEqual(['comment-on-pr: this run is a push event, not a pull request; no comment.']);
  });

  it('does nothing without comment-on-pr', async () => {
    const api = memoryApi();
    const log = recordingLogger();
    await commentOnPr(settings('false'), pullRequestEnv, render, log, api);
    expect(api.calls).toEqual([]);
    expect(log.lines).toEqual([]);
  });

  it('turns a 403 into a warning that names the permission, without throwing', async () => {
    const api = memoryApi(Object.assign(new Error('Resource not accessible by integration'), { status: 403 }));
    const log = recordingLogger();
    await commentOnPr(settings('true'), pullRequestEnv, render, log, api);
    expect(log.lines).toHaveLength(1);
    expect(log.lines[0]).toMatch(/^warning: .*permissions: pull-requests: write/s);
  });
});

const TOKEN = 'CAIS-echoed-security-token-0123456789';

describe('commentOnPr (issue 13, item 2)', () => {
  it('scrubs every known secret from the body as its last step, whatever the render put in', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'pr-event-'));
    const event = join(dir, 'event.json');
    await writeFile(event, JSON.stringify({ pull_request: { number: 5 } }));
    const inputs: Record<string, string> = {
      region: 'cn-hangzhou',
      action: 'scan',
      'instance-ids': 'i-abc',
      'comment-on-pr': 'true',
      'github-token': 'ghs_x',
    };
    const { settings } = parseInputs((name) => inputs[name] ?? '');
    const posted: string[] = [];
    const api: CommentApi = {
      find: () => Promise.resolve(undefined),
      create: (_pr, body) => {
        posted.push(body);
        return Promise.resolve(1);
      },
      update: () => Promise.resolve(),
    };
    const registry = new SecretRegistry(() => undefined);
    registry.protect(TOKEN);
    const env = { GITHUB_EVENT_NAME: 'pull_request', GITHUB_EVENT_PATH: event, GITHUB_REPOSITORY: 'o/r' };
    await commentOnPr(
      settings,
      env,
      () => `ListExecutions failed: bad request; headers were x-acs-security-token: ${TOKEN}`,
      recordingLogger(),
      api,
      (t) => registry.scrub(t),
    );
    expect(posted).toHaveLength(1);
    expect(posted[0]).toContain('x-acs-security-token: ***');
    expect(posted[0]).not.toContain(TOKEN);
  });
});
