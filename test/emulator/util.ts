/** Small helpers shared by the emulator modules: ids, dates, paging tokens. */
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { invalidParameter } from './errors.js';

/** Alibaba-style request id: an upper-case UUID. */
export function newRequestId(): string {
  return randomUUID().toUpperCase();
}

/** `<prefix>-<20 hex>`, e.g. `exec-44d32b45d2d14a04baec`. */
export function newId(prefix: string, bytes = 10): string {
  return `${prefix}-${randomBytes(bytes).toString('hex')}`;
}

/**
 * The ID of the child execution (template ACS::ECS::ApplyPatchBaseline) that a parent execution of
 * ACS-ECS-BulkyApplyPatchBaseline runs for one instance. Deterministic, so every part of the emulator that
 * names a child execution (snapshot names now, ListExecutions ParentExecutionId later) agrees on it.
 */
export function childExecutionId(parentExecutionId: string, instanceId: string): string {
  const key = `${parentExecutionId}/${instanceId}`;
  let id = childIds.get(key);
  if (id === undefined) {
    id = `exec-${createHash('sha256').update(key).digest('hex').slice(0, 20)}`;
    remember(childIds, key, id);
  }
  return id;
}

// Views of 1000 children are rebuilt for every page of ListTaskExecutions (10 pages an execution): at 10,000
// instances hashing and date formatting were most of the emulator's time (npm run bench). Both are pure.
const CACHE_ENTRIES = 50_000;
const childIds = new Map<string, string>();
const isoDates = new Map<number, string>();

function remember<K, V>(cache: Map<K, V>, key: K, value: V): void {
  if (cache.size >= CACHE_ENTRIES) cache.clear();
  cache.set(key, value);
}

/** ISO 8601 UTC without milliseconds, as OOS prints it: `2026-11-22T03:04:05Z`. */
export function isoDate(ms: number): string {
  let text = isoDates.get(ms);
  if (text === undefined) {
    text = new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
    remember(isoDates, ms, text);
  }
  return text;
}

/** Parse an integer parameter; `undefined` if absent, InvalidParameter if malformed or out of range. */
export function intParam(params: Readonly<Record<string, string>>, name: string, min: number, max: number): number | undefined {
  const raw = params[name];
  if (raw === undefined || raw === '') return undefined;
  if (!/^\d+$/.test(raw)) throw invalidParameter(`The parameter ${name} must be an integer.`);
  const n = Number(raw);
  if (n < min || n > max) {
    throw invalidParameter(`The parameter ${name} must be between ${min} and ${max}; got ${n}.`);
  }
  return n;
}

export interface Page<T> {
  items: T[];
  /** Undefined when this is the last page. */
  nextToken: string | undefined;
}

/**
 * Offset paging with an opaque NextToken bound to a scope (the list operation plus its filters),
 * so a token cannot be replayed against a different query.
 */
export function paginate<T>(all: readonly T[], maxResults: number, nextToken: string | undefined, scope: string): Page<T> {
  let offset = 0;
  if (nextToken !== undefined && nextToken !== '') {
    offset = decodeToken(nextToken, scope);
  }
  const items = all.slice(offset, offset + maxResults);
  const end = offset + items.length;
  return { items, nextToken: end < all.length ? encodeToken(end, scope) : undefined };
}

function encodeToken(offset: number, scope: string): string {
  return Buffer.from(JSON.stringify({ o: offset, s: scope }), 'utf8').toString('base64url');
}

function decodeToken(token: string, scope: string): number {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
    if (typeof parsed === 'object' && parsed !== null) {
      const { o, s } = parsed as { o?: unknown; s?: unknown };
      if (typeof o === 'number' && Number.isInteger(o) && o >= 0 && s === scope) return o;
    }
  } catch {
    // fall through
  }
  throw invalidParameter('The parameter NextToken is invalid.');
}

/** JSON with object keys sorted, to compare two JSON documents regardless of key order and spacing. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (typeof value === 'object' && value !== null) {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) out[key] = sortKeys((value as Record<string, unknown>)[key]);
    return out;
  }
  return value;
}
