import { mkdir, mkdtemp, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { toCredential } from '../../src/credentials.js';
import { createEcsClient } from '../../src/ecs/client.js';
import { ActionError, InputError } from '../../src/errors.js';
import type { Settings } from '../../src/inputs.js';
import { readInstanceIdsFile, resolveTags } from '../../src/targets.js';
import { DEFAULT_CREDENTIALS, sampleFleet, startEmulator, type Emulator } from '../emulator/index.js';

const base: Settings = {
  region: 'cn-hangzhou',
  instanceIds: [],
  action: 'scan',
  waitTimeoutMinutes: 120,
  pollIntervalSeconds: 10,
  failOnMissing: false,
  rateControl: { maxConcurrency: 10, maxErrors: { count: 0 } },
  onUnavailable: 'fail',
  dryRun: false,
  cancelOnTimeout: true,
  cancelOnAbort: true,
};

describe('readInstanceIdsFile', () => {
  let workspace: string;
  let outside: string;
  beforeAll(async () => {
    const root = await mkdtemp(join(tmpdir(), 'patch-targets-'));
    workspace = join(root, 'repo');
    outside = join(root, 'secret.txt');
    await mkdir(join(workspace, 'fleet'), { recursive: true });
    await writeFile(join(workspace, 'fleet', 'prod.txt'), '# prod\ni-a\ni-b\n');
    await writeFile(outside, 'i-x\n');
    await symlink(outside, join(workspace, 'fleet', 'link.txt'));
  });
  const read = (path: string): Promise<Settings> =>
    readInstanceIdsFile({ ...base, instanceIdsFile: path }, { GITHUB_WORKSPACE: workspace });

  it('reads a file relative to the workspace', async () => {
    expect((await read('fleet/prod.txt')).instanceIds).toEqual(['i-a', 'i-b']);
    expect((await read(join(workspace, 'fleet', 'prod.txt'))).instanceIds).toEqual(['i-a', 'i-b']);
  });

  it.each([
    ['../secret.txt', /is outside the workspace/],
    ['fleet/link.txt', /is outside the workspace/],
    ['fleet/missing.txt', /does not exist in the workspace/],
    ['fleet', /is not a file/],
  ])('refuses %s', async (path, message) => {
    const error: unknown = await read(path).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InputError);
    expect((error as InputError).input).toBe('instance-ids-file');
    expect((error as Error).message).toMatch(message);
  });

  it('leaves settings without the input alone', async () => {
    const settings = { ...base, instanceIds: ['i-z'] };
    expect(await readInstanceIdsFile(settings, {})).toBe(settings);
  });
});

describe('resolveTags', () => {
  let emulator: Emulator | undefined;
  afterEach(async () => {
    await emulator?.close();
  });
  const ecs = (e: Emulator) =>
    createEcsClient({
      region: 'cn-hangzhou',
      endpoint: { protocol: 'HTTP', host: e.endpoint },
      credential: toCredential(DEFAULT_CREDENTIALS),
    });

  it('finds every instance carrying all the tags, through ECS DescribeInstances', async () => {
    emulator = await startEmulator({ fleet: sampleFleet() });
    const tags = [{ key: 'env', value: 'staging' }];
    const resolved = await resolveTags({ ...base, tags }, ecs(emulator));
    const expected = Object.entries(sampleFleet())
      .filter(([, spec]) => spec.tags?.env === 'staging')
      .map(([id]) => id);
    expect(expected.length).toBeGreaterThan(1);
    expect(resolved.instanceIds.sort()).toEqual(expected.sort());
    expect(emulator.callsOf('DescribeInstances')[0]?.params).toMatchObject({ 'Tag.1.Key': 'env', 'Tag.1.Value': 'staging' });
  });

  it('fails when no instance carries them', async () => {
    emulator = await startEmulator({ fleet: sampleFleet() });
    const error: unknown = await resolveTags({ ...base, tags: [{ key: 'env', value: 'nowhere' }] }, ecs(emulator)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ActionError);
    expect((error as Error).message).toContain('No instance in cn-hangzhou carries the tag env=nowhere');
  });

  it('makes no ECS call without tags', async () => {
    let called = false;
    await resolveTags(base, {
      describeInstancesByTags: () => {
        called = true;
        return Promise.reject(new Error('not needed'));
      },
    });
    expect(called).toBe(false);
  });
});
