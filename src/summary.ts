import { escapeCell as esc, formatDuration, table } from './markdown.js';
import { isTerminal } from './oos/types.js';
import type { InstanceReport, NotStartedReport, PatchReport } from './report.js';

const COLUMNS = ['Instance', 'Installed', 'Installed other', 'Pending reboot', 'Rejected', 'Missing', 'Failed', 'State'];

/** The job summary as Markdown, rendered from the report alone. Leads with the answer. */
export function renderSummary(report: PatchReport): string {
  const problem = report.problem ? [problemNote(report.problem)] : [];
  return [headline(report), ...problem, plan(report), execution(report), instances(report), totals(report)].join('\n\n') + '\n';
}

/** The summary when no execution is known: what was asked, and why nothing can be reported. */
export function renderNotStarted(r: NotStartedReport): string {
  const verb = r.action === 'install' ? 'Patch install' : 'Patch scan';
  const title = `## ❌ ${verb} in ${esc(r.region)}: not started`;
  return [title, problemNote(r.problem), plan({ ...r, instances: r.instanceIds })].join('\n\n') + '\n';
}

function problemNote(problem: string): string {
  return `> [!WARNING]\n> ${esc(problem)}`;
}

function headline(r: PatchReport): string {
  const ok = r.execution.status === 'Success';
  const icon = !ok ? '❌' : r.nonCompliant.length > 0 || r.unreported.length > 0 ? '⚠️' : '✅';
  const verb = r.action === 'install' ? 'Patch install' : 'Patch scan';
  const title = `## ${icon} ${verb} in ${esc(r.region)}: ${esc(r.execution.status)}`;
  const n = r.instances.length;
  const lines = [title];
  if (!ok) {
    const verb = isTerminal(r.execution.status) ? 'ended' : 'had not ended: last seen';
    lines.push(
      `**The execution ${verb} ${esc(r.execution.status)}**${r.execution.statusMessage ? `: ${esc(r.execution.statusMessage)}` : '.'}`,
    );
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
      lines.push(`**${r.unreported.length} of ${n} instance${plural(n)} not reported** by this execution: no current patch state.`);
    }
  }
  return lines.join('\n\n');
}

function plan(r: Pick<PatchReport, 'action' | 'region' | 'install' | 'clientToken'> & { instances: readonly unknown[] }): string {
  const rows: string[][] = [
    ['Action', r.action],
    ['Region', esc(r.region)],
    ['Instances', String(r.instances.length)],
  ];
  if (r.install) {
    rows.push(
      ['Reboot if needed', yesNo(r.install.rebootIfNeed)],
      ['Snapshot before install', r.install.createSnapshot ? `yes, kept ${r.install.retentionDays} days` : 'no'],
    );
  }
  rows.push(['ClientToken', `\`${esc(r.clientToken)}\``]);
  return `### Plan\n\n${table(['', ''], rows)}`;
}

function execution(r: PatchReport): string {
  const e = r.execution;
  const parts = [`[${esc(e.executionId)}](${e.consoleUrl}): **${esc(e.status)}**`];
  if (e.durationSeconds !== undefined) parts.push(`in ${formatDuration(e.durationSeconds)}`);
  if (e.startDate) parts.push(`(started ${esc(e.startDate)})`);
  const message = e.statusMessage ? `\n\n> ${esc(e.statusMessage)}` : '';
  return `### Execution\n\n${parts.join(' ')}${message}`;
}

/** Worst first: failed, then missing, then pending reboot, then not reported. */
export function severity(i: InstanceReport): number {
  if (!i.state || i.stale) return 1;
  const c = i.state.counts;
  return (c.failed > 0 ? 1e12 : 0) + (c.missing > 0 ? 1e8 : 0) + (c.installedPendingReboot > 0 ? 1e4 : 0) + c.failed + c.missing;
}

function instances(r: PatchReport): string {
  const sorted = [...r.instances].sort((a, b) => severity(b) - severity(a));
  const rows = sorted.map((i) => {
    const id = `\`${esc(i.instanceId)}\``;
    if (!i.state) return [id, '', '', '', '', '', '', 'no patch state'];
    const c = i.state.counts;
    const state = i.stale ? 'not updated by this execution' : i.needsAttention ? 'needs attention' : 'compliant';
    return [id, ...[c.installed, c.installedOther, c.installedPendingReboot, c.installedRejected, c.missing, c.failed].map(String), state];
  });
  return `### Instances\n\n${table(COLUMNS, rows)}`;
}

function totals(r: PatchReport): string {
  const t = r.totals;
  const row = [
    `**${r.instances.length} instances**`,
    ...[t.installed, t.installedOther, t.installedPendingReboot, t.installedRejected, t.missing, t.failed].map(String),
    `${r.nonCompliant.length} need attention`,
  ];
  return `### Totals\n\n${table(COLUMNS, [row])}`;
}

function yesNo(v: boolean): string {
  return v ? 'yes' : 'no';
}

function plural(n: number): string {
  return n === 1 ? '' : 's';
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
