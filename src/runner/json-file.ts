import { createWriteStream } from 'node:fs';
import { once } from 'node:events';

/** Chunks are gathered to about this size before each write. */
const WRITE_BYTES = 64 * 1024;

/**
 * Writes `value` as JSON without building the whole text in memory. At 10,000 instances the report is about
 * 12 MB of JSON, and `JSON.stringify(report, null, 2)` plus the copy written to disk added some 45 MB to the
 * action's peak memory, most of it at the very end of the run. The layout stays readable: the members of the
 * top two levels of objects one per line, every array element on a line of its own (compact), so a report
 * has one line per instance. The result parses to what `JSON.stringify(value)` would give.
 */
export async function writeJsonFile(path: string, value: unknown): Promise<void> {
  const out = createWriteStream(path, { encoding: 'utf8' });
  const failed = once(out, 'error').then(([err]) => {
    throw err;
  });
  let pending = '';
  for (const chunk of chunks(value, 0)) {
    pending += chunk;
    if (pending.length < WRITE_BYTES) continue;
    if (!out.write(pending)) await Promise.race([once(out, 'drain'), failed]);
    pending = '';
  }
  out.end(`${pending}\n`);
  await Promise.race([once(out, 'finish'), failed]);
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
