import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../e2e/harness.js';

describe('dist/', () => {
  it('is what the sources build', () => {
    const out = mkdtempSync(join(tmpdir(), 'patch-action-dist-'));
    // The package's own build command, pointed at a temporary folder.
    const build = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: { build: string } }).scripts.build;
    expect(build).toContain(' -o dist ');
    execFileSync('sh', ['-c', build.replace(' -o dist ', ` -o '${out}' `)], {
      cwd: ROOT,
      stdio: 'pipe',
      env: { ...process.env, PATH: `${join(ROOT, 'node_modules', '.bin')}:${process.env.PATH ?? ''}` },
    });
    const built = readdirSync(out).sort();
    expect(readdirSync(join(ROOT, 'dist')).sort()).toEqual(built);
    for (const file of built) {
      const fresh = readFileSync(join(out, file), 'utf8');
      const committed = readFileSync(join(ROOT, 'dist', file), 'utf8');
      // Compare lengths first: a 3 MB string diff in a failure message helps nobody.
      expect(committed.length, `dist/${file} is stale: run npm run build and commit dist/`).toBe(fresh.length);
      expect(committed === fresh, `dist/${file} is stale: run npm run build and commit dist/`).toBe(true);
    }
    // A full ncc build: ~30 s of CPU, and several minutes of wall time on 2 cores shared with other test runs.
  }, 300_000);
});
