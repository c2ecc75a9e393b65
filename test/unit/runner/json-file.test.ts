import { mkdtemp, readdir, readFile, realpath, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeJsonFile, writeReportFile } from '../../../src/runner/json-file.js';

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

describe('writeReportFile (issue 13, items 2 and 3)', () => {
  it('refuses a name that leaves the directory, and writes nothing outside it', async () => {
    const root = await mkdtemp(join(tmpdir(), 'runner-temp-'));
    const dir = join(root, 'temp');
    for (const id of ['x/../../../../tmp/elsewhere/PWNED', '../PWNED', 'exec-1\n::stop-commands::x']) {
      await expect(writeReportFile(dir, `patch-report-${id}.json`, { id })).rejects.toThrow(/not a plain file name/);
    }
    // Nothing was written anywhere: not even the directory was made.
    await expect(readdir(root)).resolves.toEqual([]);
  });

  it('creates a new file, never writing through what is there (wx): a second file of the name gets -2', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'runner-temp-'));
    const elsewhere = join(await mkdtemp(join(tmpdir(), 'elsewhere-')), 'target');
    await writeFile(elsewhere, 'untouched');
    await symlink(elsewhere, join(dir, 'patch-report-exec-abc.json'));
    const file = await writeReportFile(dir, 'patch-report-exec-abc.json', { a: 1 });
    expect(file).toBe(join(await realpath(dir), 'patch-report-exec-abc-2.json'));
    await expect(readFile(elsewhere, 'utf8')).resolves.toBe('untouched');
  });

  it('scrubs every chunk as the last step', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'runner-temp-'));
    const secret = 'CAIS-secret-token-0123456789';
    const file = await writeReportFile(dir, 'patch-plan-x.json', { problem: `echoed ${secret}`, list: [secret] }, (t) =>
      t.split(secret).join('***'),
    );
    const text = await readFile(file, 'utf8');
    expect(text).not.toContain(secret);
    expect(JSON.parse(text)).toEqual({ problem: 'echoed ***', list: ['***'] });
  });
});
