import { Inputs } from '../inputs/names.js';
import type { DetachedStart, MergedReport } from '../report/model.js';
import { fitToBudget, type Measure, type Part, type Section, SUMMARY_BUDGET_BYTES, utf8Bytes } from './budget.js';
import { escapeCell as esc, escapeHtml, table } from './markdown.js';
import { code, moreNote, plural, row } from './parts.js';
import { outcomeLabel } from './run-summary.js';

/** The summaries of the two fleet flows: an execution left running (`wait: false`), and several reports merged. */

const REPORT_COLUMNS = [
  '#',
  'Region',
  'Action',
  'Status',
  'Executions',
  'Instances',
  'Non-compliant',
  'No patch state',
  'Missing',
  'Failed',
  'Pending reboot',
  'File',
];
const INSTANCE_COLUMNS = ['Region', 'Instance', 'Name', 'Result', 'Missing', 'Failed', 'Pending reboot', 'Installed', 'Report'];

/** `action: summarize`: the answer across all reports, one row per report, then every instance worst first. */
export function renderMergedSummary(m: MergedReport, budget = SUMMARY_BUDGET_BYTES, measure: Measure = utf8Bytes): string {
  const attention = new Set([...m.nonCompliant, ...m.unreported]).size;
  const icon = m.status !== 'Success' ? '❌' : attention > 0 ? '⚠️' : '✅';
  const regions = [...new Set(m.reports.map((r) => r.region))];
  const head = [
    `## ${icon} Patch summary of ${m.reports.length} report${plural(m.reports.length)} (${regions.map(esc).join(', ')}): ${esc(m.status)}`,
    attention === 0
      ? `**All ${m.instanceCount} instance${plural(m.instanceCount)} compliant**: no missing, failed or pending-reboot patches.`
      : `**${attention} of ${m.instanceCount} instance${plural(m.instanceCount)} need${plural(attention, 's', '')} attention** ` +
        `(${m.nonCompliant.length} non-compliant, ${m.unreported.length} without a current patch state).`,
  ].join('\n\n');
  const t = m.totals;
  const totals = `### Totals\n\n${table(
    ['', 'Missing', 'Failed', 'Pending reboot', 'Installed', 'Installed other', 'Rejected'],
    [
      [
        `**${m.instanceCount} instance${plural(m.instanceCount)}**`,
        ...[t.missing, t.failed, t.installedPendingReboot, t.installed, t.installedOther, t.installedRejected].map(String),
      ],
    ],
  )}`;
  const reports: Section = {
    head: `### Reports\n\n${table(REPORT_COLUMNS, [])}`,
    items: m.reports.map((r, n) =>
      row([
        String(n + 1),
        esc(r.region),
        esc(r.action),
        r.problem !== undefined ? `**${esc(r.status)}** ⚠️` : `**${esc(r.status)}**`,
        r.executionIds.map(code).join(' '),
        String(r.instanceCount),
        String(r.nonCompliant),
        String(r.unreported),
        String(r.totals.missing),
        String(r.totals.failed),
        String(r.totals.installedPendingReboot),
        code(r.file),
      ]),
    ),
    more: (omitted, total) => moreNote(omitted, total, 'reports'),
  };
  const instances: Section = {
    head: `### Instances of all reports, worst first\n\n${table(INSTANCE_COLUMNS, [])}`,
    items: m.instances.map((i) => {
      const c = i.state?.counts;
      const counts = c ? [c.missing, c.failed, c.installedPendingReboot, c.installed].map(String) : ['', '', '', ''];
      return row([esc(i.region), code(i.instanceId), esc(i.name ?? ''), outcomeLabel(i), ...counts, String(i.report + 1)]);
    }),
    more: (omitted, total) => moreNote(omitted, total, 'instances'),
  };
  const parts: Part[] = [head, reports, instances, totals];
  return fitToBudget(parts, budget, measure) + '\n';
}

/** `wait: false`: the execution is running, and how a later step collects its result. */
export function renderDetached(d: DetachedStart, uses = 'octo-org/alibaba-ecs-patch-action@v1'): string {
  const id = d.execution.executionId;
  const verb = d.action === 'install' ? 'Patch install' : 'Patch scan';
  const example = [
    `- uses: ${uses}`,
    '  with:',
    `    ${Inputs.Action}: report`,
    `    ${Inputs.Region}: ${d.region}`,
    `    ${Inputs.ExecutionId}: ${id}`,
  ].join('\n');
  return (
    [
      `## ⏳ ${verb} in ${esc(d.region)}: started, not awaited`,
      `Execution [${esc(id)}](${d.consoleUrl}) is **${esc(d.execution.status)}** on ${d.instanceCount} instance${plural(d.instanceCount)} ` +
        `(ClientToken \`${esc(d.clientToken)}\`). This step did not wait for it (\`${Inputs.Wait}: false\`), and nothing will cancel it.`,
      `To collect the result, a later job (\`needs:\` this one) runs the action with \`${Inputs.Action}: report\` and the ` +
        `\`execution-id\` output (or \`${Inputs.ClientToken}\`, or \`${Inputs.RunId}: \${{ github.run_id }}\` in a later job of this run: ` +
        `the execution is found by its tags); it waits for the execution to end and publishes the usual summary, outputs and report file:`,
      `<pre lang="yaml">${escapeHtml(example)}</pre>`,
    ].join('\n\n') + '\n'
  );
}
