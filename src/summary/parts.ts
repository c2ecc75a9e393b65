/** Pieces shared by the job summary of a run and of a plan (dry run, pre-flight stop). Every cloud string is escaped here. */
import type { Section } from './budget.js';
import { codeSpan, escapeCell as esc, table } from './markdown.js';
import { maxErrorsValue } from '../alibaba/oos/template.js';
import type { RateControl, TargetTag } from '../alibaba/oos/types.js';
import type { InstanceCheck, Verdict } from '../preflight/checks.js';
import type { PlanReport } from '../preflight/plan.js';

/** Text and an emoji, never colour alone: readable in light and dark themes and by screen readers. */
export const VERDICT_LABELS: Readonly<Record<Verdict, string>> = {
  ok: '✅ ready',
  'not-found': '❓ not found',
  'not-running': '⏹️ not running',
  'no-agent': '🚫 no Cloud Assistant agent',
  'stale-heartbeat': '💤 agent heartbeat stale',
};

const VERDICT_ORDER: readonly Verdict[] = ['not-found', 'not-running', 'no-agent', 'stale-heartbeat', 'ok'];

/** What the plan table shows: the plan's own facts, from a PlanReport or a PatchReport, and counts. */
export interface PlanFacts extends Pick<PlanReport, 'action' | 'region' | 'install' | 'clientToken'> {
  instances: number;
  skipped: number;
  /** The tags that named the instances, when tags did. */
  tags?: readonly TargetTag[];
  rateControl?: RateControl;
  /** Executions (batches of at most 1000); the tokens are then listed with them, or in `clientTokens`. */
  batches?: number;
  /** Every batch's token, for a plan (a run's summary lists them with its executions). */
  clientTokens?: readonly string[];
  /** Executions attached by action: report (default: when the ClientToken is empty, as OOS does not say it). */
  attached?: boolean;
}

export function planTable(p: PlanFacts): string {
  const rows: string[][] = [
    ['Action', p.action],
    ['Region', esc(p.region)],
    ['Instances', p.skipped > 0 ? `${p.instances} (${p.skipped} skipped by pre-flight)` : String(p.instances)],
  ];
  if (p.install) {
    rows.push(
      ['Reboot if needed', yesNo(p.install.rebootIfNeed)],
      ['Snapshot before install', p.install.createSnapshot ? `yes, kept ${p.install.retentionDays} days` : 'no'],
    );
  }
  if (p.tags) rows.push(['Tags', p.tags.map((t) => code(`${t.key}=${t.value}`)).join(' ')]);
  const rate = p.rateControl;
  if (rate) rows.push(['At most at a time', String(rate.maxConcurrency)], ['Max errors', esc(String(maxErrorsValue(rate.maxErrors)))]);
  // An empty ClientToken: executions attached by action: report (OOS does not say which token started them).
  const attached = p.attached ?? p.clientToken === '';
  if ((p.batches ?? 1) > 1) {
    rows.push([
      'Executions',
      attached ? `${p.batches}, attached by action: report` : `${p.batches} batches of at most 1000 instances, one after another`,
    ]);
    if (p.clientTokens) rows.push(['ClientTokens', p.clientTokens.map((t) => code(t)).join(' ')]);
  } else if (p.clientToken !== '') {
    rows.push(['ClientToken', code(p.clientToken)]);
  }
  return `### Plan\n\n${table(['', ''], rows)}`;
}

/** The pre-flight table, problems first; a section so a huge fleet is cut with a note. */
export function preflightSection(checks: readonly InstanceCheck[], heading: string, heartbeatMaxAgeMinutes: number): Section {
  const sorted = [...checks].sort((a, b) => VERDICT_ORDER.indexOf(a.verdict) - VERDICT_ORDER.indexOf(b.verdict));
  const header = table(['Instance', 'Name', 'OS', 'Status', 'Cloud Assistant', 'Check', 'Detail'], []);
  return {
    head: `${heading}\n\nEach instance must exist in the region, be Running, and have a Cloud Assistant agent online with a heartbeat in the last ${heartbeatMaxAgeMinutes} minutes.\n\n${header}`,
    items: sorted.map((c) => {
      const agent = c.agentVersion ? `${esc(c.agentVersion)}${c.lastHeartbeatTime ? `, seen ${esc(c.lastHeartbeatTime)}` : ''}` : '';
      const cells = [code(c.instanceId), esc(c.name ?? ''), esc(c.osName ?? c.osType ?? ''), esc(c.status ?? ''), agent];
      return row([...cells, VERDICT_LABELS[c.verdict], esc(c.reason)]);
    }),
    more: (omitted, total) => moreNote(omitted, total, 'instances'),
  };
}

export function moreNote(omitted: number, total: number, what: string): string {
  return `> ✂️ **${omitted} of ${total} ${what} not shown** to keep this under GitHub's size limit. The JSON file in the step output \`report-file\` has all of them.`;
}

export function row(cells: readonly string[]): string {
  return `| ${cells.join(' | ')} |`;
}

/** A code span (summary/markdown.ts `codeSpan`): its text is shown as is, never read as Markdown or a mention. */
export function code(text: string): string {
  return codeSpan(text);
}

export function yesNo(v: boolean): string {
  return v ? 'yes' : 'no';
}

export function plural(n: number, one = '', many = 's'): string {
  return n === 1 ? one : many;
}
