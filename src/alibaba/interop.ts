/**
 * The default export of a CommonJS SDK module (`@alicloud/openapi-core`, `@alicloud/credentials`), however the loader
 * hands it over: the export itself (the ncc bundle, vitest), or the whole `module.exports` with the class under
 * `default` (plain Node ESM, as `tsx scripts/probe.ts` runs the sources).
 */
export function defaultExport<T>(imported: T): T {
  if (typeof imported === 'function') return imported;
  const inner = (imported as { default?: T } | null | undefined)?.default;
  return inner ?? imported;
}
