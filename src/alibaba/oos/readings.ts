import { CloudError } from '../cloud-error.js';

/**
 * The OOS client's answers to the facts about OOS that no public source confirms (docs/cloud-facts.md): it works
 * under each plausible reading, and remembers for the rest of the run which one the service plays. Pure, apart from
 * the memory of one client (one run).
 */

/** The page size asked for first: the largest documented for ListTaskExecutions and ListExecutions. */
export const MAX_RESULTS = 100;
/** The page size every public example of ListInstancePatchStates, ListInstancePatches and ListExecutionLogs uses. */
export const SAFE_MAX_RESULTS = 50;

/** An InvalidParameter answer (any `InvalidParameter…` code) to a request, by code only. */
export function isInvalidParameter(err: unknown): err is CloudError {
  return err instanceof CloudError && /^Invalid(Parameter|Param)/i.test(err.code);
}

/** An InvalidParameter answer that names MaxResults (in its code or its message). */
export function isMaxResultsRefusal(err: unknown): boolean {
  return isInvalidParameter(err) && /MaxResults/i.test(`${err.code} ${err.detail}`);
}

/**
 * `MaxResults` per operation: 100 until the service refuses it, then 50 for the rest of the run. The range of
 * ListInstancePatchStates, ListInstancePatches and ListExecutionLogs is undocumented (the models' examples use 50).
 */
export class PageSizes {
  private readonly sizes = new Map<string, number>();

  size(action: string): number {
    return this.sizes.get(action) ?? MAX_RESULTS;
  }

  /** Runs `read` with the operation's page size; on a MaxResults refusal, once more with 50, which then sticks. */
  async read<T>(action: string, read: (maxResults: number) => Promise<T>): Promise<T> {
    const size = this.size(action);
    try {
      return await read(size);
    } catch (err) {
      if (size <= SAFE_MAX_RESULTS || !isMaxResultsRefusal(err)) throw err;
      this.sizes.set(action, SAFE_MAX_RESULTS);
      return read(SAFE_MAX_RESULTS);
    }
  }
}

/**
 * The forms of ListInstancePatches `PatchStatuses`, in the order they are tried: a JSON array string (what an Alibaba
 * compliance-rule sample sends), one call per status with a plain string (what the API model shows), and no filter at
 * all with the filtering done here.
 */
export const PATCH_STATUS_FORMS = ['json-array', 'plain', 'unfiltered'] as const;
export type PatchStatusForm = (typeof PATCH_STATUS_FORMS)[number];

/** The `PatchStatuses` values to send in one form: one request per value (`undefined`: the parameter is left out). */
export function patchStatusValues(form: PatchStatusForm, statuses: readonly string[]): (string | undefined)[] {
  if (form === 'json-array') return [JSON.stringify(statuses)];
  if (form === 'plain') return [...statuses];
  return [undefined];
}

/**
 * Whether an execution OOS returned was started with the template parameters that were sent: every parameter sent
 * must come back with the same value, at any depth (the service may add the template's defaults). `returned` is the execution's
 * `Parameters`, a JSON string or an object; when the answer carries none, there is nothing to compare (true).
 * Scalars compare by their text (`14` and `"14"` agree), lists in order (they are sent in canonical order).
 */
export function sameParameters(sent: Readonly<Record<string, unknown>>, returned: unknown): boolean {
  let parsed: unknown = returned;
  if (typeof returned === 'string') {
    if (returned.trim() === '') return true;
    try {
      parsed = JSON.parse(returned);
    } catch {
      return false;
    }
  }
  if (parsed === undefined || parsed === null) return true;
  if (typeof parsed !== 'object' || Array.isArray(parsed)) return false;
  const got = parsed as Record<string, unknown>;
  return Object.entries(sent).every(([key, value]) => sameValue(value, got[key]));
}

function sameValue(a: unknown, b: unknown): boolean {
  if (Array.isArray(a)) return Array.isArray(b) && a.length === b.length && a.every((v, i) => sameValue(v, b[i]));
  if (typeof a === 'object' && a !== null) {
    if (typeof b !== 'object' || b === null || Array.isArray(b)) return false;
    const bo = b as Record<string, unknown>;
    const ao = a as Record<string, unknown>;
    return Object.keys(ao).every((k) => sameValue(ao[k], bo[k]));
  }
  const scalar = (v: unknown): string | undefined =>
    typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' ? String(v) : undefined;
  return scalar(a) !== undefined && scalar(a) === scalar(b);
}

/** The CloudError a reused ClientToken with other parameters gets, whichever way OOS answers it. */
export const IDEMPOTENT_MISMATCH = 'IdempotentParameterMismatch';

export function parametersMismatch(requestId: string | undefined, executionId: string): CloudError {
  return new CloudError(
    'StartExecution',
    IDEMPOTENT_MISMATCH,
    `OOS returned execution ${executionId}, which an earlier request with the same ClientToken started with other template parameters`,
    undefined,
    requestId,
  );
}
