/**
 * The readings of Alibaba's API that no public source confirms, as switches of the emulator. The default plays the
 * reading the action was first written against (or the one the public models document); `EVERY_ALTERNATIVE` plays the
 * other plausible reading of each at once. Tests pass `variant` to `startEmulator`; the CLI takes
 * `--variant children=list-executions,patch-statuses=plain` or `--variant every-alternative`.
 * `docs/cloud-facts.md` says which fact each switch stands for.
 */
export interface Readings {
  /** How child executions are found: ListTaskExecutions items carry `ChildExecutionId` (+ `LoopItem`), only ListExecutions `ParentExecutionId` names them, or neither does. */
  children: 'task-executions' | 'list-executions' | 'none';
  /** ListInstancePatches `PatchStatuses`: a JSON array string, or a plain string (a JSON array is refused with InvalidParameter). */
  patchStatuses: 'json-array' | 'plain';
  /** The largest `MaxResults` ListInstancePatchStates, ListInstancePatches and ListExecutionLogs accept. */
  maxResults: '100' | '50';
  /** Request lines (URL) longer than 8 KiB are refused with 414, or not. */
  urlLimit: 'none' | '8k';
  /** A reused ClientToken with other parameters: IdempotentParameterMismatch, or the earlier execution returned. */
  tokenReuse: 'mismatch-error' | 'return-earlier';
  /** ListExecutions `Tags`: honoured as a filter, or ignored (every execution listed). */
  executionTagsFilter: 'honoured' | 'ignored';
}

export const DEFAULT_READINGS: Readonly<Readings> = Object.freeze({
  children: 'task-executions',
  patchStatuses: 'json-array',
  maxResults: '100',
  urlLimit: 'none',
  tokenReuse: 'mismatch-error',
  executionTagsFilter: 'honoured',
});

export const EVERY_ALTERNATIVE: Readonly<Readings> = Object.freeze({
  children: 'list-executions',
  patchStatuses: 'plain',
  maxResults: '50',
  urlLimit: '8k',
  tokenReuse: 'return-earlier',
  executionTagsFilter: 'ignored',
});

const CHOICES: { readonly [K in keyof Readings]: readonly Readings[K][] } = {
  children: ['task-executions', 'list-executions', 'none'],
  patchStatuses: ['json-array', 'plain'],
  maxResults: ['100', '50'],
  urlLimit: ['none', '8k'],
  tokenReuse: ['mismatch-error', 'return-earlier'],
  executionTagsFilter: ['honoured', 'ignored'],
};

/** The CLI spelling of each switch (`patch-statuses=plain`). */
const FLAG: { readonly [K in keyof Readings]: string } = {
  children: 'children',
  patchStatuses: 'patch-statuses',
  maxResults: 'max-results',
  urlLimit: 'url-limit',
  tokenReuse: 'token-reuse',
  executionTagsFilter: 'execution-tags-filter',
};

export function readingsOf(variant: Partial<Readings> = {}): Readings {
  return { ...DEFAULT_READINGS, ...variant };
}

/** `default`, `every-alternative`, or `key=value,key=value` with the CLI spellings. */
export function parseVariant(text: string): Readings {
  const trimmed = text.trim();
  if (trimmed === '' || trimmed === 'default') return readingsOf();
  if (trimmed === 'every-alternative') return { ...EVERY_ALTERNATIVE };
  const readings = readingsOf();
  for (const pair of trimmed.split(',')) {
    const [flag, value] = pair.split('=').map((s) => s.trim());
    const key = (Object.keys(FLAG) as (keyof Readings)[]).find((k) => FLAG[k] === flag);
    if (!key) throw new Error(`unknown variant switch ${flag ?? ''} (one of ${Object.values(FLAG).join(', ')})`);
    const choices: readonly string[] = CHOICES[key];
    if (value === undefined || !choices.includes(value)) {
      throw new Error(`variant ${flag}=${value ?? ''}: expected one of ${choices.join(', ')}`);
    }
    Object.assign(readings, { [key]: value });
  }
  return readings;
}

/** The CLI spelling of a set of readings: only the switches that differ from the default, or `default`. */
export function formatVariant(readings: Readings): string {
  const keys = (Object.keys(FLAG) as (keyof Readings)[]).filter((k) => readings[k] !== DEFAULT_READINGS[k]);
  return keys.length === 0 ? 'default' : keys.map((k) => `${FLAG[k]}=${readings[k]}`).join(',');
}
