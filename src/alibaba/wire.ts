/**
 * Reading loosely typed fields of an Alibaba Cloud answer: one name per way of reading, used by every client.
 * Nothing here trusts the answer: a field of another type reads as absent.
 */

/** A string field; anything else (absent, a number, an object) reads as ''. */
export function text(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

/** A string field that says something; '' and anything not a string read as undefined. */
export function nonEmptyText(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** A string or number field as text (ECS sends some IDs and counts either way); anything else reads as ''. */
export function scalarText(value: unknown): string {
  return typeof value === 'string' ? value : typeof value === 'number' ? String(value) : '';
}

/**
 * The optional fields that say something, read with `read` (text by default): `{ startDate: item.StartDate }`
 * gives `{ startDate: '...' }` when StartDate is a non-empty string, else `{}`. For Object.assign onto a result.
 */
export function presentFields<K extends string>(
  fields: Readonly<Record<K, unknown>>,
  read: (value: unknown) => string | undefined = text,
): Partial<Record<K, string>> {
  const present: Partial<Record<K, string>> = {};
  for (const key of Object.keys(fields) as K[]) {
    const value = read(fields[key]);
    if (value) present[key] = value;
  }
  return present;
}
