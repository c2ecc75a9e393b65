import { Inputs, REPORT_LOCATORS } from './names.js';
import { InputError } from '../lib/errors.js';
import {
  type InputReader,
  type ParsedInputs,
  parseBoolean,
  parseInputs,
  parseInteger,
  parseCommentAndEndpoints,
  parseRegion,
  required,
  type Settings,
  show,
} from './parse.js';

/**
 * The four things the action does (`action`): scan and install start an execution (parse.ts reads their inputs);
 * report attaches to executions that exist; summarize merges report files. Each action's inputs are checked here,
 * before any network call: the ones it needs, and the ones it refuses because they would mean nothing to it.
 */
export type ActionName = 'scan' | 'install' | 'report' | 'summarize';

/**
 * Which executions `action: report` attaches to (attach/locate.ts has one case per form): IDs as given; or, by the
 * tags this action puts on every execution it starts (execution/request-tags.ts), one request by its base
 * ClientToken, or every request of a workflow run of this repository (GITHUB_REPOSITORY) by its run ID.
 */
export type ExecutionLocator =
  { by: 'execution-id'; executionIds: readonly string[] } | { by: 'client-token'; clientToken: string } | { by: 'run-id'; runId: string };

/** `action: report`: read-only, no approval; waits like a run, then publishes the same report. */
export interface ReportSettings extends Pick<
  Settings,
  'region' | 'waitTimeoutMinutes' | 'pollIntervalSeconds' | 'failOnMissing' | 'prComment' | 'oosEndpoint' | 'ecsEndpoint'
> {
  locator: ExecutionLocator;
}

/** `action: summarize`: no cloud call and no credentials; report files inside the workspace. */
export interface SummarizeSettings extends Pick<Settings, 'failOnMissing'> {
  /** Paths or globs (`*`, `**`, `?`), relative to the workspace, in the order given. */
  reportFiles: string[];
}

export type ActionRequest =
  | { action: 'scan' | 'install'; parsed: ParsedInputs }
  | { action: 'report'; settings: ReportSettings }
  | { action: 'summarize'; settings: SummarizeSettings };

/** Executions one report attaches to at most (their patch states are read one after another). */
export const MAX_REPORT_EXECUTIONS = 10;
/** Report files one summarize reads at most (paths and the files globs match). */
export const MAX_REPORT_FILES = 200;
const EXECUTION_ID = /^exec-[A-Za-z0-9]+$/;
/** `patch-` and the first 32 hex characters of a SHA-256 (execution/client-token.ts). */
const CLIENT_TOKEN = /^patch-[0-9a-f]{32}$/;
/** GITHUB_RUN_ID: a positive integer (GitHub's are 64-bit). */
const RUN_ID = /^[1-9][0-9]{0,19}$/;
/** Inputs that have no default in action.yml, so a value means the user set them. */
const TARGETS = [Inputs.InstanceIds, Inputs.InstanceIdsFile, Inputs.Tags] as const;

/** Reads `action` and the inputs of that action; throws InputError naming the first bad one. */
export function parseRequest(read: InputReader): ActionRequest {
  const get = (name: string): string => read(name).trim();
  const action = required(get, Inputs.Action);
  if (action === 'report') return { action, settings: parseReportInputs(get) };
  if (action === 'summarize') return { action, settings: parseSummarizeInputs(get) };
  const parsed = parseInputs(read);
  return { action: parsed.settings.action, parsed };
}

function parseReportInputs(get: InputReader): ReportSettings {
  const why = "the instances come from the execution's own Parameters";
  refuse(get, 'report', [...TARGETS, Inputs.ReportFiles], why);
  refuse(get, 'report', [Inputs.ApprovalEnvironment], 'report only reads: it needs no approval');
  refuseFlag(get, 'report', Inputs.DryRun, true, 'report starts nothing');
  refuseFlag(get, 'report', Inputs.Wait, false, 'report waits for the executions; start with wait: false, then report in a later job');
  const settings: ReportSettings = {
    region: parseRegion(get),
    locator: parseLocator(get),
    waitTimeoutMinutes: parseInteger(get, Inputs.WaitTimeoutMinutes, 120, 1, 360),
    pollIntervalSeconds: parseInteger(get, Inputs.PollIntervalSeconds, 10, 1, 300),
    failOnMissing: parseBoolean(get, Inputs.FailOnMissing, false),
  };
  return { ...settings, ...parseCommentAndEndpoints(get) };
}

function parseSummarizeInputs(get: InputReader): SummarizeSettings {
  const why = 'summarize reads report files only';
  refuse(get, 'summarize', [...TARGETS, ...REPORT_LOCATORS, Inputs.ApprovalEnvironment], why);
  refuseFlag(get, 'summarize', Inputs.DryRun, true, why);
  refuseFlag(get, 'summarize', Inputs.CommentOnPr, true, 'the merged summary goes to the job summary only');
  refuseFlag(get, 'summarize', Inputs.Wait, false, why);
  return {
    reportFiles: parseReportFiles(required(get, Inputs.ReportFiles)),
    failOnMissing: parseBoolean(get, Inputs.FailOnMissing, false),
  };
}

/** Exactly one of execution-id, client-token and run-id. */
function parseLocator(get: InputReader): ExecutionLocator {
  const set = REPORT_LOCATORS.filter((n) => get(n) !== '');
  const [name, other] = set;
  if (name === undefined) {
    throw new InputError(
      Inputs.ExecutionId,
      'is required with action: report, unless client-token or run-id is set: give exactly one of execution-id (exec-...), ' +
        'client-token (the client-token output of the step that started the execution) or run-id (a workflow run ID, such as ${{ github.run_id }})',
    );
  }
  if (other !== undefined) {
    throw new InputError(other, `cannot be combined with ${name}: give exactly one of ${REPORT_LOCATORS.join(', ')}`);
  }
  if (name === Inputs.ClientToken) return { by: 'client-token', clientToken: parseClientToken(get(name)) };
  if (name === Inputs.RunId) return { by: 'run-id', runId: parseRunId(get(name)) };
  return { by: 'execution-id', executionIds: parseExecutionIds(get(name)) };
}

/** The base ClientToken this action derives (execution/client-token.ts) and tags every execution with. */
export function parseClientToken(raw: string): string {
  if (!CLIENT_TOKEN.test(raw)) {
    throw new InputError(
      Inputs.ClientToken,
      `${show(raw)} is not a ClientToken of this action; expected patch- followed by 32 hexadecimal characters (the client-token output of the step that started the execution)`,
    );
  }
  return raw;
}

/** A workflow run ID (GITHUB_RUN_ID): a positive whole number. */
export function parseRunId(raw: string): string {
  if (!RUN_ID.test(raw)) {
    throw new InputError(Inputs.RunId, `${show(raw)} is not a workflow run ID; expected a number such as \${{ github.run_id }}`);
  }
  return raw;
}

/** `exec-…`, or a JSON list of them; de-duplicated, at most MAX_REPORT_EXECUTIONS. */
export function parseExecutionIds(raw: string): string[] {
  const name = Inputs.ExecutionId;
  let items: unknown[] = [raw];
  if (raw.startsWith('[')) {
    try {
      items = JSON.parse(raw) as unknown[];
    } catch {
      throw new InputError(name, 'looks like a JSON list but does not parse; expected ["exec-...", "exec-..."]');
    }
    if (!Array.isArray(items) || items.length === 0) throw new InputError(name, 'expected a non-empty JSON list such as ["exec-..."]');
  }
  const ids = items.map((v) => {
    if (typeof v !== 'string' || !EXECUTION_ID.test(v.trim())) {
      throw new InputError(
        name,
        `${typeof v === 'string' ? show(v) : 'a non-string'} is not an execution ID; expected exec- followed by letters and digits`,
      );
    }
    return v.trim();
  });
  const unique = [...new Set(ids)];
  if (unique.length > MAX_REPORT_EXECUTIONS) {
    throw new InputError(name, `${unique.length} executions given; at most ${MAX_REPORT_EXECUTIONS} per step`);
  }
  return unique;
}

/**
 * Paths or globs, one per line (or separated by commas), relative to the workspace. Absolute paths and `..` are
 * refused here; summarize/files.ts checks again, once symbolic links are followed, that every file is inside.
 */
export function parseReportFiles(raw: string): string[] {
  const name = Inputs.ReportFiles;
  const patterns = raw
    .split(/[\n,]+/)
    .map((p) => p.trim())
    .filter((p) => p !== '');
  if (patterns.length === 0) throw new InputError(name, 'no paths given; expected report file paths or globs, one per line');
  for (const p of patterns) {
    if (p.startsWith('/') || /^[A-Za-z]:[\\/]/.test(p) || p.split(/[\\/]/).includes('..')) {
      throw new InputError(name, `${show(p)} is outside the workspace; give paths or globs relative to it, such as reports/*.json`);
    }
    if (/[^\x20-\x7e]/.test(p)) throw new InputError(name, `${show(p)} has control or non-ASCII characters; expected a plain path or glob`);
  }
  if (patterns.length > MAX_REPORT_FILES) throw new InputError(name, `${patterns.length} paths given; at most ${MAX_REPORT_FILES}`);
  return [...new Set(patterns)];
}

function refuse(get: InputReader, action: ActionName, names: readonly string[], why: string): void {
  const set = names.find((n) => n !== '' && get(n) !== '');
  if (set !== undefined) throw new InputError(set, `does not apply to action: ${action} (${why}); remove it`);
}

/** A boolean input whose one value (`bad`) makes no sense for the action. */
function refuseFlag(get: InputReader, action: ActionName, name: string, bad: boolean, why: string): void {
  if (get(name) !== '' && parseBoolean(get, name, !bad) === bad)
    throw new InputError(name, `cannot be ${bad} with action: ${action}: ${why}`);
}
