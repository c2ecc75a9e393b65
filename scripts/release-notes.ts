/**
 * `tsx scripts/release-notes.ts v1.2.3 <notes-file>`: checks that the tag is package.json's version and that
 * CHANGELOG.md has a dated section for it, writes that section to the notes file and prints the major tag the release
 * moves (`v1`). Run by the release workflow, and by hand before tagging (CONTRIBUTING.md). Exits 1 with the reason.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { majorTag, releaseNotes } from './lib/changelog.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const [tag, notesFile] = process.argv.slice(2);
if (!tag || !notesFile) {
  process.stderr.write('usage: tsx scripts/release-notes.ts <tag, such as v1.2.3> <notes file>\n');
  process.exit(2);
}
try {
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string };
  const notes = releaseNotes(readFileSync(join(root, 'CHANGELOG.md'), 'utf8'), tag, pkg.version);
  writeFileSync(resolve(notesFile), notes);
  process.stdout.write(`${majorTag(tag)}\n`);
} catch (e) {
  process.stderr.write(`${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
}
