import { describe, expect, it } from 'vitest';
import { ActionError } from '../../../src/lib/errors.js';
import type { BatchReport, ExecutionReport, PatchReport } from '../../../src/report/model.js';
import { listIds, verdict } from '../../../src/report/verdict.js';

const URL = 'https://oos.console.aliyun.com/cn-hangzhou/execution/detail/exec-1';
const ZERO = { installed: 0, installedOther: 0, installedPendingReboot: 0, installedRejected: 0, missing: 0, failed: 0 };

function execution(over: Partial<ExecutionReport> = {}): ExecutionReport {
  return { executionId: 'exec-1', status: 'Success', statusMessage: '', consoleUrl: URL, ...over };
}

function batch(over: Partial<BatchReport> = {}): BatchReport {
  return { index: 1, instanceCount: 2, clientToken: 'ct-1', execution: execution(), ...over };
}

/** A scan of two instances that ended Success, both compliant; `over` changes what a test needs. */
function report(over: Partial<PatchReport> = {}): PatchReport {
  return {
    action: 'scan',
    region: 'cn-hangzhou',
    clientToken: 'ct-1',
    execution: execution(),
    status: 'Success',
    batches: [batch()],
    instances: [],
    totals: ZERO,
    nonCompliant: [],
    unreported: [],
    skipped: [],
    failedInstances: [],
    snapshotIds: {},
    ...over,
  };
}

const SETTINGS = { waitTimeoutMinutes: 30, failOnMissing: false };

/** Runs verdict with a recording warning; returns the warnings and the error it threw, if any. */
function judge(r: PatchReport, settings = SETTINGS): { warnings: string[]; error?: string } {
  const warnings: string[] = [];
  try {
    verdict(r, settings, { warning: (m) => warnings.push(m) });
    return { warnings };
  } catch (err) {
    expect(err).toBeInstanceOf(ActionError);
    return { warnings, error: (err as Error).message };
  }
}

describe('verdict', () => {
  it('passes a run that ended Success with every instance reported, without a warning', () => {
    expect(judge(report())).toEqual({ warnings: [] });
  });

  it('fails with the problem when the wait stopped, adding the batches that were not started', () => {
    const problem = 'Execution exec-1 did not end within wait-timeout-minutes (30); Cancelled it.';
    expect(judge(report({ problem })).error).toBe(problem);
    const later = report({
      problem,
      batches: [batch(), { index: 2, instanceCount: 500, clientToken: 'ct-2' }],
      stoppedEarly: 'batch 1 stopped',
    });
    expect(judge(later).error).toBe(`${problem} — 1 of 2 batches (500 instances) were not started: batch 1 stopped`);
  });

  it('fails a batch that timed out, naming the execution, its status and the input to raise', () => {
    const timedOut = batch({ timedOut: true, execution: execution({ status: 'Running' }) });
    expect(judge(report({ batches: [timedOut] })).error).toBe(
      `Execution exec-1 did not end within wait-timeout-minutes (30); last status Running. Follow it at ${URL}, or raise wait-timeout-minutes.`,
    );
  });

  it('fails an execution that did not end Success, with its message and request ID', () => {
    const failed = batch({ execution: execution({ status: 'Failed', statusMessage: 'Loop task failed', requestId: 'R-9' }) });
    expect(judge(report({ batches: [failed] })).error).toBe(
      `Execution exec-1 ended Failed: Loop task failed (status from request ID R-9). The summary lists what failed on which instance; details: ${URL}`,
    );
  });

  it('fails when later batches were not started, even though the started ones succeeded', () => {
    const r = report({ batches: [batch(), { index: 2, instanceCount: 7, clientToken: 'ct-2' }], stoppedEarly: 'max-errors exceeded' });
    expect(judge(r).error).toBe('1 of 2 batches (7 instances) were not started: max-errors exceeded');
  });

  it('warns about unreported instances, and passes unless fail-on-missing is set', () => {
    const r = report({ unreported: ['i-b'] });
    expect(judge(r)).toEqual({ warnings: ['No current patch state for 1 instance(s): i-b'] });
    const strict = judge(report({ unreported: ['i-b'], nonCompliant: ['i-a'] }), { ...SETTINGS, failOnMissing: true });
    expect(strict.warnings).toHaveLength(1);
    expect(strict.error).toBe('fail-on-missing: 2 instance(s) are not compliant: i-a, i-b');
  });

  it('passes non-compliant instances unless fail-on-missing is set', () => {
    expect(judge(report({ nonCompliant: ['i-a'] }))).toEqual({ warnings: [] });
    expect(judge(report({ nonCompliant: ['i-a'] }), { ...SETTINGS, failOnMissing: true }).error).toBe(
      'fail-on-missing: 1 instance(s) are not compliant: i-a',
    );
  });
});

describe('listIds', () => {
  it('lists up to the limit, then says how many more are in the report file', () => {
    const ids = Array.from({ length: 25 }, (_, i) => `i-${i}`);
    expect(listIds(ids.slice(0, 3))).toBe('i-0, i-1, i-2');
    expect(listIds(ids, 2)).toBe('i-0, i-1 and 23 more (all in the report file)');
    expect(listIds(ids).split(', ')).toHaveLength(20);
  });
});
