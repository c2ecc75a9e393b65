/** The collapsible detail sections of the job summary: per instance failures and patches, and snapshots. */
import type { Section } from './budget.js';
import { escapeCell as esc, escapeHtml as html, table } from './markdown.js';
import type { InstanceReport, PatchReport } from '../report/model.js';
import { code, moreNote, plural, row } from './parts.js';

const PATCH_COLUMNS = ['Patch', 'Title', 'Classification', 'Severity', 'Status'];
const STATUS_LABELS: Readonly<Record<string, string>> = {
  Failed: '❌ Failed',
  Missing: '⚠️ Missing',
  InstalledPendingReboot: '🔁 Pending reboot',
  InstalledRejected: '⛔ Rejected, installed',
};

/** One `<details>` block per instance with a failure or a patch list, worst first; undefined when there are none. */
export function renderDetails(report: PatchReport, sorted: readonly InstanceReport[]): Section | undefined {
  const detailed = sorted.filter((i) => i.failure || (i.patches && i.patches.items.length > 0));
  const coverage = report.details;
  const unnamed = coverage?.childrenUnnamed ?? [];
  const cut = coverage?.cut ?? [];
  if (detailed.length === 0 && !(coverage && (coverage.problems.length > 0 || unnamed.length > 0 || cut.length > 0))) return undefined;
  const notes: string[] = [];
  if (coverage) {
    const failed = report.failedInstances.length;
    const attention = report.nonCompliant.length;
    if (failed > coverage.failuresRead) {
      notes.push(`Failure logs are read for the first ${coverage.failuresRead} of ${failed} failed instances.`);
    }
    if (attention > coverage.patchListsRead) {
      notes.push(`Patch lists are read for the ${coverage.patchListsRead} worst of ${attention} instances that need attention.`);
    }
    if (notes.length > 0)
      notes.push('These limits keep a large fleet from making thousands of API calls; the counts above cover every instance.');
    if (unnamed.length > 0) {
      notes.push(
        `ℹ️ OOS named no child execution for ${unnamed.length} execution${plural(unnamed.length)} (neither ListTaskExecutions nor ListExecutions ` +
          '`ParentExecutionId`): failed instances are counted from their patch states (failed patches), without failure logs.',
      );
    }
    if (cut.length > 0) {
      const shown = cut.slice(0, 5).map((p) => `- ${esc(p)}`);
      const more = cut.length - shown.length;
      notes.push(
        `✂️ Some answers were cut short, so these details are incomplete:\n\n${shown.join('\n')}${more > 0 ? `\n- … and ${more} more` : ''}`,
      );
    }
    if (coverage.problems.length > 0) {
      const shown = coverage.problems.slice(0, 5).map((p) => `- ${esc(p)}`);
      const more = coverage.problems.length - shown.length;
      notes.push(
        `⚠️ Some details could not be read (the result above stands):\n\n${shown.join('\n')}${more > 0 ? `\n- … and ${more} more` : ''}`,
      );
    }
  }
  return {
    head: ['### Details', ...notes].join('\n\n'),
    items: detailed.map(detailBlock),
    separator: '\n\n',
    more: (omitted, total) => moreNote(omitted, total, 'instance details'),
  };
}

function detailBlock(i: InstanceReport): string {
  const name = i.name ? ` ${html(i.name)}` : '';
  const what: string[] = [];
  if (i.failure) what.push(`execution failed${i.failure.task ? ` in task ${html(i.failure.task)}` : ''}`);
  const c = i.state?.counts;
  if (c && c.failed > 0) what.push(`${c.failed} failed`);
  if (c && c.missing > 0) what.push(`${c.missing} missing`);
  if (c && c.installedPendingReboot > 0) what.push(`${c.installedPendingReboot} pending reboot`);
  if (c && c.installedRejected > 0) what.push(`${c.installedRejected} rejected installed`);
  const icon = i.failure || (c && c.failed > 0) ? '❌' : c && c.missing > 0 ? '⚠️' : c && c.installedPendingReboot > 0 ? '🔁' : '⛔';
  const body: string[] = [];
  if (i.failure) {
    const f = i.failure;
    body.push(`**Failed${f.task ? ` task ${code(f.task)}` : ''}**${f.message ? `: ${esc(f.message)}` : ''}`);
    if (f.log.length > 0) {
      const cut = f.logTruncated ? ' (the log was longer than what was read)' : '';
      body.push(`Last ${f.log.length} log line${plural(f.log.length)}${cut}:\n\n<pre>\n${f.log.map(html).join('\n')}\n</pre>`);
    }
    if (i.child) body.push(`Child execution ${code(i.child.executionId)}`);
  }
  if (i.patches && i.patches.items.length > 0) {
    const rows = i.patches.items.map((p) =>
      row([code(p.kbId), esc(p.title), esc(p.classification), esc(p.severity), STATUS_LABELS[p.status] ?? esc(p.status)]),
    );
    const cut = i.patches.truncated ? '\n\n> ✂️ More patches exist than were read; the OOS console lists them all.' : '';
    body.push(`${table(PATCH_COLUMNS, [])}\n${rows.join('\n')}${cut}`);
  }
  return `<details><summary>${icon} <code>${html(i.instanceId)}</code>${name}: ${what.join(', ')}</summary>\n\n${body.join('\n\n')}\n\n</details>`;
}

/** The snapshots to roll back to (install with create-snapshot); undefined otherwise. */
export function renderSnapshots(report: PatchReport): Section | undefined {
  if (!report.install?.createSnapshot || !report.details) return undefined;
  const withSnapshot = report.instances.filter((i) => i.snapshot);
  const without = report.instances.filter((i) => !i.snapshot && i.child).map((i) => i.instanceId);
  const n = withSnapshot.length;
  const missing =
    without.length > 0
      ? `\n\n⚠️ No snapshot found for ${without.length} instance${plural(without.length)}: ${without.slice(0, 20).map(code).join(', ')}${without.length > 20 ? ', …' : ''}.`
      : '';
  return {
    head:
      `### Snapshots to roll back to\n\nThe system disk of each instance before patching (output \`snapshot-ids\`).${missing}\n\n` +
      `<details><summary>${n} snapshot${plural(n)}</summary>\n\n${table(['Instance', 'Snapshot', 'Status', 'Created', 'Kept'], [])}`,
    items: withSnapshot.map((i) => {
      const s = i.snapshot;
      const kept = s?.retentionDays !== undefined ? `${s.retentionDays} day${plural(s.retentionDays)}` : 'until deleted';
      return row([code(i.instanceId), code(s?.snapshotId ?? ''), esc(s?.status ?? ''), esc(s?.creationTime ?? ''), kept]);
    }),
    more: (omitted, total) => moreNote(omitted, total, 'snapshots'),
    tail: '</details>',
  };
}
