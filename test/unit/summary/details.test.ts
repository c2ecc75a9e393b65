/** The summary of a run with details: escaping of every cloud string, the worst-first order, and the size budget. */
import { describe, expect, it } from 'vitest';
import { failureAnnotations } from '../../../src/report/annotations.js';
import { characters, COMMENT_BUDGET_CHARS, SUMMARY_BUDGET_BYTES, utf8Bytes } from '../../../src/summary/budget.js';
import { DEFAULT_DETAIL_LIMITS } from '../../../src/execution/details.js';
import type { InstancePatchState, PatchInfo } from '../../../src/alibaba/oos/types.js';
import { buildReport, combineReports } from '../../../src/report/build.js';
import { ZERO_COUNTS } from '../../../src/report/counts.js';
import type { ExecutionDetails, PatchReport } from '../../../src/report/model.js';
import { outcomeOf, renderSummary, worstFirst } from '../../../src/summary/run-summary.js';

const EVIL = '<script>alert(1)</script> | `x` [y](javascript:z) **b**';
const START = '2026-11-22T10:00:00Z';
const END = '2026-11-22T10:30:00Z';

function state(instanceId: string, counts: Partial<typeof ZERO_COUNTS>): InstancePatchState {
  return {
    instanceId,
    operationType: 'Install',
    operationStartTime: '2026-11-22T10:00:05Z',
    operationEndTime: '2026-11-22T10:20:00Z',
    counts: { ...ZERO_COUNTS, installed: 10, ...counts },
  };
}

function patch(kbId: string, status: string, title = `title ${kbId}`): PatchInfo {
  return { kbId, title, classification: 'Security', severity: 'Critical', status };
}

/** A fleet of `n` instances: every 7th fails its child execution, every 3rd misses patches, every 5th waits for a reboot. */
function fleetReport(n: number, evil = false): PatchReport {
  const ids = Array.from({ length: n }, (_, i) => `i-fleet${String(i).padStart(6, '0')}`);
  const states = ids
    .filter((_, i) => i % 7 !== 0)
    .map((id, k) => state(id, { missing: k % 3 === 0 ? 1 + (k % 11) : 0, installedPendingReboot: k % 5 === 0 ? 2 : 0 }));
  const failedIds = ids.filter((_, i) => i % 7 === 0);
  const details: ExecutionDetails = {
    executionId: 'exec-parent',
    children: ids.map((id, i) => ({
      instanceId: id,
      executionId: `exec-child${i}`,
      status: i % 7 === 0 ? 'Failed' : 'Success',
      statusMessage: i % 7 === 0 ? (evil ? EVIL : 'exit code 1') : '',
    })),
    failures: Object.fromEntries(
      failedIds.slice(0, 10).map((id) => [
        id,
        {
          task: evil ? EVIL : 'runPatchCommand',
          message: evil ? EVIL : 'exit code 1',
          log: [evil ? EVIL : 'boom', 'x'.repeat(2000)],
          logTruncated: false,
        },
      ]),
    ),
    patches: Object.fromEntries(
      states
        .slice(0, 20)
        .map((s) => [s.instanceId, { items: [patch('KB1', 'Missing', evil ? EVIL : 'KB one'), patch('KB2', 'Failed')], truncated: false }]),
    ),
    snapshots: Object.fromEntries(
      ids.map((id, i) => [
        id,
        { snapshotId: `s-${i}`, name: `Snapshot-exec-child${i}`, status: 'accomplished', creationTime: START, retentionDays: 7 },
      ]),
    ),
    problems: [],
    limits: DEFAULT_DETAIL_LIMITS,
  };
  return buildReport({
    action: 'install',
    region: 'cn-hangzhou',
    clientToken: 'patch-x',
    install: { rebootIfNeed: false, createSnapshot: true, retentionDays: 7 },
    instanceIds: ids,
    execution: { executionId: 'exec-parent', status: 'Failed', statusMessage: evil ? EVIL : 'some failed', startDate: START, endDate: END },
    states,
    details: [details],
    preflight: {
      checks: ids.map((id) => ({
        instanceId: id,
        verdict: 'ok',
        reason: '',
        name: evil ? EVIL : `n-${id}`,
        osName: evil ? EVIL : 'Linux',
        osType: 'linux',
      })),
      ready: ids,
      unavailable: [],
      heartbeatMaxAgeMinutes: 10,
    },
  });
}

describe('renderSummary with details', () => {
  it('escapes every cloud string: no raw HTML, no broken table rows', () => {
    const report = fleetReport(30, true);
    const md = renderSummary(report);
    expect(md).not.toContain('<script>');
    // Markdown is interpreted outside the HTML blocks (<pre>, <summary>): there a link must not survive.
    const markdownOnly = md.replace(/<pre>[\s\S]*?<\/pre>/g, '').replace(/<summary>.*?<\/summary>/g, '');
    expect(markdownOnly).not.toMatch(/\]\(javascript:/);
    expect(markdownOnly).toContain('\\[y\\]\\(javascript:z\\)');
    expect(md).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    // Every row of the instance table has exactly the header's number of cells.
    const table = md
      .slice(md.indexOf('### Instances'), md.indexOf('### Totals'))
      .split('\n')
      .filter((l) => l.startsWith('|'));
    const cells = (line: string): number => line.split('|').length;
    expect(table.length).toBe(report.instances.length + 2);
    for (const line of table) expect(cells(line)).toBe(cells(table[0] ?? ''));
    // The failure log sits in <pre>, escaped for HTML only.
    expect(md).toMatch(/<pre>\n&lt;script&gt;alert\(1\)&lt;\/script&gt; \| `x`/);
  });

  it('lists the instances worst first and details them in collapsible sections', () => {
    const report = fleetReport(30);
    const md = renderSummary(report);
    const order = worstFirst(report.instances).map(outcomeOf);
    expect(order).toEqual(
      [...order].sort(
        (a, b) =>
          ['execution-failed', 'patches-failed', 'patches-missing', 'reboot-pending', 'not-reported', 'compliant'].indexOf(a) -
          ['execution-failed', 'patches-failed', 'patches-missing', 'reboot-pending', 'not-reported', 'compliant'].indexOf(b),
      ),
    );
    expect(md.indexOf('`i-fleet000000`')).toBeLessThan(md.indexOf('`i-fleet000001`'));
    expect(md).toContain(
      '<details><summary>❌ <code>i-fleet000000</code> n-i-fleet000000: execution failed in task runPatchCommand</summary>',
    );
    expect(md).toContain('### Snapshots to roll back to');
    expect(md).toContain('| `i-fleet000000` | `s-0` | accomplished | 2026-11-22T10:00:00Z | 7 days |');
    expect(md.match(/<details>/g)?.length).toBe(md.match(/<\/details>/g)?.length);
  });

  it('says how far the details go when the fleet is larger than the limits', () => {
    const report = fleetReport(300);
    const md = renderSummary(report);
    expect(md).toContain(`Failure logs are read for the first 10 of ${report.failedInstances.length} failed instances.`);
    expect(md).toContain(`Patch lists are read for the 20 worst of ${report.nonCompliant.length} instances that need attention.`);
  });

  it('stays under 1 MiB for 10,000 instances, with a visible note, and keeps the worst first', () => {
    const report = fleetReport(10_000, true);
    const md = renderSummary(report);
    expect(utf8Bytes(md)).toBeLessThanOrEqual(1024 * 1024);
    expect(utf8Bytes(md)).toBeLessThanOrEqual(SUMMARY_BUDGET_BYTES + 1);
    expect(md).toMatch(/✂️ \*\*\d+ of 10000 instances not shown\*\*/);
    expect(md).toContain('report-file');
    expect(md.startsWith('## ❌ Patch install in cn-hangzhou: Failed')).toBe(true);
    expect(md).toContain('`i-fleet000000`');
    expect(md).not.toContain('<script>');
    // The report itself keeps everything.
    expect(report.instances).toHaveLength(10_000);
    expect(Object.keys(report.snapshotIds)).toHaveLength(10_000);
  });

  it('fits a PR comment budget in characters', () => {
    const md = renderSummary(fleetReport(10_000), COMMENT_BUDGET_CHARS, characters);
    expect(md.length).toBeLessThanOrEqual(65_536);
    expect(md).toContain('not shown');
  });
});

describe('failureAnnotations', () => {
  it('makes one error per failed instance with its task and last log lines, then counts the rest', () => {
    const report = fleetReport(100);
    const annotations = failureAnnotations(report, 3);
    const failed = report.failedInstances.length;
    expect(annotations).toHaveLength(4);
    expect(annotations[0]?.title).toBe('Patching failed on i-fleet000000 (n-i-fleet000000)');
    expect(annotations[0]?.message).toContain('Task runPatchCommand failed: exit code 1');
    expect(annotations[0]?.message).toContain('  boom');
    expect(annotations[3]?.title).toBe(`Patching failed on ${failed - 3} more instance(s)`);
  });

  it('makes none when every child succeeded', () => {
    const report = buildReport({
      action: 'scan',
      region: 'cn-hangzhou',
      clientToken: 't',
      instanceIds: ['i-a'],
      execution: { executionId: 'e', status: 'Success', statusMessage: '' },
      states: [state('i-a', {})],
    });
    expect(failureAnnotations(report)).toEqual([]);
  });
});

describe('combineReports with details', () => {
  it('keeps every batch’s failed instances, snapshots and detail coverage', () => {
    const a = fleetReport(14);
    const b = fleetReport(21);
    const combined = combineReports([a, b]);
    expect(combined.failedInstances).toEqual([...a.failedInstances, ...b.failedInstances]);
    expect(Object.keys(combined.snapshotIds)).toHaveLength(new Set([...Object.keys(a.snapshotIds), ...Object.keys(b.snapshotIds)]).size);
    expect(combined.details?.failuresRead).toBe((a.details?.failuresRead ?? 0) + (b.details?.failuresRead ?? 0));
    expect(combined.details?.patchListsRead).toBe((a.details?.patchListsRead ?? 0) + (b.details?.patchListsRead ?? 0));
  });
});

describe('hostile names from the cloud (issue 13, item 7)', () => {
  const HOSTILE = 'web-1\n\n[Click to approve](https://evil.example/approve) @admin #12\n\n<b>x</b>';

  it('cannot end the <details> block, render a link, mention anyone or reference an issue', () => {
    const report = fleetReport(3);
    for (const i of report.instances) i.name = HOSTILE;
    const failed = report.instances.find((i) => i.failure);
    if (failed?.failure) failed.failure.task = 'run`Patch` [Click](https://evil.example)';
    const md = renderSummary(report);
    // Each <details><summary> line stays one line: a blank line inside would end the HTML block.
    const summaries = md.split('\n').filter((l) => l.startsWith('<details><summary>❌'));
    expect(summaries.length).toBeGreaterThan(0);
    for (const s of summaries) expect(s).toMatch(/<\/summary>$/);
    // No Markdown link survives anywhere, and no mention or issue reference is left for GitHub to link.
    expect(md).not.toMatch(/\]\(https:\/\/evil/);
    expect(md).not.toMatch(/@admin/);
    expect(md).not.toMatch(/#12\b/);
    expect(md).toContain('@\u200dadmin');
  });

  it('says when answers were cut short', () => {
    const report = fleetReport(3);
    if (report.details) report.details.cut = ['child executions: ListTaskExecutions failed: EndlessPaging: the answer was cut'];
    expect(renderSummary(report)).toMatch(/✂️ Some answers were cut short[\s\S]*EndlessPaging/);
  });
});
