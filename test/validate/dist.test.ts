/**
 * dist/ is what the sources build, checked in milliseconds: `npm run build` stamps the bundle with a hash of what it
 * was built from (scripts/lib/dist-stamp.ts), and the checkout must still hash the same. The full rebuild and
 * byte-for-byte comparison is dist.slow.test.ts, in `npm run test:slow`.
 */
import { cpSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildInputsHash, bundleHash, readStamp, STAMP_FILE } from '../../scripts/lib/dist-stamp.js';
import { ROOT } from '../e2e/harness.js';

const DIST = join(ROOT, 'dist');
const STALE = 'dist/ is stale: run npm run build and commit dist/';

describe('dist/', () => {
  it('was built from the sources of this checkout, and not changed since', () => {
    const stamp = readStamp(DIST);
    expect(stamp, `dist/${STAMP_FILE} is missing: ${STALE}`).toBeDefined();
    expect(stamp?.sources, `src/, tsconfig.json, package-lock.json or the build command changed since: ${STALE}`).toBe(
      buildInputsHash(ROOT),
    );
    expect(stamp?.bundle, `dist/ was changed by hand since the build: ${STALE}`).toBe(bundleHash(DIST));
  });

  it('the stamp notices a changed source file and a changed bundle', () => {
    // A copy of the checkout's build inputs and of dist/, so that the check above is seen to fail on each change.
    const root = mkdtempSync(join(tmpdir(), 'patch-action-stamp-'));
    for (const part of ['src', 'dist', 'tsconfig.json', 'package-lock.json', 'package.json']) {
      cpSync(join(ROOT, part), join(root, part), { recursive: true });
    }
    const sources = buildInputsHash(root);
    const bundle = bundleHash(join(root, 'dist'));
    expect(sources).toBe(buildInputsHash(ROOT));

    writeFileSync(join(root, 'src', 'main.ts'), '// an edit\n', { flag: 'a' });
    const edited = buildInputsHash(root);
    expect(edited, 'an edited file counts').not.toBe(sources);
    writeFileSync(join(root, 'src', 'lib', 'new-module.ts'), 'export {};\n');
    expect(buildInputsHash(root), 'a new file in a folder counts').not.toBe(edited);

    writeFileSync(join(root, 'dist', 'index.js'), '// an edit\n', { flag: 'a' });
    expect(bundleHash(join(root, 'dist'))).not.toBe(bundle);
    writeFileSync(join(root, 'dist', STAMP_FILE), '{}\n');
    expect(readStamp(join(root, 'dist')), 'a stamp without both hashes is no stamp').toBeUndefined();
  });
});
