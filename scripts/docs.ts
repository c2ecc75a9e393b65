/**
 * `npm run docs`: regenerates the README's inputs and outputs tables from action.yml.
 * `npm run docs -- --check` exits 1 (changing nothing) when README.md is not what this would write.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseActionMetadata } from './lib/action-metadata.js';
import { generateReadme } from './lib/readme-tables.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const readmePath = join(root, 'README.md');

const current = readFileSync(readmePath, 'utf8');
const generated = generateReadme(current, parseActionMetadata(readFileSync(join(root, 'action.yml'), 'utf8')));

if (process.argv.includes('--check')) {
  if (generated !== current) {
    process.stderr.write('README.md tables differ from action.yml: run npm run docs\n');
    process.exitCode = 1;
  }
} else if (generated !== current) {
  writeFileSync(readmePath, generated);
  process.stdout.write('README.md: inputs and outputs tables regenerated from action.yml\n');
} else {
  process.stdout.write('README.md: tables already match action.yml\n');
}
