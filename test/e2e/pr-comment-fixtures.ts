/**
 * comment-on-pr end to end (dist/ against the emulator and the GitHub fake, on a pull_request event): the setup that
 * pr-comment.test.ts (`npm test`) and pr-comment.slow.test.ts (`npm run test:slow`) share.
 */
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach } from 'vitest';
import { type Emulator, sampleFleet } from '../emulator/index.js';
import { type GithubFake, startGithubFake } from '../fakes/github.js';
import { SAMPLE_IDS, sampleEmulator } from './fixtures.js';

export const PR = 17;
export const MARKER = /^<!-- alibaba-ecs-patch-action key=[0-9a-f]{12} region=(\S+) action=(\S+) -->\n/;

/** The emulator, GitHub fake and pull_request event of the test that runs (fresh ones for each: pullRequestHooks). */
export let emulator: Emulator;
export let github: GithubFake;
export let pullRequestEnv: Record<string, string>;

/** Registers, for each test of the file, a fresh emulator (with an instance whose names carry HTML), GitHub fake and event. */
export function pullRequestHooks(): void {
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
}

const IDS = [...SAMPLE_IDS, 'i-bp1escape0001'].join(',');
/** The step's inputs: the sample fleet and the escape instance, comment-on-pr on; `extra` overrides. */
export const inputs = (extra: Record<string, string> = {}) => ({
  'instance-ids': IDS,
  'comment-on-pr': 'true',
  'github-token': github.token,
  ...extra,
});
