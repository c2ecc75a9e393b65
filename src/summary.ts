import { renderApproval } from './approval/render.js';
import { fitToBudget, type Measure, type Part, type Section, SUMMARY_BUDGET_BYTES, utf8Bytes } from './budget.js';
import { escapeCell as esc, formatDuration, table } from './markdown.js';
import { isTerminal } from './oos/types.js';
import type { PlanReport } from './plan.js';
import type { InstanceReport, PatchReport } from './report.js';
import { moreNote, planTable, preflightSection, row } from './summary-parts.js';

const COLUMNS = ['Instance', 'Installed', 'Installed other', 'Pending reboot', 'Rejected', 'Missing', 'Failed', 'State'];

/** The job summary as Markdown, rendered from the report alone. Leads with the answer. */
export function renderSummary(report: PatchReport, budget = SUMMARY_BUDGET_BYTES, measure: Measure = utf8Bytes): string {
  const problem = report.problem ? [problemNote(report.problem)] : [];
  const approval = report.approval ? [renderApproval(report.approval)] : [];
  const parts: Part[] = [headline(report), ...problem, plan(report), ...approval, execution(report), instances(report), totals(report)];
  if (report.skipped.length > 0) {
    const heartbeat = report.preflight?.heartbeatMaxAgeMinutes ?? 0;
    parts.push(preflightSection(report.skipped, '### Skipped by pre-flight', heartbeat));
  }
  return fitToBudget(parts, budget, measure) + '\n';
}

function headline(r: PatchReport): string {
  const ok = r.status === 'Success';
  const icon = !ok ? '❌' : r.nonCompliant.length > 0 || r.unreported.length > 0 ? '⚠️' : '✅';
  const verb = r.action === 'install' ? 'Patch install' : 'Patch scan';
  const title = `## ${icon} ${verb} in ${esc(r.region)}: ${esc(r.status)}`;
  const n = r.instances.length;
  const lines = [title];
  const failed = r.batches.find((b) => b.execution && b.execution.status !== 'Success')?.execution;
  if (failed) {
    const which = r.batches.length > 1 ? `Execution ${esc(failed.executionId)}` : 'The execution';
    const verb = isTerminal(failed.status) ? 'ended' : 'had not ended: last seen';
    lines.push(`**${which} ${verb} ${esc(failed.status)}**${failed.statusMessage ? `: ${esc(failed.statusMessage)}` : '.'}`);
  }
  if (r.stoppedEarly !== undefined) {
    const skipped = r.batches.filter((b) => !b.execution);
    lines.push(`**${skipped.length} of ${r.batches.length} batches not started**: ${esc(r.stoppedEarly)}`);
  }
  if (r.nonCompliant.length === 0 && r.unreported.length === 0) {
    lines.push(`**All ${n} instance${plural(n)} compliant**: no missing, failed or pending-reboot patches.`);
  } else {
    if (r.nonCompliant.length > 0) {
      lines.push(
        `**${r.nonCompliant.length} of ${n} instance${plural(n)} need${r.nonCompliant.length === 1 ? 's' : ''} attention**: missing, failed or pending-reboot patches.`,
      );
    }
    if (r.unreported.length > 0) {
      lines.push(
        `**${r.unreported.length} of ${n} instance${plural(n)} not reported** by this ${r.batches.length > 1 ? 'run' : 'execution'}: no current patch state.`,
      );
    }
  }
  if (r.skipped.length > 0) {
    const k = r.skipped.length;
    lines.push(`**${k} instance${plural(k)} skipped by pre-flight** (on-unavailable: skip) and not patched: see below.`);
  }
  return lines.join('\n\n');
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

function plan(r: PatchReport): string {
  return planTable({
    ...r,
    instances: r.instances.length + r.skipped.length,
    skipped: r.skipped.length,
    batches: r.batches.length,
  });
}

function execution(r: PatchReport): string {
  if (r.batches.length > 1) return batches(r);
  const e = r.execution;
  const parts = [`[${esc(e.executionId)}](${e.consoleUrl}): **${esc(e.status)}**`];
  if (e.durationSeconds !== undefined) parts.push(`in ${formatDuration(e.durationSeconds)}`);
  if (e.startDate) parts.push(`(started ${esc(e.startDate)})`);
  const message = e.statusMessage ? `\n\n> ${esc(e.statusMessage)}` : '';
  return `### Execution\n\n${parts.join(' ')}${message}`;
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
      `\`${esc(b.clientToken)}\``,
    ];
  });
  return `### Executions\n\n${r.batches.length} batches of at most 1000 instances, one after another.\n\n${table(BATCH_COLUMNS, rows)}`;
}

/** Worst first: failed, then missing, then pending reboot, then not reported. */
export function severity(i: InstanceReport): number {
  if (!i.state || i.stale) return 1;
  const c = i.state.counts;
  return (c.failed > 0 ? 1e12 : 0) + (c.missing > 0 ? 1e8 : 0) + (c.installedPendingReboot > 0 ? 1e4 : 0) + c.failed + c.missing;
}

function instances(r: PatchReport): Section {
  const sorted = [...r.instances].sort((a, b) => severity(b) - severity(a));
  const rows = sorted.map((i) => {
    const id = `\`${esc(i.instanceId)}\``;
    if (!i.state) return [id, '', '', '', '', '', '', i.notStarted ? 'not started' : 'no patch state'];
    const c = i.state.counts;
    const state = i.stale ? 'not updated by this execution' : i.needsAttention ? 'needs attention' : 'compliant';
    return [id, ...[c.installed, c.installedOther, c.installedPendingReboot, c.installedRejected, c.missing, c.failed].map(String), state];
  });
  return {
    head: `### Instances\n\n${table(COLUMNS, [])}`,
    items: rows.map(row),
    more: (omitted, total) => moreNote(omitted, total, 'instances'),
  };
}

function totals(r: PatchReport): string {
  const t = r.totals;
  const cells = [
    `**${r.instances.length} instances**`,
    ...[t.installed, t.installedOther, t.installedPendingReboot, t.installedRejected, t.missing, t.failed].map(String),
    `${r.nonCompliant.length} need attention`,
  ];
  return `### Totals\n\n${table(COLUMNS, [cells])}`;
}

function plural(n: number): string {
  return n === 1 ? '' : 's';
}
