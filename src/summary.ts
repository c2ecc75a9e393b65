import { escapeCell as esc, formatDuration, table } from './markdown.js';
import { maxErrorsValue } from './oos/template.js';
import type { InstanceReport, PatchReport } from './report.js';

const COLUMNS = ['Instance', 'Installed', 'Installed other', 'Pending reboot', 'Rejected', 'Missing', 'Failed', 'State'];

/** The job summary as Markdown, rendered from the report alone. Leads with the answer. */
export function renderSummary(report: PatchReport): string {
  return [headline(report), plan(report), execution(report), instances(report), totals(report)].join('\n\n') + '\n';
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
    lines.push(`**${which} ended ${esc(failed.status)}**${failed.statusMessage ? `: ${esc(failed.statusMessage)}` : '.'}`);
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
  return lines.join('\n\n');
}

function plan(r: PatchReport): string {
  const rows: string[][] = [
    ['Action', r.action],
    ['Region', esc(r.region)],
    ['Instances', String(r.instances.length)],
  ];
  if (r.tags) rows.push(['Tags', r.tags.map((t) => `\`${esc(t.key)}=${esc(t.value)}\``).join(' ')]);
  if (r.install) {
    rows.push(
      ['Reboot if needed', yesNo(r.install.rebootIfNeed)],
      ['Snapshot before install', r.install.createSnapshot ? `yes, kept ${r.install.retentionDays} days` : 'no'],
    );
  }
  const rate = r.rateControl;
  if (rate) rows.push(['At most at a time', String(rate.maxConcurrency)], ['Max errors', esc(String(maxErrorsValue(rate.maxErrors)))]);
  if (r.batches.length === 1) rows.push(['ClientToken', `\`${esc(r.clientToken)}\``]);
  return `### Plan\n\n${table(['', ''], rows)}`;
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

function instances(r: PatchReport): string {
  const sorted = [...r.instances].sort((a, b) => severity(b) - severity(a));
  const rows = sorted.map((i) => {
    const id = `\`${esc(i.instanceId)}\``;
    if (!i.state) return [id, '', '', '', '', '', '', i.notStarted ? 'not started' : 'no patch state'];
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
