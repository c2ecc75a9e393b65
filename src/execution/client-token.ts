import { createHash } from 'node:crypto';
import { DEFAULT_MAX_CONCURRENCY, type Settings } from '../inputs/parse.js';
import { canonicalIds, canonicalTags, maxErrorsValue } from '../alibaba/oos/template.js';

/** One execution of a run: where it sits among the run's batches and which instances its targets list. */
export interface TokenBatch {
  /** 1-based. */
  index: number;
  count: number;
  /** The instance IDs the execution's targets list; empty when it targets by tags. */
  instanceIds: readonly string[];
}

/**
 * What the token covers: the settings that shape an execution's parameters. Without a batch, `instanceIds` are
 * the instances actually sent (after pre-flight).
 */
export type TokenSettings = Pick<Settings, 'action' | 'region' | 'instanceIds' | 'install' | 'tags' | 'rateControl'>;

/**
 * The idempotency token for StartExecution, documented in the README so an operator can recompute it:
 * `patch-` + the first 32 hex characters of SHA-256 over
 * `<runId>|<action>|<region>|<sorted IDs joined by ",">|<rebootIfNeed>|<whetherCreateSnapshot>|<retentionDays>`,
 * the last three empty for a scan, followed by optional fields that appear only when they apply:
 * `|tags=<JSON [[key,value],...] sorted by key>`, `|max-concurrency=<n>` and `|max-errors=<n or p%>` when not the
 * default (10 and 0), and `|batch=<i>` (1-based) when the run has more than one batch. The IDs are those the
 * execution's targets list: empty when it targets by tags. The run attempt is left out on purpose: a re-run
 * converges on the same execution (attemptClientToken is the token of a retry after a failed one). The IDs are the ones sent to StartExecution: with `on-unavailable: skip` that
 * is the instances that passed pre-flight, so a re-run that finds a different set of ready instances starts a new
 * execution for that set (instead of OOS rejecting the same token with other parameters).
 */
export function clientToken(runId: string, settings: TokenSettings, batch?: TokenBatch): string {
  return tokenOf(tokenSource(runId, settings, batch));
}

/**
 * The token of a new execution that attempt `attempt` (> 1) of the run starts because the request's newest execution
 * ended Failed or Cancelled (`on-rerun: retry-failed`): the base token's source followed by `|attempt=<n>`, hashed the
 * same way. Retries of StartExecution inside that attempt send it again, so they converge on one execution.
 */
export function attemptClientToken(source: string, attempt: number): string {
  return tokenOf(`${source}|attempt=${attempt}`);
}

function tokenOf(source: string): string {
  return `patch-${sha256Hex(source).slice(0, 32)}`;
}

/** The exact string that is hashed into the token. Without `batch`, the run's single execution. */
export function tokenSource(runId: string, settings: TokenSettings, batch?: TokenBatch): string {
  const listed = batch ? batch.instanceIds : settings.tags ? [] : settings.instanceIds;
  const ids = canonicalIds(listed).join(',');
  const install = settings.install;
  const knobs = install ? [String(install.rebootIfNeed), String(install.createSnapshot), String(install.retentionDays)] : ['', '', ''];
  const fields = [runId, settings.action, settings.region, ids, ...knobs];
  if (settings.tags) fields.push(`tags=${JSON.stringify(sortedTags(settings.tags))}`);
  const rate = settings.rateControl;
  if (rate.maxConcurrency !== DEFAULT_MAX_CONCURRENCY) fields.push(`max-concurrency=${rate.maxConcurrency}`);
  if (!('count' in rate.maxErrors && rate.maxErrors.count === 0)) fields.push(`max-errors=${maxErrorsValue(rate.maxErrors)}`);
  if (batch && batch.count > 1) fields.push(`batch=${batch.index}`);
  return fields.join('|');
}

function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

function sortedTags(tags: NonNullable<Settings['tags']>): Array<[string, string]> {
  return canonicalTags(tags).map((t): [string, string] => [t.key, t.value]);
}
