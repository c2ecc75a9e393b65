import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeJsonFile } from '../../../src/runner/json-file.js';

async function written(value: unknown): Promise<string> {
  const file = join(await mkdtemp(join(tmpdir(), 'patch-json-')), 'out.json');
  await writeJsonFile(file, value);
  return readFile(file, 'utf8');
}

describe('writeJsonFile', () => {
  it('parses to what JSON.stringify gives, whatever the value', async () => {
    const value = {
      action: 'scan',
      skipped: undefined,
      when: new Date('2026-11-22T10:00:00Z'),
      empty: [],
      nothing: {},
      instances: Array.from({ length: 3000 }, (_, i) => ({ instanceId: `i-${i}`, counts: { missing: i % 3 }, note: 'a "quoted"\nline' })),
      preflight: {
        checks: [{ instanceId: 'i-0', verdict: 'ok', extra: undefined }],
        heartbeatMaxAgeMinutes: 10,
        deep: { a: { b: [1, 2] } },
      },
      holes: [1, undefined, () => 1, 'x'],
    };
    const text = await written(value);
    expect(JSON.parse(text)).toEqual(JSON.parse(JSON.stringify(value)));
    expect(text.endsWith('}\n')).toBe(true);
  });

  it('puts every array element on a line of its own', async () => {
    const text = await written({ instances: [{ instanceId: 'i-a' }, { instanceId: 'i-b' }] });
    const lines = text.split('\n');
    expect(lines).toContain('    {"instanceId":"i-a"},');
    expect(lines).toContain('    {"instanceId":"i-b"}');
  });

  it('writes scalars and top-level arrays too', async () => {
    expect(JSON.parse(await written([1, 'two', null]))).toEqual([1, 'two', null]);
    expect(JSON.parse(await written('text'))).toBe('text');
  });

  it('fails when the file cannot be written', async () => {
    await expect(writeJsonFile(join(tmpdir(), 'no-such-dir-for-patch-json', 'x.json'), { a: 1 })).rejects.toThrow(/ENOENT/);
  });
});
