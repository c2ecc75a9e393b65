import { mkdir, mkdtemp, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { InputError } from '../../../src/lib/errors.js';
import { parseInputs, type Settings } from '../../../src/inputs/parse.js';
import { readInstanceIdsFile } from '../../../src/inputs/instance-ids-file.js';

/** The settings parseInputs gives for a scan with every default, before the targets are filled in. */
const base: Settings = {
  ...parseInputs((name) => ({ region: 'cn-hangzhou', 'instance-ids': 'i-a', action: 'scan' })[name] ?? '').settings,
  instanceIds: [],
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
