import { describe, expect, it } from 'vitest';
import type { InstancePatchState, PatchCounts } from '../../src/oos/types.js';
import { buildReport, consoleUrl, ZERO_COUNTS } from '../../src/report.js';

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
  const report = buildReport({
    action: 'scan',
    region: 'cn-hangzhou',
    clientToken: 'patch-x',
    instanceIds: ['i-ok', 'i-missing', 'i-failed', 'i-reboot', 'i-old', 'i-none'],
    execution,
    states,
  });

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

  it('keeps the order in which the instances were given', () => {
    expect(report.instances.map((i) => i.instanceId)).toEqual(['i-ok', 'i-missing', 'i-failed', 'i-reboot', 'i-old', 'i-none']);
  });
});
