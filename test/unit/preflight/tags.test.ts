import { afterEach, describe, expect, it } from 'vitest';
import { toCredential } from '../../../src/alibaba/credential.js';
import { createEcsClient } from '../../../src/alibaba/ecs/client.js';
import { ActionError } from '../../../src/lib/errors.js';
import { parseInputs, type Settings } from '../../../src/inputs/parse.js';
import { resolveTags } from '../../../src/preflight/tags.js';
import { DEFAULT_CREDENTIALS, sampleFleet, startEmulator, type Emulator } from '../../emulator/index.js';

/** The settings parseInputs gives for a scan with every default, before the targets are filled in. */
const base: Settings = {
  ...parseInputs((name) => ({ region: 'cn-hangzhou', 'instance-ids': 'i-a', action: 'scan' })[name] ?? '').settings,
  instanceIds: [],
};

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
