/** docs/report.schema.json through ajv (a devDependency: tests only), for the tests of every file the action writes. */
import { readFileSync } from 'node:fs';
import { Ajv2020 } from 'ajv/dist/2020.js';

const schema = JSON.parse(readFileSync(new URL('../../docs/report.schema.json', import.meta.url), 'utf8')) as object;
const validate = new Ajv2020({ allErrors: true, strict: true }).compile(schema);

/** The schema's complaints about `value` as it would be read back from its file (JSON round trip); [] when valid. */
export function schemaErrors(value: unknown): string[] {
  const parsed: unknown = JSON.parse(JSON.stringify(value));
  if (validate(parsed)) return [];
  return (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? ''}`);
}
