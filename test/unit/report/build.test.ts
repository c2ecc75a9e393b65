import { describe, expect, it } from 'vitest';
import type { InstancePatchState, PatchCounts } from '../../../src/alibaba/oos/types.js';
import { consoleUrl } from '../../../src/alibaba/oos/console.js';
import { buildReport, combineReports } from '../../../src/report/build.js';
import { ZERO_COUNTS } from '../../../src/report/counts.js';
import type { ReportInput } from '../../../src/report/model.js';
import { reportOutputs } from '../../../src/report/outputs.js';
import { verdict } from '../../../src/report/verdict.js';
import { renderSummary } from '../../../src/summary/run-summary.js';

function state(instanceId: string, counts: Partial<PatchCounts>, end = '2026-11-22T10:05:00Z'): InstancePatchState {
  return { instanceId, operationType: 'Scan', operationEndTime: end, counts: { ...ZERO_COUNTS, ...counts } };
}

const execution = {
  executionId: 'exec-1',
  status: 'Success',
  statusMessage: '',
  startDate: '2026-11-22T10:00:00Z',
  endDate: '2026-11-22T10:06:15Z',
};

describe('buildReport', () => {
  const states = [
    state('i-ok', { installed: 10, installedOther: 2 }),
    state('i-missing', { installed: 5, missing: 3 }),
    state('i-failed', { failed: 1, installedRejected: 1 }),
    state('i-reboot', { installedPendingReboot: 2 }),
    state('i-old', { missing: 4 }, '2026-11-21T10:00:00Z'),
  ];
  const input: ReportInput = {
    action: 'scan',
    region: 'cn-hangzhou',
    clientToken: 'patch-x',
    instanceIds: ['i-ok', 'i-missing', 'i-failed', 'i-reboot', 'i-old', 'i-none'],
    execution,
    states,
  };
  const report = buildReport(input);

  it('sums the counts of every instance that has a state', () => {
    const sum = (k: keyof PatchCounts): number => states.reduce((s, x) => s + x.counts[k], 0);
    expect(report.totals).toEqual({
      installed: sum('installed'),
      installedOther: sum('installedOther'),
      installedPendingReboot: sum('installedPendingReboot'),
      installedRejected: sum('installedRejected'),
      missing: sum('missing'),
      failed: sum('failed'),
    });
  });

  it('lists instances with missing, failed or pending-reboot patches as non-compliant', () => {
    expect(report.nonCompliant).toEqual(['i-missing', 'i-failed', 'i-reboot', 'i-old']);
  });

  it('marks instances without a state, or with one older than the execution, as unreported', () => {
    expect(report.unreported).toEqual(['i-old', 'i-none']);
    expect(report.instances.find((i) => i.instanceId === 'i-old')?.stale).toBe(true);
  });

  it('computes the duration and the console link', () => {
    expect(report.execution.durationSeconds).toBe(375);
    expect(report.execution.consoleUrl).toBe('https://oos.console.aliyun.com/cn-hangzhou/execution/detail/exec-1');
    expect(consoleUrl('cn-hangzhou', 'exec-1')).toBe(report.execution.consoleUrl);
  });

  it('links the international console for console-site international', () => {
    const international = buildReport({ ...input, consoleSite: 'international' });
    expect(international.execution.consoleUrl).toBe('https://oos.console.alibabacloud.com/cn-hangzhou/execution/detail/exec-1');
    expect(consoleUrl('cn-hangzhou', 'exec-1', 'china')).toBe(report.execution.consoleUrl);
  });

  it('keeps the order in which the instances were given', () => {
    expect(report.instances.map((i) => i.instanceId)).toEqual(['i-ok', 'i-missing', 'i-failed', 'i-reboot', 'i-old', 'i-none']);
  });
});

describe('combineReports', () => {
  const part = (executionId: string, status: string, ids: string[], missing: number) =>
    buildReport({
      action: 'scan',
      region: 'cn-hangzhou',
      clientToken: `patch-${executionId}`,
      instanceIds: ids,
      execution: { ...execution, executionId, status, counters: { total: ids.length, success: ids.length, failed: 0 } },
      states: ids.map((id) => state(id, { missing })),
    });
  const first = part('exec-1', 'Success', ['i-1', 'i-2'], 1);
  const second = part('exec-2', 'Failed', ['i-3'], 2);

  it('lists every batch, sums the counts and keeps the first execution and token', () => {
    const report = combineReports([first, second], [{ clientToken: 'patch-3', instanceIds: ['i-4', 'i-5'] }], 'stopped');
    expect(report.batches.map((b) => [b.index, b.execution?.executionId, b.instanceCount, b.clientToken])).toEqual([
      [1, 'exec-1', 2, 'patch-exec-1'],
      [2, 'exec-2', 1, 'patch-exec-2'],
      [3, undefined, 2, 'patch-3'],
    ]);
    expect(report.execution.executionId).toBe('exec-1');
    expect(report.clientToken).toBe('patch-exec-1');
    expect(report.status).toBe('Failed');
    expect(report.totals.missing).toBe(first.totals.missing + second.totals.missing);
    expect(report.instances.map((i) => i.instanceId)).toEqual(['i-1', 'i-2', 'i-3', 'i-4', 'i-5']);
    expect(report.unreported).toEqual(['i-4', 'i-5']);
    expect(report.nonCompliant).toEqual(['i-1', 'i-2', 'i-3']);
    expect(report.stoppedEarly).toBe('stopped');
  });

  it('is Success only when every batch ran and succeeded', () => {
    expect(combineReports([first, first]).status).toBe('Success');
    expect(combineReports([first], [], 'too many errors').status).toBe('Failed');
  });
});

describe('an installed rejected patch', () => {
  it('makes the instance non-compliant: non-compliant-instances, fail-on-missing and the summary say so', () => {
    const report = buildReport({
      action: 'scan',
      region: 'cn-hangzhou',
      clientToken: 'patch-x',
      instanceIds: ['i-clean', 'i-rejected'],
      execution: { executionId: 'exec-1', status: 'Success', statusMessage: '', startDate: '2026-11-22T10:00:00Z' },
      states: [state('i-clean', { installed: 4 }), state('i-rejected', { installed: 4, installedRejected: 1 })],
    });
    expect(report.nonCompliant).toEqual(['i-rejected']);
    expect(JSON.parse(reportOutputs(report, 'r.json')['non-compliant-instances'] ?? '')).toEqual(['i-rejected']);
    expect(() => verdict(report, { waitTimeoutMinutes: 30, failOnMissing: true }, { warning: () => undefined })).toThrow(
      'fail-on-missing: 1 instance(s) are not compliant: i-rejected',
    );
    const md = renderSummary(report);
    expect(md).toContain('**1 of 2 instances needs attention**:\n\n- ⛔ rejected patch installed: 1');
  });
});
