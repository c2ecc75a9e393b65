import { afterEach, describe, expect, it } from 'vitest';
import { toCredential } from '../../../src/alibaba/credential.js';
import { createEcsClient } from '../../../src/alibaba/ecs/client.js';
import { ActionError } from '../../../src/lib/errors.js';
import { parseInputs, type Settings } from '../../../src/inputs/parse.js';
import { resolveTags } from '../../../src/preflight/tags.js';
import {
  DEFAULT_CREDENTIALS,
  MAX_RESOURCES_PER_TAG_FILTER,
  sampleFleet,
  startEmulator,
  TAG_RESOURCES_PAGE,
  type Emulator,
  type InstanceSpec,
} from '../../emulator/index.js';

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

  it('finds every instance carrying all the tags: ListTagResources one tag at a time, intersected, sorted', async () => {
    emulator = await startEmulator({ fleet: sampleFleet() });
    const tags = [
      { key: 'env', value: 'prod' },
      { key: 'role', value: 'web' },
    ];
    const resolved = await resolveTags({ ...base, tags }, ecs(emulator));
    const expected = Object.entries(sampleFleet())
      .filter(([, spec]) => spec.tags?.env === 'prod' && spec.tags.role === 'web')
      .map(([id]) => id)
      .sort();
    expect(expected.length).toBeGreaterThan(1);
    expect(resolved.instanceIds).toEqual(expected);
    const calls = emulator.callsOf('ListTagResources').map((c) => c.params);
    expect(calls).toEqual([
      expect.objectContaining({ ResourceType: 'instance', 'Tag.1.Key': 'env', 'Tag.1.Value': 'prod' }),
      expect.objectContaining({ ResourceType: 'instance', 'Tag.1.Key': 'role', 'Tag.1.Value': 'web' }),
    ]);
    expect(calls.every((c) => !('Tag.2.Key' in c))).toBe(true);
    expect(emulator.callsOf('DescribeInstances')).toHaveLength(0);
  });

  it('resolves a tag on more than 1,000 instances, which DescribeInstances refuses', async () => {
    const fleet: Record<string, InstanceSpec> = {};
    const n = MAX_RESOURCES_PER_TAG_FILTER + 201;
    for (let i = 0; i < n; i++) fleet[`i-many${String(i).padStart(5, '0')}`] = { installed: 1, missing: 0, tags: { env: 'prod' } };
    fleet['i-other'] = { installed: 1, missing: 0, tags: { env: 'dev' } };
    emulator = await startEmulator({ fleet });
    const tags = [{ key: 'env', value: 'prod' }];
    const resolved = await resolveTags({ ...base, tags }, ecs(emulator));
    expect(resolved.instanceIds).toEqual(Object.keys(fleet).filter((id) => id !== 'i-other'));
    expect(emulator.callsOf('ListTagResources')).toHaveLength(Math.ceil(n / TAG_RESOURCES_PAGE));
  });

  it('stops asking once the intersection is empty', async () => {
    emulator = await startEmulator({ fleet: sampleFleet() });
    const tags = [
      { key: 'env', value: 'nowhere' },
      { key: 'role', value: 'web' },
    ];
    await expect(resolveTags({ ...base, tags }, ecs(emulator))).rejects.toThrow(
      'No instance in cn-hangzhou carries the tags env=nowhere, role=web',
    );
    expect(emulator.callsOf('ListTagResources')).toHaveLength(1);
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
      listTaggedInstanceIds: () => {
        called = true;
        return Promise.reject(new Error('not needed'));
      },
    });
    expect(called).toBe(false);
  });
});
