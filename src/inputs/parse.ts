import { Inputs, MAX_TARGET_INSTANCES, REPORT_LOCATORS } from './names.js';
import { MAX_INSTANCES_PER_EXECUTION } from '../alibaba/oos/template.js';
import { type Endpoint, parseEndpoint } from '../alibaba/endpoints.js';
import { InputError } from '../lib/errors.js';
import type { MaxErrors, RateControl, TargetTag } from '../alibaba/oos/types.js';
import type { OnUnavailable } from '../preflight/checks.js';
import { CONSOLE_SITES, type ConsoleSite } from '../alibaba/oos/console.js';

export type { MaxErrors, RateControl, TargetTag } from '../alibaba/oos/types.js';

export type PatchAction = 'scan' | 'install';

/** What a re-run (attempt N > 1) does when the request's newest execution ended Failed or Cancelled. */
export type OnRerun = 'retry-failed' | 'reuse';

/** Install-only knobs, passed to the template as rebootIfNeed / whetherCreateSnapshot / retentionDays. */
export interface InstallOptions {
  /** Reboot an instance when an installed patch needs it. */
  rebootIfNeed: boolean;
  /** Snapshot the system disk before installing. */
  createSnapshot: boolean;
  /** How long the template keeps that snapshot, in days (1..65536). */
  retentionDays: number;
}

/** Where the install gate looks for its approval; read only for an install. */
export interface ApprovalSettings {
  /** The GitHub environment whose required reviewers must have approved this run, such as production. */
  environment: string;
  /** Reads the environment, the run's approvals and the check run; masked, never logged. */
  githubToken: string;
  /** This job's check run, to learn its environment when no OIDC token is offered. */
  checkRunId?: number;
}

/** Everything the action was asked to do, validated; read in exactly one place. */
export interface Settings {
  /** Region ID such as cn-hangzhou. */
  region: string;
  /**
   * Target instances, duplicates removed, in the order given. Read from `instance-ids` here; for
   * `instance-ids-file` and `tags` the targets phase (targets.ts) fills it in, and it is empty until then.
   */
  instanceIds: string[];
  /** `instance-ids-file` as given (relative to the workspace), when that input names the targets. */
  instanceIdsFile?: string;
  /** `tags`, when they name the targets: every instance carrying all of them. Sorted by key. */
  tags?: TargetTag[];
  action: PatchAction;
  /** Present exactly when action is install. */
  install?: InstallOptions;
  /** Present exactly when action is install. */
  approval?: ApprovalSettings;
  /** How long to wait for the execution to end. */
  waitTimeoutMinutes: number;
  /** The longest pause between two status checks. */
  pollIntervalSeconds: number;
  /** Fail the step when an instance still has missing, failed, pending-reboot or installed rejected patches. */
  failOnMissing: boolean;
  /** Cancel the execution when the action stops waiting for it: the wait timed out, or its status can no longer be read. */
  cancelOnTimeout: boolean;
  /** Cancel the execution when the job is cancelled (SIGINT/SIGTERM from the runner, or in the post step after a kill). */
  cancelOnAbort: boolean;
  /** `max-concurrency` and `max-errors`, sent to the template as rateControl. */
  rateControl: RateControl;
  /** What to do with instances that fail pre-flight: fail the step before anything starts, or patch the others. */
  onUnavailable: OnUnavailable;
  /**
   * On a re-run whose request's newest execution ended Failed or Cancelled: start a new one with the attempt's own
   * ClientToken (retry-failed), or report that one again (reuse). A running one is waited for, a succeeded one reported.
   */
  onRerun: OnRerun;
  /** Stop with success after pre-flight, writing the plan; never start an execution. */
  dryRun: boolean;
  /** `wait: false`: start the execution and return at once, leaving it running (one batch at most). */
  detach?: boolean;
  /** Present when `comment-on-pr` is true: post the summary as one PR comment, updated by later runs. */
  prComment?: { githubToken: string };
  oosEndpoint?: Endpoint;
  ecsEndpoint?: Endpoint;
  /** The console the execution links open: the China site (default) or the international one. */
  consoleSite: ConsoleSite;
}

export interface ParsedInputs {
  settings: Settings;
  /** Things worth telling the user that do not stop the run. */
  warnings: string[];
}

/** Reads one input by name; '' when it is not set (what `core.getInput` returns). */
export type InputReader = (name: string) => string;

const REGION = /^[a-z]{2}(-[a-z0-9]+)+$/;
const INSTANCE_ID = /^i-[a-z0-9]+$/;
// github-token and check-run-id are left out: the runner fills their defaults for every run.
const INSTALL_ONLY = [Inputs.RebootIfNeed, Inputs.CreateSnapshot, Inputs.RetentionDays, Inputs.ApprovalEnvironment] as const;
/** GitHub's limit; control characters could not come from a real environment name. */
const ENVIRONMENT_NAME = /^[^\p{Cc}]{1,255}$/u;
const TARGET_INPUTS = [Inputs.InstanceIds, Inputs.InstanceIdsFile, Inputs.Tags] as const;
/** ECS DescribeInstances takes Tag.1 to Tag.20. */
const MAX_TAGS = 20;
/** ECS limits tag keys and values to 128 characters. */
const MAX_TAG_LENGTH = 128;
/** The template's rateControl defaults; the ClientToken leaves them out. */
export const DEFAULT_MAX_CONCURRENCY = 10;
export const DEFAULT_MAX_ERRORS: MaxErrors = Object.freeze({ count: 0 });
const MAX_CONCURRENCY = 1000;

/** Parses and validates every input; throws InputError naming the first bad one. */
export function parseInputs(read: InputReader): ParsedInputs {
  const get = (name: string): string => read(name).trim();
  const warnings: string[] = [];

  const region = parseRegion(get);
  const target = exactlyOneTarget(get);
  const action = parseAction(required(get, Inputs.Action));

  const settings: Settings = {
    region,
    instanceIds: target === Inputs.InstanceIds ? parseInstanceIds(get(target)) : [],
    action,
    waitTimeoutMinutes: parseInteger(get, Inputs.WaitTimeoutMinutes, 120, 1, 360),
    pollIntervalSeconds: parseInteger(get, Inputs.PollIntervalSeconds, 10, 1, 300),
    failOnMissing: parseBoolean(get, Inputs.FailOnMissing, false),
    cancelOnTimeout: parseBoolean(get, Inputs.CancelOnTimeout, true),
    cancelOnAbort: parseBoolean(get, Inputs.CancelOnAbort, true),
    rateControl: {
      maxConcurrency: parseInteger(get, Inputs.MaxConcurrency, DEFAULT_MAX_CONCURRENCY, 1, MAX_CONCURRENCY),
      maxErrors: parseMaxErrors(get(Inputs.MaxErrors)),
    },
    onUnavailable: parseOnUnavailable(get(Inputs.OnUnavailable)),
    onRerun: parseOnRerun(get(Inputs.OnRerun)),
    dryRun: parseBoolean(get, Inputs.DryRun, false),
    consoleSite: parseConsoleSite(get(Inputs.ConsoleSite)),
  };
  if (!parseBoolean(get, Inputs.Wait, true)) {
    settings.detach = true;
    if (settings.instanceIds.length > MAX_INSTANCES_PER_EXECUTION) throw tooManyToDetach(settings.instanceIds.length);
  }
  for (const name of [...REPORT_LOCATORS, Inputs.ReportFiles]) {
    if (get(name) !== '')
      throw new InputError(name, `applies to action: ${name === Inputs.ReportFiles ? 'summarize' : 'report'} only, not ${action}`);
  }
  if (target === Inputs.InstanceIdsFile) settings.instanceIdsFile = get(target);
  if (target === Inputs.Tags) settings.tags = parseTags(get(target));
  // Parse install-only inputs for both actions, so a typo is caught even where it would be ignored.
  const install: InstallOptions = {
    rebootIfNeed: parseBoolean(get, Inputs.RebootIfNeed, false),
    createSnapshot: parseBoolean(get, Inputs.CreateSnapshot, false),
    retentionDays: parseInteger(get, Inputs.RetentionDays, 7, 1, 65536),
  };
  const checkRunId = parseCheckRunId(get);
  if (action === 'install') {
    settings.install = install;
    settings.approval = parseApproval(get, checkRunId);
  } else {
    const ignored = INSTALL_ONLY.filter((name) => get(name) !== '');
    if (ignored.length > 0) {
      warnings.push(`${ignored.map((n) => `'${n}'`).join(', ')} apply to install only; ignored for scan.`);
    }
  }
  Object.assign(settings, parseCommentAndEndpoints(get));
  return { settings, warnings };
}

/** `wait: false` with more instances than one execution takes: why that cannot be. */
export function tooManyToDetach(count: number): InputError {
  return new InputError(
    Inputs.Wait,
    `false needs the instances to fit one execution (at most ${MAX_INSTANCES_PER_EXECUTION}), got ${count}: larger fleets run in batches one after ` +
      'another so that max-concurrency holds, and only a step that waits can start the next batch. Leave wait at true, or split the fleet across jobs',
  );
}

export function parseRegion(get: InputReader): string {
  const region = required(get, Inputs.Region);
  if (!REGION.test(region)) {
    throw new InputError(Inputs.Region, `expected a region ID such as cn-hangzhou, got ${show(region)}`);
  }
  return region;
}

/** `comment-on-pr` with its token, or undefined when the comment is off. */
function parsePrComment(get: InputReader): { githubToken: string } | undefined {
  if (!parseBoolean(get, Inputs.CommentOnPr, false)) return undefined;
  const githubToken = get(Inputs.GithubToken);
  if (githubToken === '') {
    throw new InputError(Inputs.GithubToken, 'is required with comment-on-pr; leave it at its default, ${{ github.token }}');
  }
  return { githubToken };
}

/** The one input among instance-ids, instance-ids-file and tags that is set. */
function exactlyOneTarget(get: InputReader): (typeof TARGET_INPUTS)[number] {
  const set = TARGET_INPUTS.filter((name) => get(name) !== '');
  const [first, second] = set;
  if (first === undefined) {
    throw new InputError(Inputs.InstanceIds, `is required unless '${Inputs.InstanceIdsFile}' or '${Inputs.Tags}' names the instances`);
  }
  if (second !== undefined) {
    throw new InputError(second, `cannot be combined with '${first}': set exactly one of ${TARGET_INPUTS.map((n) => `'${n}'`).join(', ')}`);
  }
  return first;
}

/** An input that looks like JSON (it starts with `[` or `{`): parsed, or an InputError with an example. */
function parseJsonInput(name: string, raw: string, shape: 'array' | 'object', example: string): unknown {
  try {
    return JSON.parse(raw) as unknown;
  } catch {
    throw new InputError(name, `looks like a JSON ${shape} but does not parse; expected ${example}`);
  }
}

/** Splits on commas, whitespace and newlines, or reads a JSON array; validates and de-duplicates. */
export function parseInstanceIds(raw: string): string[] {
  const name = Inputs.InstanceIds;
  let items: string[];
  if (raw.startsWith('[')) {
    const parsed = parseJsonInput(name, raw, 'array', '["i-...", "i-..."]');
    if (!Array.isArray(parsed) || !parsed.every((v): v is string => typeof v === 'string')) {
      throw new InputError(name, 'a JSON value must be an array of instance ID strings, such as ["i-bp1abc"]');
    }
    items = parsed.map((v) => v.trim());
  } else if (raw.startsWith('{') || raw.startsWith('"')) {
    throw new InputError(name, 'is JSON but not an array; expected ["i-...", "i-..."], or IDs separated by commas, spaces or newlines');
  } else {
    items = raw.split(/[\s,]+/);
  }
  items = items.filter((v) => v !== '');
  const bad = items.find((v) => !INSTANCE_ID.test(v));
  if (bad !== undefined) throw new InputError(name, notAnInstanceId(bad));
  const unique = [...new Set(items)];
  if (unique.length === 0) {
    throw new InputError(name, 'no instance IDs given; expected IDs separated by commas, spaces or newlines, or a JSON array');
  }
  checkCount(name, unique.length);
  return unique;
}

/**
 * The text of an instance-ids-file: one instance ID per line; `#` starts a comment, blank lines are skipped.
 * Validates every line (naming its number) and de-duplicates.
 */
export function parseInstanceIdsFile(text: string, name: string = Inputs.InstanceIdsFile): string[] {
  const ids: string[] = [];
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = (lines[i] ?? '').replace(/#.*$/, '').trim();
    if (line === '') continue;
    // Never the line itself: the path may lead (through a symbolic link) to a file of secrets.
    if (!INSTANCE_ID.test(line)) {
      throw new InputError(
        name,
        `line ${i + 1} is not an instance ID: it ${whatIsWrong(line)}; expected one ID per line, i- followed by lower-case letters and digits (# starts a comment)`,
      );
    }
    ids.push(line);
  }
  const unique = [...new Set(ids)];
  if (unique.length === 0) throw new InputError(name, 'the file lists no instance IDs; expected one ID per line (# starts a comment)');
  checkCount(name, unique.length);
  return unique;
}

/** What is wrong with a line of the instance file, without quoting any of it. */
function whatIsWrong(line: string): string {
  if (!line.startsWith('i-')) return `does not start with i- (${line.length} characters)`;
  if (/\s/.test(line)) return 'has a space inside (one ID per line)';
  if (/[A-Z]/.test(line)) return 'has upper-case letters';
  if (line.length === 2) return 'has nothing after i-';
  return 'has characters other than lower-case letters and digits after i-';
}

function notAnInstanceId(value: string): string {
  return `${show(value)} is not an instance ID; expected i- followed by lower-case letters and digits, such as i-bp1abc123`;
}

function checkCount(name: string, n: number): void {
  if (n > MAX_TARGET_INSTANCES) {
    throw new InputError(name, `${n} instances given; at most ${MAX_TARGET_INSTANCES} per run (split the fleet across steps)`);
  }
}

/**
 * `key=value` per line, or a JSON object `{"key": "value"}`. Keys and values are non-empty and at most 128
 * characters; at most 20 tags (ECS DescribeInstances takes no more). Sorted by key, so the order given does not matter.
 */
export function parseTags(raw: string): TargetTag[] {
  const name = Inputs.Tags;
  const pairs: Array<[string, unknown]> = [];
  if (raw.startsWith('{')) {
    const parsed = parseJsonInput(name, raw, 'object', '{"env": "prod", "role": "web"}');
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
      throw new InputError(name, 'a JSON value must be an object of tag keys to values, such as {"env": "prod"}');
    }
    pairs.push(...Object.entries(parsed));
  } else {
    const keys = new Set<string>();
    for (const line of raw.split(/\r?\n/)) {
      const text = line.trim();
      if (text === '' || text.startsWith('#')) continue;
      const eq = text.indexOf('=');
      if (eq < 0) throw new InputError(name, `${show(text)} is not key=value; expected one tag per line, such as env=prod`);
      const key = text.slice(0, eq).trim();
      if (keys.has(key)) throw new InputError(name, `the key ${show(key)} is given twice; an instance has one value per key`);
      keys.add(key);
      pairs.push([key, text.slice(eq + 1).trim()]);
    }
  }
  const tags = pairs.map(([key, value]): TargetTag => {
    if (typeof value !== 'string') throw new InputError(name, `the value of ${show(key)} must be a string`);
    for (const [what, text] of [
      ['key', key],
      ['value', value],
    ] as const) {
      if (text === '' || text.length > MAX_TAG_LENGTH) {
        throw new InputError(name, `tag ${what} ${show(text)} must be 1 to ${MAX_TAG_LENGTH} characters (key=value, both non-empty)`);
      }
    }
    return { key, value };
  });
  if (tags.length === 0) throw new InputError(name, 'no tags given; expected key=value lines or a JSON object');
  if (tags.length > MAX_TAGS) throw new InputError(name, `${tags.length} tags given; at most ${MAX_TAGS}`);
  return tags.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}

/** A whole number of instances (`3`), or a percentage of the instances of an execution (`10%`). */
export function parseMaxErrors(raw: string): MaxErrors {
  if (raw === '') return DEFAULT_MAX_ERRORS;
  const m = /^(\d{1,6})(%?)$/.exec(raw);
  const n = m ? Number(m[1]) : NaN;
  if (m && m[2] === '%' && n <= 100) return { percent: n };
  if (m && m[2] === '' && n <= MAX_TARGET_INSTANCES) return { count: n };
  throw new InputError(
    Inputs.MaxErrors,
    `expected a whole number from 0 to ${MAX_TARGET_INSTANCES} or a percentage from 0% to 100%, got ${show(raw)}`,
  );
}

function parseApproval(get: InputReader, checkRunId: number | undefined): ApprovalSettings {
  const environment = get(Inputs.ApprovalEnvironment);
  if (environment === '') {
    throw new InputError(
      Inputs.ApprovalEnvironment,
      'is required with install: the GitHub environment whose required reviewers must approve the run, such as production',
    );
  }
  if (!ENVIRONMENT_NAME.test(environment)) {
    throw new InputError(
      Inputs.ApprovalEnvironment,
      `expected a GitHub environment name (at most 255 characters), got ${show(environment)}`,
    );
  }
  const githubToken = get(Inputs.GithubToken);
  if (githubToken === '') {
    throw new InputError(Inputs.GithubToken, 'is required with install; leave it at its default, ${{ github.token }}');
  }
  return checkRunId === undefined ? { environment, githubToken } : { environment, githubToken, checkRunId };
}

/** Empty when the runner has no job.check_run_id (the gate then needs the OIDC token). */
function parseCheckRunId(get: InputReader): number | undefined {
  const value = get(Inputs.CheckRunId);
  if (value === '') return undefined;
  const n = /^\d+$/.test(value) ? Number(value) : NaN;
  if (!Number.isSafeInteger(n) || n < 1) {
    throw new InputError(
      Inputs.CheckRunId,
      `expected a check run ID (a positive whole number, as \${{ job.check_run_id }} gives), got ${show(value)}`,
    );
  }
  return n;
}

function parseAction(value: string): PatchAction {
  if (value === 'scan' || value === 'install') return value;
  throw new InputError(Inputs.Action, `expected scan, install, report or summarize, got ${show(value)}`);
}

function parseOnUnavailable(value: string): OnUnavailable {
  if (value === '' || value === 'fail') return 'fail';
  if (value === 'skip') return 'skip';
  throw new InputError(Inputs.OnUnavailable, `expected fail or skip, got ${show(value)}`);
}

function parseConsoleSite(value: string): ConsoleSite {
  if (value === '') return 'china';
  const site = CONSOLE_SITES.find((s) => s === value);
  if (site) return site;
  throw new InputError(Inputs.ConsoleSite, `expected ${CONSOLE_SITES.join(' or ')}, got ${show(value)}`);
}

function parseOnRerun(value: string): OnRerun {
  if (value === '' || value === 'retry-failed') return 'retry-failed';
  if (value === 'reuse') return 'reuse';
  throw new InputError(Inputs.OnRerun, `expected retry-failed or reuse, got ${show(value)}`);
}

export function required(get: InputReader, name: string): string {
  const value = get(name);
  if (value === '') throw new InputError(name, 'is required');
  return value;
}

export function parseBoolean(get: InputReader, name: string, fallback: boolean): boolean {
  const value = get(name);
  if (value === '') return fallback;
  // The YAML 1.2 core schema's spellings, as core.getBooleanInput accepts them; nothing looser (no yes/1/on).
  if (value === 'true' || value === 'True' || value === 'TRUE') return true;
  if (value === 'false' || value === 'False' || value === 'FALSE') return false;
  throw new InputError(name, `expected true or false, got ${show(value)}`);
}

export function parseInteger(get: InputReader, name: string, fallback: number, min: number, max: number): number {
  const value = get(name);
  if (value === '') return fallback;
  const n = /^\d+$/.test(value) ? Number(value) : NaN;
  if (!Number.isSafeInteger(n) || n < min || n > max) {
    throw new InputError(name, `expected a whole number from ${min} to ${max}, got ${show(value)}`);
  }
  return n;
}

function parseOptionalEndpoint(get: InputReader, name: string): Endpoint | undefined {
  const value = get(name);
  if (value === '') return undefined;
  const endpoint = parseEndpoint(value);
  if (!endpoint) {
    throw new InputError(
      name,
      `expected a host such as oos-vpc.cn-hangzhou.aliyuncs.com or a URL such as http://127.0.0.1:8080, got ${show(value)}`,
    );
  }
  return endpoint;
}

/**
 * Quotes a user value for an error message: capped in length, with control, invisible and non-ASCII characters
 * escaped (\u0456), so that a look-alike (Cyrillic і for Latin i) or a zero-width space shows where it is.
 */
export function show(value: string): string {
  const short = value.length > 80 ? `${value.slice(0, 80)}...` : value;
  return JSON.stringify(short).replace(/[^\x20-\x7e]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** comment-on-pr and the endpoint overrides: what every action that reads the cloud shares. Absent ones are left out. */
export function parseCommentAndEndpoints(get: InputReader): Pick<Settings, 'prComment' | 'oosEndpoint' | 'ecsEndpoint'> {
  const prComment = parsePrComment(get);
  const oos = parseOptionalEndpoint(get, Inputs.OosEndpoint);
  const ecs = parseOptionalEndpoint(get, Inputs.EcsEndpoint);
  return { ...(prComment ? { prComment } : {}), ...(oos ? { oosEndpoint: oos } : {}), ...(ecs ? { ecsEndpoint: ecs } : {}) };
}
