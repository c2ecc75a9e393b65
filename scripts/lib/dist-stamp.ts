/**
 * The stamp `npm run build` writes next to the bundle: a hash of what ncc built from, and a hash of what it wrote.
 * `npm test` compares both with the checkout in milliseconds, so a `dist/` that is not what the sources build fails
 * at once; the full rebuild and byte-for-byte comparison stays in `npm run test:slow` (an ncc build costs ~30 s of CPU).
 *
 * What ncc builds from: every file under `src/`, `tsconfig.json`, `package-lock.json` (which pins every bundled
 * dependency and ncc itself) and the build command. Anything else that could change the bundle is caught by the full
 * rebuild.
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export const STAMP_FILE = 'build-stamp.json';

export interface DistStamp {
  /** sha256 of the build's inputs (see buildInputsHash). */
  sources: string;
  /** sha256 of every file the build wrote, the stamp excepted. */
  bundle: string;
}

/** Every file under `base`/`dir`, as `/`-separated paths relative to `base` (`dir` '' is `base` itself), sorted. */
function filesUnder(base: string, dir: string): string[] {
  const found: string[] = [];
  for (const entry of readdirSync(join(base, dir), { withFileTypes: true })) {
    const path = dir === '' ? entry.name : `${dir}/${entry.name}`;
    if (entry.isDirectory()) found.push(...filesUnder(base, path));
    else if (entry.isFile()) found.push(path);
  }
  return found.sort();
}

/** One hash over named parts: each name and length goes in with its content, so no two file sets collide. */
function hashOf(parts: ReadonlyArray<readonly [string, Buffer | string]>): string {
  const hash = createHash('sha256');
  for (const [name, content] of parts) {
    const bytes = typeof content === 'string' ? Buffer.from(content, 'utf8') : content;
    hash.update(`${name}\0${bytes.length}\0`).update(bytes);
  }
  return hash.digest('hex');
}

/** The build command from package.json: the stamp is only good for the command that made the bundle. */
export function buildCommand(root: string): string {
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { scripts?: { build?: string } };
  const build = pkg.scripts?.build;
  if (!build) throw new Error('package.json has no build script');
  return build;
}

export function buildInputsHash(root: string): string {
  const files = [...filesUnder(root, 'src'), 'tsconfig.json', 'package-lock.json'];
  return hashOf([...files.map((f) => [f, readFileSync(join(root, f))] as const), ['build command', buildCommand(root)]]);
}

/** The hash of the bundle in `outDir` (every file but the stamp). */
export function bundleHash(outDir: string): string {
  const files = filesUnder(outDir, '').filter((f) => f !== STAMP_FILE);
  return hashOf(files.map((f) => [f, readFileSync(join(outDir, f))] as const));
}

export function computeStamp(root: string, outDir: string): DistStamp {
  return { sources: buildInputsHash(root), bundle: bundleHash(outDir) };
}

export function readStamp(outDir: string): DistStamp | undefined {
  let text: string;
  try {
    text = readFileSync(join(outDir, STAMP_FILE), 'utf8');
  } catch {
    return undefined;
  }
  const parsed = JSON.parse(text) as Partial<DistStamp>;
  return typeof parsed.sources === 'string' && typeof parsed.bundle === 'string'
    ? { sources: parsed.sources, bundle: parsed.bundle }
    : undefined;
}

export function stampText(stamp: DistStamp): string {
  return `${JSON.stringify(stamp, null, 2)}\n`;
}
