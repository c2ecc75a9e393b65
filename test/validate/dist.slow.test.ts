/**
 * dist/ is byte for byte what the sources build: a full ncc build into a temporary folder (~30 s of CPU, a minute or
 * more of wall time on 2 busy cores), compared with the committed dist/, stamp included. In `npm run test:slow`;
 * `npm test` checks the stamp (dist.test.ts).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildCommand } from '../../scripts/lib/dist-stamp.js';
import { ROOT } from '../e2e/harness.js';

/** The package's own build command, pointed at `out` instead of dist/. */
function buildInto(out: string): string {
  const build = buildCommand(ROOT);
  const words = build.split(' ');
  expect(
    words.filter((w) => w === 'dist'),
    `${build}: expected to name dist/ twice (ncc -o, the stamp)`,
  ).toHaveLength(2);
  return words.map((w) => (w === 'dist' ? `'${out}'` : w)).join(' ');
}

describe('dist/', () => {
  it('is what the sources build', () => {
    const out = mkdtempSync(join(tmpdir(), 'patch-action-dist-'));
    execFileSync('sh', ['-c', buildInto(out)], {
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
  }, 300_000);
});
