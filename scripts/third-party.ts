/**
 * Part of `npm run build`: writes `THIRD-PARTY` at the root from the licences ncc collected while bundling
 * (`dist/licenses.txt`; see lib/third-party.ts). `tsx scripts/third-party.ts <licenses.txt> <output>` reads and writes
 * other files (the full rebuild check in `npm run test:slow`).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseNccLicences, renderThirdParty } from './lib/third-party.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const from = resolve(root, process.argv[2] ?? 'dist/licenses.txt');
const to = resolve(root, process.argv[3] ?? 'THIRD-PARTY');
const entries = parseNccLicences(readFileSync(from, 'utf8'));
if (entries.length === 0) throw new Error(`${from}: no package found; is it ncc's --license output?`);
writeFileSync(to, renderThirdParty(entries));
