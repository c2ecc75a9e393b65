import { renderApproval } from '../approval/render.js';
import { fitToBudget, type Measure, type Part, type Section, SUMMARY_BUDGET_BYTES, utf8Bytes } from './budget.js';
import { renderDetails, renderSnapshots } from './details.js';
import { escapeCell as esc, formatDuration, table } from './markdown.js';
import { isTerminal } from '../alibaba/oos/types.js';
import type { PlanReport } from '../preflight/plan.js';
import type { InstanceReport, PatchReport } from '../report/model.js';
import { code, moreNote, planTable, plural, preflightSection, row } from './parts.js';
import { requestHistory } from './request-history.js';

const COLUMNS = [
  'Instance',
  'Name',
  'OS',
  'Result',
  'Missing',
  'Failed',
  'Pending reboot',
  'Installed',
  'Installed other',
  'Rejected',
  'Child execution',
  'Operation',
];

/**
 * The job summary as Markdown, rendered from the report alone: the answer first, then every instance worst
 * first, then the details in collapsible sections. Cut to `budget` (GitHub's 1 MiB step summary limit by
 * default) with a visible note; the report file always has everything.
 */
export function renderSummary(report: PatchReport, budget = SUMMARY_BUDGET_BYTES, measure: Measure = utf8Bytes): string {
  const problem = report.problem ? [problemNote(report.problem)] : [];
  const parts: Part[] = [headline(report), ...problem, execution(report), ...requestHistory(report), instances(report), totals(report)];
  if (report.skipped.length > 0) {
    const heartbeat = report.preflight?.heartbeatMaxAgeMinutes ?? 0;
    parts.push(preflightSection(report.skipped, '### Skipped by pre-flight', heartbeat));
  }
  const details = renderDetails(report, worstFirst(report.instances));
  if (details) parts.push(details);
  const snapshots = renderSnapshots(report);
  if (snapshots) parts.push(snapshots);
  parts.push(plan(report));
  if (report.approval) parts.push(renderApproval(report.approval));
  return fitToBudget(parts, budget, measure) + '\n';
}

/** What is wrong with an instance, worst first (lower is worse). */
export type Outcome =
  'execution-failed' | 'patches-failed' | 'patches-missing' | 'reboot-pending' | 'rejected-installed' | 'not-reported' | 'compliant';

const OUTCOME_LABELS: Readonly<Record<Outcome, string>> = {
  'execution-failed': '❌ execution failed',
  'patches-failed': '❌ patches failed',
  'patches-missing': '⚠️ patches missing',
  'reboot-pending': '🔁 reboot pending',
  'rejected-installed': '⛔ rejected patch installed',
  'not-reported': '❔ no patch state',
  compliant: '✅ compliant',
};
const OUTCOME_ORDER = Object.keys(OUTCOME_LABELS) as Outcome[];

export function outcomeOf(i: InstanceReport): Outcome {
  if (i.child?.status === 'Failed') return 'execution-failed';
  if (!i.state || i.stale) return 'not-reported';
  const c = i.state.counts;
  if (c.failed > 0) return 'patches-failed';
  if (c.missing > 0) return 'patches-missing';
  if (c.installedPendingReboot > 0) return 'reboot-pending';
  if (c.installedRejected > 0) return 'rejected-installed';
  return 'compliant';
}

/** Worst first: by outcome, then by failed and missing patches, then in the order given. */
export function worstFirst<T extends InstanceReport>(instances: readonly T[]): T[] {
  const weight = (i: InstanceReport): number => (i.state ? i.state.counts.failed * 1e6 + i.state.counts.missing : 0);
  return instances
    .map((i, n) => ({ i, n, rank: OUTCOME_ORDER.indexOf(outcomeOf(i)) }))
    .sort((a, b) => a.rank - b.rank || weight(b.i) - weight(a.i) || a.n - b.n)
    .map(({ i }) => i);
}

export function outcomeLabel(i: InstanceReport): string {
  const outcome = outcomeOf(i);
  if (outcome !== 'not-reported') return OUTCOME_LABELS[outcome];
  return i.notStarted ? '⏸️ batch not started' : i.stale ? '❔ not updated by this execution' : OUTCOME_LABELS[outcome];
}

function headline(r: PatchReport): string {
  const ok = r.status === 'Success';
  const attention = new Set([...r.failedInstances, ...r.nonCompliant, ...r.unreported]);
  const icon = !ok ? '❌' : attention.size > 0 || r.skipped.length > 0 ? '⚠️' : '✅';
  const verb = r.action === 'install' ? 'Patch install' : 'Patch scan';
  const lines = [`## ${icon} ${verb} in ${esc(r.region)}: ${esc(r.status)}`];
  const n = r.instances.length;
  const failed = r.batches.find((b) => b.execution && b.execution.status !== 'Success')?.execution;
  if (failed) {
    const which = r.batches.length > 1 ? `Execution ${esc(failed.executionId)}` : 'The execution';
    const verb = isTerminal(failed.status) ? 'ended' : 'had not ended: last seen';
    lines.push(`**${which} ${verb} ${esc(failed.status)}**${failed.statusMessage ? `: ${esc(failed.statusMessage)}` : '.'}`);
  }
  if (r.stoppedEarly !== undefined) {
    const notStarted = r.batches.filter((b) => !b.execution);
    lines.push(`**${notStarted.length} of ${r.batches.length} batches not started**: ${esc(r.stoppedEarly)}`);
  }
  if (attention.size === 0) {
    lines.push(`**All ${n} instance${plural(n)} compliant**: no missing, failed, pending-reboot or rejected installed patches.`);
  } else {
    const counts = new Map<Outcome, number>();
    for (const i of r.instances) counts.set(outcomeOf(i), (counts.get(outcomeOf(i)) ?? 0) + 1);
    const bullets = OUTCOME_ORDER.filter((o) => o !== 'compliant' && (counts.get(o) ?? 0) > 0).map(
      (o) => `- ${OUTCOME_LABELS[o]}: ${counts.get(o)}`,
    );
    const need = `need${plural(attention.size, 's', '')}`;
    lines.push(`**${attention.size} of ${n} instance${plural(n)} ${need} attention**:\n\n${bullets.join('\n')}`);
  }
  if (r.skipped.length > 0) {
    const k = r.skipped.length;
    lines.push(`**${k} instance${plural(k)} skipped by pre-flight** (on-unavailable: skip) and not patched: see below.`);
  }
  return lines.join('\n\n');
}

function execution(r: PatchReport): string {
  return `${r.batches.length > 1 ? batches(r) : oneExecution(r)}${childlessNote(r)}`;
}

/** Said once: the instances no child execution named had their failures counted from the patch states. */
function childlessNote(r: PatchReport): string {
  const n = r.failuresFromPatchStates;
  if (n === undefined || n === 0) return '';
  return (
    `\n\n> No child execution was read for ${n} of ${r.instances.length} instance${plural(r.instances.length)}: ` +
    `their failures are counted from the patch states (failed patches), not from a child execution.`
  );
}

function oneExecution(r: PatchReport): string {
  const e = r.execution;
  const parts = [`Execution [${esc(e.executionId)}](${e.consoleUrl}): **${esc(e.status)}**`];
  if (e.durationSeconds !== undefined) parts.push(`in ${formatDuration(e.durationSeconds)}`);
  if (e.startDate) parts.push(`(started ${esc(e.startDate)})`);
  const message = e.statusMessage ? `\n\n> ${esc(e.statusMessage)}` : '';
  return `${parts.join(' ')}${message}`;
}

const BATCH_COLUMNS = ['Batch', 'Execution', 'Status', 'Instances', 'Failed instances', 'Duration', 'ClientToken'];

function batches(r: PatchReport): string {
  const rows = r.batches.map((b) => {
    const e = b.execution;
    const status = !e ? 'not started' : b.timedOut ? `${esc(e.status)} (wait timed out)` : `**${esc(e.status)}**`;
    return [
      String(b.index),
      e ? `[${esc(e.executionId)}](${e.consoleUrl})` : '',
      status,
      String(b.instanceCount),
      b.errors === undefined ? '' : String(b.errors),
      e?.durationSeconds === undefined ? '' : formatDuration(e.durationSeconds),
      b.clientToken === '' ? '' : code(b.clientToken),
    ];
  });
  const how = isAttached(r) ? 'executions attached by action: report' : 'batches of at most 1000 instances, one after another';
  return `### Executions\n\n${r.batches.length} ${how}.\n\n${table(BATCH_COLUMNS, rows)}`;
}

function instances(r: PatchReport): Section {
  return {
    head: `### Instances, worst first\n\n${table(COLUMNS, [])}`,
    items: worstFirst(r.instances).map((i) => row(instanceCells(i))),
    more: (omitted, total) => moreNote(omitted, total, 'instances'),
  };
}

function instanceCells(i: InstanceReport): string[] {
  const os = esc(i.osName || i.osType || '');
  const child = i.child ? `${i.child.status === 'Failed' ? '❌' : i.child.status === 'Success' ? '✅' : '⏳'} ${esc(i.child.status)}` : '';
  const head = [code(i.instanceId), esc(i.name ?? ''), os, outcomeLabel(i)];
  if (!i.state) return [...head, '', '', '', '', '', '', child, ''];
  const c = i.state.counts;
  const counts = [c.missing, c.failed, c.installedPendingReboot, c.installed, c.installedOther, c.installedRejected].map(String);
  return [...head, ...counts, child, operation(i.state.operationType, i.state.operationStartTime, i.state.operationEndTime)];
}

/** "Install 2026-11-22T10:00:05Z → 10:01:00Z": the end's date is left out when it is the start's. */
function operation(type: string | undefined, start: string | undefined, end: string | undefined): string {
  const sameDay = start && end && start.slice(0, 10) === end.slice(0, 10);
  const endText = end ? (sameDay ? end.slice(11) : end) : '';
  const span = start || end ? `${start ?? '?'} → ${endText || '?'}` : '';
  return esc([type ?? '', span].filter(Boolean).join(' '));
}

function totals(r: PatchReport): string {
  const t = r.totals;
  const header = ['', 'Missing', 'Failed', 'Pending reboot', 'Installed', 'Installed other', 'Rejected'];
  const cells = [
    `**${r.instances.length} instance${plural(r.instances.length)}**`,
    ...[t.missing, t.failed, t.installedPendingReboot, t.installed, t.installedOther, t.installedRejected].map(String),
  ];
  return `### Totals\n\n${table(header, [cells])}`;
}

function plan(r: PatchReport): string {
  return planTable({
    ...r,
    instances: r.instances.length + r.skipped.length,
    skipped: r.skipped.length,
    batches: r.batches.length,
    attached: isAttached(r),
  });
}

/** A report of action: report: no ClientToken (attached by ID), or found by the tags of a request or a run. */
function isAttached(r: PatchReport): boolean {
  return r.clientToken === '' || (r.lookups ?? []).some((l) => l.reason === 'report');
}

/** The summary when StartExecution gave back no execution: what was asked, and why nothing can be reported. */
export function renderNotStarted(p: PlanReport, problem: string, budget = SUMMARY_BUDGET_BYTES, measure: Measure = utf8Bytes): string {
  const verb = p.action === 'install' ? 'Patch install' : 'Patch scan';
  const parts: Part[] = [
    `## ❌ ${verb} in ${esc(p.region)}: not started`,
    problemNote(problem),
    planTable({ ...p, instances: p.requested.length, skipped: p.skipped.length }),
  ];
  return fitToBudget(parts, budget, measure) + '\n';
}

/** The post step's summary, when it had to stop an execution the main step left behind. */
export function renderCleanup(executionId: string, consoleUrl: string, wasStatus: string, nowStatus: string): string {
  return (
    [
      `## ⚠️ Execution ${esc(executionId)} cancelled by the post step`,
      `The main step did not finish (it was killed, or the runner timed it out) while [${esc(executionId)}](${consoleUrl}) was ` +
        `**${esc(wasStatus)}**. The post step cancelled it: it is now **${esc(nowStatus)}**. No patch report was written.`,
    ].join('\n\n') + '\n'
  );
}

function problemNote(problem: string): string {
  return `> [!WARNING]\n> ${esc(problem)}`;
}
