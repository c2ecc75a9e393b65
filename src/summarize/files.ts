import { readdir, readFile, realpath, stat } from 'node:fs/promises';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';
import { MAX_REPORT_FILES } from '../inputs/flows.js';
import { Inputs } from '../inputs/names.js';
import { show } from '../inputs/parse.js';
import { InputError } from '../lib/errors.js';
import { checkReportFile } from '../report/report-file.js';
import type { ReadReport } from './merge.js';

/** A report of 10,000 instances is about 12 MB; anything far larger is not a report of this action. */
const MAX_FILE_BYTES = 64 * 1024 * 1024;

/**
 * The report files that `report-files` names: paths or globs (`*` and `?` within a name, `**` for any depth)
 * relative to the workspace (GITHUB_WORKSPACE, else the working directory), each inside it once symbolic links
 * are followed. Files in the order of the patterns, each glob's matches sorted; a file matched twice is read once.
 * Each file is parsed and checked (report/file-check.ts); the first that is not a report stops the step, by name.
 */
export async function readReportFiles(patterns: readonly string[], env: NodeJS.ProcessEnv): Promise<ReadReport[]> {
  const name = Inputs.ReportFiles;
  const workspace = env.GITHUB_WORKSPACE || process.cwd();
  const root = await realpath(workspace).catch(() => {
    throw new InputError(name, `the workspace ${show(workspace)} does not exist`);
  });
  const files: string[] = [];
  for (const pattern of patterns) {
    const matched = isGlob(pattern) ? await expand(root, pattern) : [pattern];
    if (matched.length === 0) {
      throw new InputError(
        name,
        `${show(pattern)} matches no file in the workspace; download the report artifacts first (actions/download-artifact)`,
      );
    }
    for (const f of matched) if (!files.includes(f)) files.push(f);
  }
  if (files.length > MAX_REPORT_FILES) throw new InputError(name, `${files.length} files matched; at most ${MAX_REPORT_FILES}`);
  const read: ReadReport[] = [];
  for (const file of files) read.push({ file, report: checkReportFile(await parse(root, file), file) });
  return read;
}

async function parse(root: string, given: string): Promise<unknown> {
  const name = Inputs.ReportFiles;
  const file = await realpath(resolve(root, given)).catch(() => {
    throw new InputError(name, `${show(given)} does not exist in the workspace`);
  });
  if (!isInside(root, file)) throw new InputError(name, `${show(given)} is outside the workspace; give paths relative to it`);
  const info = await stat(file);
  if (!info.isFile()) throw new InputError(name, `${show(given)} is not a file`);
  if (info.size > MAX_FILE_BYTES) throw new InputError(name, `${show(given)} is ${info.size} bytes, larger than any report of this action`);
  try {
    return JSON.parse(await readFile(file, 'utf8')) as unknown;
  } catch {
    throw new InputError(name, `${show(given)} is not JSON; summarize reads the report files this action writes`);
  }
}

function isGlob(pattern: string): boolean {
  return /[*?]/.test(pattern);
}

/** The files under `root` whose relative path matches the glob, sorted; symbolic links are not followed. */
async function expand(root: string, pattern: string): Promise<string[]> {
  const re = globToRegExp(pattern.replace(/\\/g, '/').replace(/^\.\//, ''));
  const literal = pattern.split('/').findIndex((s) => isGlob(s));
  const base = pattern.split('/').slice(0, Math.max(0, literal)).join('/');
  const found: string[] = [];
  const walk = async (dir: string): Promise<void> => {
    const entries = await readdir(join(root, dir), { withFileTypes: true }).catch(() => []);
    for (const e of entries) {
      const rel = dir === '' ? e.name : `${dir}/${e.name}`;
      if (e.isDirectory() && e.name !== '.git' && e.name !== 'node_modules') await walk(rel);
      else if (e.isFile() && re.test(rel)) found.push(rel);
      if (found.length > MAX_REPORT_FILES) return;
    }
  };
  await walk(base);
  return found.sort();
}

/** `**` any number of directories, `*` any characters but `/`, `?` one such character; the rest literal. */
export function globToRegExp(glob: string): RegExp {
  let re = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob.charAt(i);
    if (c === '*' && glob.charAt(i + 1) === '*') {
      const slash = glob.charAt(i + 2) === '/';
      re += slash ? '(?:[^/]+/)*' : '.*';
      i += slash ? 2 : 1;
    } else if (c === '*') re += '[^/]*';
    else if (c === '?') re += '[^/]';
    else re += c.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}

function isInside(root: string, file: string): boolean {
  const rel = relative(root, file);
  return rel !== '' && !rel.startsWith(`..${sep}`) && rel !== '..' && !isAbsolute(rel);
}
