/**
 * Part of `npm run build`: writes dist/build-stamp.json (see lib/dist-stamp.ts) for the bundle ncc just wrote.
 * `tsx scripts/dist-stamp.ts <dir>` stamps another output folder (the full rebuild check in `npm run test:slow`).
 */
import { writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { computeStamp, STAMP_FILE, stampText } from './lib/dist-stamp.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const outDir = resolve(root, process.argv[2] ?? 'dist');
writeFileSync(join(outDir, STAMP_FILE), stampText(computeStamp(root, outDir)));
