/** src/pr-comment/phase.ts: the comment as posted, through a recording CommentApi. */
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseInputs } from '../../../src/inputs/parse.js';
import { SecretRegistry } from '../../../src/lib/secrets.js';
import type { CommentApi } from '../../../src/pr-comment/comment.js';
import { commentOnPr } from '../../../src/pr-comment/phase.js';
import { recordingLogger } from '../../fakes/runtime.js';

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
