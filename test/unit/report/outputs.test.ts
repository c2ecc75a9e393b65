/** The step outputs of runs that start no execution: a refused StartExecution (NotStarted) and a dry run's plan. */
import { describe, expect, it } from 'vitest';
import type { PlanReport } from '../../../src/preflight/plan.js';
import { NOT_STARTED, notStartedOutputs, planOutputs } from '../../../src/report/outputs.js';

const requested = ['i-a', 'i-b', 'i-c'];
const plan: PlanReport = {
  kind: 'plan',
  action: 'install',
  region: 'cn-hangzhou',
  clientToken: 'patch-0123456789abcdef0123456789abcdef',
  dryRun: false,
  onUnavailable: 'skip',
  requested,
  targets: ['i-a', 'i-c'],
  skipped: [{ instanceId: 'i-b', verdict: 'not-running', reason: 'i-b is Stopped, not Running.' }],
  preflight: { checks: [], ready: ['i-a', 'i-c'], unavailable: [], heartbeatMaxAgeMinutes: 10 },
};
const FILE = '/runner/temp/patch-report-cn-hangzhou.json';

describe('planOutputs', () => {
  it('gives the ClientToken, the count of the targets (not of the instances asked for), the skipped IDs and the file', () => {
    expect(planOutputs(plan, FILE)).toEqual({
      'client-token': plan.clientToken,
      'instance-count': '2',
      'skipped-instances': '["i-b"]',
      'report-file': FILE,
    });
  });
});

describe('notStartedOutputs', () => {
  it('are the outputs of the plan with the status NotStarted, and no execution ID', () => {
    const outputs = notStartedOutputs(plan, FILE);
    expect(outputs).toEqual({ ...planOutputs(plan, FILE), status: NOT_STARTED });
    expect(NOT_STARTED).toBe('NotStarted');
    expect(outputs).not.toHaveProperty('execution-id');
  });
});
