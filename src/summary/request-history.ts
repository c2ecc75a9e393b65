/** The summary's word on a request's history: how executions were found by their tags, and what earlier attempts started. */
import type { Part, Section } from './budget.js';
import { escapeCell as esc, table } from './markdown.js';
import type { PatchReport, RequestLookup } from '../report/model.js';
import { moreNote, row } from './parts.js';

const REASON: Readonly<Record<RequestLookup['reason'], string>> = {
  rerun: 'Re-run',
  'lost-start': 'Every StartExecution answer was lost',
  report: 'action: report by request',
};

/** One line per lookup by tag: why, which tags, whether OOS filtered by them, what was done. Undefined when none. */
export function renderLookups(r: PatchReport): string | undefined {
  if (!r.lookups || r.lookups.length === 0) return undefined;
  const lines = r.lookups.map((l) => {
    const batch = l.batch === undefined ? '' : `Batch ${l.batch}: `;
    const how =
      l.tagFilter === 'honoured' ? 'OOS filtered by the tags' : "OOS listed the template's executions and the action matched the tags";
    return `> ${batch}**${REASON[l.reason]}**: looked for the executions tagged \`${esc(l.tags)}\` (${how}). ${esc(l.outcome)}`;
  });
  return `> [!NOTE]\n${lines.join('\n>\n')}`;
}

/** The executions earlier attempts of the run started for the same request, newest first. Undefined when none. */
export function renderEarlierExecutions(r: PatchReport): Section | undefined {
  const earlier = r.earlierExecutions ?? [];
  if (earlier.length === 0) return undefined;
  const batches = earlier.some((e) => e.batch !== undefined);
  const columns = [...(batches ? ['Batch'] : []), 'Execution', 'Status', 'Started', 'Run attempt'];
  return {
    head: `### Earlier executions of this request\n\nStarted by earlier attempts of this workflow run with the same base ClientToken; the execution above is the one reported.\n\n${table(columns, [])}`,
    items: earlier.map((e) =>
      row([
        ...(batches ? [e.batch === undefined ? '' : String(e.batch)] : []),
        `[${esc(e.executionId)}](${e.consoleUrl})`,
        esc(e.status),
        esc(e.startDate ?? ''),
        e.runAttempt === undefined ? '' : String(e.runAttempt),
      ]),
    ),
    more: (omitted, total) => moreNote(omitted, total, 'earlier executions'),
  };
}

/** Both, in order, for renderSummary. */
export function requestHistory(r: PatchReport): Part[] {
  return [renderLookups(r), renderEarlierExecutions(r)].filter((p): p is Part => p !== undefined);
}
