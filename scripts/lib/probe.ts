/**
 * The live probe's checks (`npm run probe`, docs/cloud-facts.md): each unconfirmed fact about OOS, read from an
 * account without changing anything. Takes an RpcCall (the action's own signed caller) so tests point it at the
 * emulator; `readOnly` refuses any action outside the read-only list before a request leaves.
 */
import { CloudError } from '../../src/alibaba/cloud-error.js';
import type { Body, RpcCall } from '../../src/alibaba/rpc.js';
import { escapeCell } from '../../src/summary/markdown.js';

export const READ_ONLY_ACTIONS: readonly string[] = [
  'ListExecutions',
  'ListTaskExecutions',
  'ListExecutionLogs',
  'ListInstancePatchStates',
  'ListInstancePatches',
];
export const PROBE_TEMPLATE = 'ACS-ECS-BulkyApplyPatchBaseline';
/** A request line just over 8 KiB, and one the size of a 1000-instance StartExecution sent in the URL. */
export const PADDING_BYTES = [9 * 1024, 32 * 1024] as const;

/** One fact: what the code assumes (the emulator's default reading) and what the account showed, with request IDs. */
export interface ProbeRow {
  /** The emulator switch the fact stands for (variants.ts), or another short name (`counters`). */
  key: string;
  fact: string;
  assumed: string;
  observed: string;
  evidence: string;
}

/** The caller, refusing every action that is not read-only (the probe must never start or cancel anything). */
export function readOnly(call: RpcCall): RpcCall {
  return (action, query, form) => {
    if (!READ_ONLY_ACTIONS.includes(action)) {
      return Promise.reject(new Error(`the probe is read-only: ${action} is not one of ${READ_ONLY_ACTIONS.join(', ')}`));
    }
    return call(action, query, form);
  };
}

type Outcome = { ok: true; body: Body; requestId: string } | { ok: false; error: CloudError | Error; requestId: string };

async function attempt(call: RpcCall, action: string, query: Record<string, unknown>, form?: Record<string, unknown>): Promise<Outcome> {
  try {
    const body = await call(action, query, form);
    return { ok: true, body, requestId: text(body.RequestId) || '?' };
  } catch (err) {
    const error = err instanceof Error ? err : new Error(String(err));
    return { ok: false, error, requestId: (err instanceof CloudError && err.requestId) || '?' };
  }
}

function said(o: Outcome, what = ''): string {
  if (o.ok) return `${what}ok (${o.requestId})`;
  const code = o.error instanceof CloudError ? o.error.code : o.error.message;
  return `${what}refused ${code} (${o.requestId})`;
}

function list(o: Outcome, field: string): Body[] {
  const items = o.ok ? o.body[field] : undefined;
  return Array.isArray(items) ? (items as unknown[]).filter((i): i is Body => typeof i === 'object' && i !== null) : [];
}

function text(v: unknown): string {
  return typeof v === 'string' ? v : typeof v === 'number' ? String(v) : '';
}

function parametersOf(e: Body): Body {
  const p = e.Parameters;
  if (typeof p === 'object' && p !== null) return p as Body;
  try {
    const parsed: unknown = typeof p === 'string' ? JSON.parse(p) : undefined;
    return typeof parsed === 'object' && parsed !== null ? (parsed as Body) : {};
  } catch {
    return {};
  }
}

/** Runs every check; `executionId` picks the execution, else the newest of the template. */
export async function runProbe(rawCall: RpcCall, options: { executionId?: string } = {}): Promise<ProbeRow[]> {
  const call = readOnly(rawCall);
  const rows: ProbeRow[] = [];
  const found = await attempt(
    call,
    'ListExecutions',
    options.executionId ? { ExecutionId: options.executionId } : { TemplateName: PROBE_TEMPLATE, MaxResults: 10 },
  );
  const execution = list(found, 'Executions').find((e) => ['Success', 'Failed', 'Cancelled'].includes(text(e.Status)));
  const executionId = execution ? text(execution.ExecutionId) : undefined;
  const targets = execution ? (parametersOf(execution).targets as { ResourceIds?: unknown } | undefined) : undefined;
  const instanceIds = Array.isArray(targets?.ResourceIds) ? targets.ResourceIds.filter((i): i is string => typeof i === 'string') : [];
  const none = `no finished execution of ${PROBE_TEMPLATE} to read: ${said(found, 'ListExecutions ')}`;

  // Child executions, and Counters against tasks and instances.
  if (executionId) {
    const tasks = await attempt(call, 'ListTaskExecutions', { ExecutionId: executionId, IncludeChildTaskExecution: true, MaxResults: 100 });
    const top = await attempt(call, 'ListTaskExecutions', { ExecutionId: executionId, MaxResults: 100 });
    const children = await attempt(call, 'ListExecutions', { ParentExecutionId: executionId, MaxResults: 100 });
    const byTask = list(tasks, 'TaskExecutions').filter((t) => text(t.ChildExecutionId) !== '');
    const loopItems = list(tasks, 'TaskExecutions').filter((t) => text(t.LoopItem) !== '').length;
    const byParent = list(children, 'Executions');
    const keys = [...new Set(byParent.flatMap((c) => Object.keys(parametersOf(c))))].sort();
    rows.push({
      key: 'children',
      fact: 'Which call names the child executions',
      assumed: 'task-executions',
      observed: byTask.length > 0 ? 'task-executions' : byParent.length > 0 ? 'list-executions' : 'none',
      evidence:
        `ListTaskExecutions: ${byTask.length} of ${loopItems} loop items with ChildExecutionId ${said(tasks)}; ` +
        `ListExecutions ParentExecutionId: ${byParent.length} children ${said(children)}` +
        (keys.length > 0 ? `, their Parameters: ${keys.join(', ')}` : ''),
    });
    const counters = execution?.Counters as Body | undefined;
    const total = Number(counters?.Total);
    const taskCount = list(top, 'TaskExecutions').length;
    const instances = instanceIds.length || loopItems || byParent.length;
    const observed =
      !Number.isFinite(total) || taskCount === instances
        ? 'ambiguous'
        : total === taskCount
          ? 'tasks'
          : total === instances
            ? 'instances'
            : 'neither';
    rows.push({
      key: 'counters',
      fact: 'Execution.Counters counts tasks, not instances',
      assumed: 'tasks',
      observed,
      evidence: `Counters ${JSON.stringify(counters ?? null)}; ${taskCount} tasks ${said(top)}; ${instances} instances targeted`,
    });
  } else {
    rows.push({
      key: 'children',
      fact: 'Which call names the child executions',
      assumed: 'task-executions',
      observed: 'unknown',
      evidence: none,
    });
    rows.push({
      key: 'counters',
      fact: 'Execution.Counters counts tasks, not instances',
      assumed: 'tasks',
      observed: 'unknown',
      evidence: none,
    });
  }

  // PatchStatuses: the same filter as a JSON array and as a plain string, against no filter.
  const instance = instanceIds[0];
  if (instance) {
    const all = await attempt(call, 'ListInstancePatches', { InstanceId: instance, MaxResults: 50 });
    const installed = list(all, 'Patches').filter((p) => text(p.Status) === 'Installed').length;
    const json = await attempt(call, 'ListInstancePatches', { InstanceId: instance, PatchStatuses: '["Installed"]', MaxResults: 50 });
    const plain = await attempt(call, 'ListInstancePatches', { InstanceId: instance, PatchStatuses: 'Installed', MaxResults: 50 });
    // A form works when it is accepted and does not answer empty where unfiltered there are such patches.
    const works = (o: Outcome): boolean => o.ok && (list(o, 'Patches').length > 0 || installed === 0);
    const [j, p] = [works(json), works(plain)];
    rows.push({
      key: 'patchStatuses',
      fact: 'ListInstancePatches PatchStatuses form',
      assumed: 'json-array',
      observed: j && p ? 'both' : j ? 'json-array' : p ? 'plain' : 'neither',
      evidence:
        `unfiltered: ${installed} Installed on the first page ${said(all)}; ` +
        `["Installed"]: ${list(json, 'Patches').length} ${said(json)}; Installed: ${list(plain, 'Patches').length} ${said(plain)}`,
    });
  } else {
    rows.push({
      key: 'patchStatuses',
      fact: 'ListInstancePatches PatchStatuses form',
      assumed: 'json-array',
      observed: 'unknown',
      evidence: none,
    });
  }

  // MaxResults 100 on the three operations whose range is undocumented.
  const asks: Array<[string, Record<string, unknown>, Record<string, unknown>?]> = [];
  if (instance) {
    asks.push(['ListInstancePatchStates', {}, { InstanceIds: JSON.stringify([instance]) }]);
    asks.push(['ListInstancePatches', { InstanceId: instance }]);
  }
  if (executionId) asks.push(['ListExecutionLogs', { ExecutionId: executionId }]);
  const sizes: string[] = [];
  let refused = 0;
  for (const [action, query, form] of asks) {
    const o = await attempt(call, action, { ...query, MaxResults: 100 }, form);
    if (!o.ok) refused += 1;
    sizes.push(said(o, `${action} MaxResults=100: `));
  }
  rows.push({
    key: 'maxResults',
    fact: 'MaxResults 100 on ListInstancePatchStates, ListInstancePatches, ListExecutionLogs',
    assumed: '100',
    observed: asks.length === 0 ? 'unknown' : refused > 0 ? '50' : '100',
    evidence: sizes.join('; ') || none,
  });

  // A long signed request: padding in the URL, then the same in the signed form body.
  const evidence: string[] = [];
  const urlRefusedAt: number[] = [];
  for (const bytes of PADDING_BYTES) {
    const inUrl = await attempt(call, 'ListExecutions', { MaxResults: 10, ProbePadding: 'x'.repeat(bytes) });
    if (!inUrl.ok) urlRefusedAt.push(bytes);
    evidence.push(said(inUrl, `${bytes / 1024} KiB in the URL: `));
  }
  const inBody = await attempt(call, 'ListExecutions', { MaxResults: 10 }, { ProbePadding: 'x'.repeat(PADDING_BYTES[1]) });
  evidence.push(said(inBody, `${PADDING_BYTES[1] / 1024} KiB in the signed body: `));
  rows.push({
    key: 'urlLimit',
    fact: 'Request-line limit (fleet-sized parameters go in the signed body)',
    assumed: 'none',
    observed: urlRefusedAt.includes(PADDING_BYTES[0])
      ? '8k'
      : urlRefusedAt.length === 0
        ? 'none'
        : `between ${PADDING_BYTES[0] / 1024} and ${PADDING_BYTES[1] / 1024} KiB`,
    evidence: evidence.join('; '),
  });

  rows.push({
    key: 'tokenReuse',
    fact: 'A reused ClientToken with other parameters',
    assumed: 'mismatch-error',
    observed: 'not probed',
    evidence: 'needs a StartExecution; the probe is read-only (the action compares the returned Parameters under either reading)',
  });

  // ListExecutions Tags: a tag no execution carries.
  const tagged = await attempt(call, 'ListExecutions', { Tags: JSON.stringify({ 'patch-action-probe': 'no-such-value' }), MaxResults: 10 });
  const anyExecution = list(found, 'Executions').length > 0;
  rows.push({
    key: 'executionTagsFilter',
    fact: 'ListExecutions Tags filters executions',
    assumed: 'honoured',
    observed: !tagged.ok ? 'refused' : list(tagged, 'Executions').length > 0 ? 'ignored' : anyExecution ? 'honoured' : 'unknown',
    evidence: `${list(tagged, 'Executions').length} executions listed for a tag none carries ${said(tagged)}`,
  });
  return rows;
}

/** Long account IDs (16 digits, in ARNs and elsewhere) are redacted as well as the secrets `scrub` knows. */
export function redact(text: string, scrub: (s: string) => string): string {
  return scrub(text).replace(/(?<![\w-])\d{12,20}(?![\w-])/g, '<account-id>');
}

/** The probe's table in Markdown (the job summary and the console print the same text). */
export function renderProbeTable(rows: readonly ProbeRow[], scrub: (s: string) => string = (s) => s): string {
  const cell = (s: string): string => escapeCell(redact(s, scrub));
  const lines = [
    '| Fact | Reading assumed | Reading observed | Evidence (request IDs) |',
    '| --- | --- | --- | --- |',
    ...rows.map((r) => {
      // ⚠️ where the account plays another reading than the one assumed (the fallback is then what runs).
      const flag = r.observed === r.assumed || r.observed === 'not probed' || r.observed === 'unknown' ? '' : ' ⚠️';
      return `| ${cell(r.fact)} (\`${r.key}\`) | ${cell(r.assumed)} | ${cell(r.observed)}${flag} | ${cell(r.evidence)} |`;
    }),
  ];
  return `${lines.join('\n')}\n`;
}
