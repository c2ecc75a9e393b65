import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { mkdir, realpath } from 'node:fs/promises';
import { basename, dirname, join, relative, isAbsolute, sep } from 'node:path';
import { ActionError } from '../lib/errors.js';

export interface JsonFileOptions {
  /** Applied to every piece of JSON text before it is written: the writer's last line (SecretRegistry.scrub). */
  scrub?: (text: string) => string;
  /** `wx`: create the file, never follow or overwrite what is there. Default `w`. */
  flag?: 'w' | 'wx';
}

/** Chunks are gathered to about this size before each write. */
const WRITE_BYTES = 64 * 1024;

/**
 * Writes `value` as JSON without building the whole text in memory. At 10,000 instances the report is about
 * 12 MB of JSON, and `JSON.stringify(report, null, 2)` plus the copy written to disk added some 45 MB to the
 * action's peak memory, most of it at the very end of the run. The layout stays readable: the members of the
 * top two levels of objects one per line, every array element on a line of its own (compact), so a report
 * has one line per instance. The result parses to what `JSON.stringify(value)` would give.
 */
export async function writeJsonFile(path: string, value: unknown, options: JsonFileOptions = {}): Promise<void> {
  const scrub = options.scrub ?? ((text: string) => text);
  const out = createWriteStream(path, { encoding: 'utf8', flags: options.flag ?? 'w' });
  const failed = once(out, 'error').then(([err]) => {
    throw err;
  });
  let pending = '';
  // Each chunk is whole JSON text (a key, a scalar, an array element): a secret inside one is never split.
  for (const chunk of chunks(value, 0)) {
    pending += scrub(chunk);
    if (pending.length < WRITE_BYTES) continue;
    if (!out.write(pending)) await Promise.race([once(out, 'drain'), failed]);
    pending = '';
  }
  out.end(`${pending}\n`);
  await Promise.race([once(out, 'finish'), failed]);
}

/** A report file's name: letters, digits, dot, dash and underscore only (it embeds an ID from the cloud). */
const SAFE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,200}$/;

/**
 * Writes a report or plan file into `dir` (RUNNER_TEMP) and returns its path. The name must be a plain file name,
 * the resolved path must stay inside the directory, and the file is created, never reused (`wx`): a name taken by
 * an earlier step of the job gets `-2`, `-3`, ... before `.json`.
 */
export async function writeReportFile(dir: string, name: string, content: unknown, scrub?: (text: string) => string): Promise<string> {
  if (!SAFE_NAME.test(name) || basename(name) !== name || !name.endsWith('.json')) {
    throw new ActionError(
      `Internal error: refusing to write the report file under the name ${JSON.stringify(name)}: not a plain file name.`,
    );
  }
  await mkdir(dir, { recursive: true });
  const root = await realpath(dir);
  for (let n = 1; n <= 20; n++) {
    const file = join(root, n === 1 ? name : name.replace(/\.json$/, `-${n}.json`));
    const rel = relative(root, file);
    if (dirname(file) !== root || rel.startsWith(`..${sep}`) || isAbsolute(rel)) {
      throw new ActionError(`Internal error: the report file ${JSON.stringify(name)} would be outside ${root}.`);
    }
    try {
      await writeJsonFile(file, content, { flag: 'wx', ...(scrub ? { scrub } : {}) });
      return file;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
  }
  throw new ActionError(`Could not create the report file ${name} in ${root}: 20 files of that name exist already.`);
}

/** Objects down to this depth are spread over lines; deeper ones, and every array element, are compact. */
const SPREAD_DEPTH = 1;

function* chunks(value: unknown, depth: number): Generator<string> {
  const indent = '  '.repeat(depth + 1);
  const close = '  '.repeat(depth);
  if (Array.isArray(value)) {
    if (value.length === 0) {
      yield '[]';
      return;
    }
    yield '[';
    for (let i = 0; i < value.length; i++) yield `${i === 0 ? '\n' : ',\n'}${indent}${JSON.stringify(value[i]) ?? 'null'}`;
    yield `\n${close}]`;
    return;
  }
  if (depth > SPREAD_DEPTH || !isPlainObject(value)) {
    yield JSON.stringify(value) ?? 'null';
    return;
  }
  const members = Object.entries(value).filter(([, v]) => v !== undefined && typeof v !== 'function' && typeof v !== 'symbol');
  if (members.length === 0) {
    yield '{}';
    return;
  }
  yield '{';
  for (let i = 0; i < members.length; i++) {
    const [key, member] = members[i] as [string, unknown];
    yield `${i === 0 ? '\n' : ',\n'}${indent}${JSON.stringify(key)}: `;
    yield* chunks(member, depth + 1);
  }
  yield `\n${close}}`;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false;
  if (typeof (value as { toJSON?: unknown }).toJSON === 'function') return false;
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}
