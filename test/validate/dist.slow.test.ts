/**
 * dist/ is byte for byte what the sources build: a full ncc build into a temporary folder (~30 s of CPU, a minute or
 * more of wall time on 2 busy cores), compared with the committed dist/, stamp included, and with the committed
 * THIRD-PARTY the build writes from it. In `npm run test:slow`; `npm test` checks the stamp (dist.test.ts) and that
 * THIRD-PARTY is what the committed dist/licenses.txt gives (third-party.test.ts).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildCommand } from '../../scripts/lib/dist-stamp.js';
import { ROOT } from '../e2e/harness.js';

/** The package's own build command, pointed at `out` instead of dist/ and at `thirdParty` instead of THIRD-PARTY. */
function buildInto(out: string, thirdParty: string): string {
  const build = buildCommand(ROOT);
  const words = build.split(' ');
  expect(
    words.filter((w) => w === 'dist'),
    `${build}: expected to name dist/ twice (ncc -o, the stamp)`,
  ).toHaveLength(2);
  expect(words, `${build}: expected to write THIRD-PARTY from dist/licenses.txt`).toEqual(
    expect.arrayContaining(['dist/licenses.txt', 'THIRD-PARTY']),
  );
  const moved: Record<string, string> = { dist: out, 'dist/licenses.txt': join(out, 'licenses.txt'), 'THIRD-PARTY': thirdParty };
  return words.map((w) => (w in moved ? `'${moved[w]}'` : w)).join(' ');
}

describe('dist/', () => {
  it('is what the sources build', () => {
    const out = mkdtempSync(join(tmpdir(), 'patch-action-dist-'));
    const thirdParty = join(mkdtempSync(join(tmpdir(), 'patch-action-third-party-')), 'THIRD-PARTY');
    execFileSync('sh', ['-c', buildInto(out, thirdParty)], {
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
    expect(
      readFileSync(join(ROOT, 'THIRD-PARTY'), 'utf8') === readFileSync(thirdParty, 'utf8'),
      'THIRD-PARTY is stale: run npm run build and commit THIRD-PARTY',
    ).toBe(true);
  }, 300_000);
});
