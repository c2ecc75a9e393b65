import { describe, expect, it } from 'vitest';
import { escapeCell, formatDuration } from '../../../src/summary/markdown.js';
import { buildReport, combineReports } from '../../../src/report/build.js';
import { ZERO_COUNTS } from '../../../src/report/counts.js';
import type { PlanReport } from '../../../src/preflight/plan.js';
import { renderCleanup, renderNotStarted, renderSummary } from '../../../src/summary/run-summary.js';

function report(status: string, missing: number, statusMessage = '') {
  return buildReport({
    action: 'install',
    region: 'cn-hangzhou',
    clientToken: 'patch-abc',
    install: { rebootIfNeed: true, createSnapshot: true, retentionDays: 14 },
    instanceIds: ['i-a', 'i-b'],
    execution: { executionId: 'exec-9', status, statusMessage, startDate: '2026-11-22T10:00:00Z', endDate: '2026-11-22T10:01:15Z' },
    states: [
      { instanceId: 'i-a', operationEndTime: '2026-11-22T10:01:00Z', counts: { ...ZERO_COUNTS, installed: 12 } },
      { instanceId: 'i-b', operationEndTime: '2026-11-22T10:01:00Z', counts: { ...ZERO_COUNTS, installed: 3, missing } },
    ],
  });
}

describe('renderSummary', () => {
  it('leads with the answer when all is compliant', () => {
    const md = renderSummary(report('Success', 0));
    expect(md.split('\n')[0]).toBe('## ✅ Patch install in cn-hangzhou: Success');
    expect(md).toContain('**All 2 instances compliant**');
  });

  it('says how many instances need attention and puts them first', () => {
    const md = renderSummary(report('Success', 4));
    expect(md.split('\n')[0]).toContain('⚠️');
    expect(md).toContain('**1 of 2 instances needs attention**');
    const table = md.slice(md.indexOf('### Instances'));
    expect(table.indexOf('`i-b`')).toBeLessThan(table.indexOf('`i-a`'));
    expect(table).toContain('| `i-b` |  |  | ⚠️ patches missing | 4 | 0 | 0 | 3 | 0 | 0 |');
    expect(md).toContain('- ⚠️ patches missing: 1');
  });

  it('shows the plan, the token, the console link and the duration', () => {
    const md = renderSummary(report('Success', 0));
    expect(md).toContain('| Reboot if needed | yes |');
    expect(md).toContain('| Snapshot before install | yes, kept 14 days |');
    expect(md).toContain('`patch-abc`');
    expect(md).toContain('[exec-9](https://oos.console.aliyun.com/cn-hangzhou/execution/detail/exec-9): **Success** in 1m 15s');
    expect(md).toContain('| **2 instances** | 0 | 0 | 0 | 15 | 0 | 0 |');
  });

  it('shows the approval of an install right after the plan, below the answer and the instances', () => {
    const md = renderSummary({
      ...report('Success', 0),
      approval: { environment: 'production', reviewers: [{ login: 'alice', comment: 'ok' }], jobBinding: 'x' },
    });
    const at = ['Execution [exec-9]', '### Instances', '### Plan', '### Approval', '| @alice | ok |'].map((s) => md.indexOf(s));
    expect(at.every((i) => i >= 0)).toBe(true);
    expect(at).toEqual([...at].sort((a, b) => a - b));
    expect(renderSummary(report('Success', 0))).not.toContain('### Approval');
  });

  it('escapes every string from the cloud', () => {
    const md = renderSummary(report('Failed', 0, '<script>alert(1)</script> | x'));
    expect(md).not.toContain('<script>');
    expect(md).toContain('&lt;script&gt;');
    expect(md).toContain('&#124; x');
    expect(md.split('\n')[0]).toContain('❌');
  });
});

describe('failed instances without child executions', () => {
  it('says once that the failures of instances no child execution names are counted from the patch states', () => {
    const NOTE = 'No child execution was read for 2 of 2 instances: their failures are counted from the patch states';
    const md = renderSummary(report('Success', 0));
    expect(md.split(NOTE)).toHaveLength(2);
    const withChildren = buildReport({
      action: 'scan',
      region: 'cn-hangzhou',
      clientToken: 'patch-abc',
      instanceIds: ['i-a'],
      execution: { executionId: 'exec-9', status: 'Success', statusMessage: '' },
      states: [{ instanceId: 'i-a', counts: { ...ZERO_COUNTS, failed: 1 } }],
      details: [
        {
          executionId: 'exec-9',
          children: [{ executionId: 'exec-c', instanceId: 'i-a', status: 'Success', statusMessage: '' }],
          failures: {},
          patches: {},
          snapshots: {},
          problems: [],
          limits: { failedChildren: 10, patchInstances: 20, patchPages: 2, logLines: 15, logPages: 5 },
        },
      ],
    });
    expect(withChildren.failedInstances).toEqual([]);
    expect(renderSummary(withChildren)).not.toContain('No child execution was read');
  });
});

describe('markdown helpers', () => {
  it('escapes HTML, table pipes, Markdown links and newlines', () => {
    expect(escapeCell('a|b<i>[x](y)\nz & "q"')).toBe('a&#124;b&lt;i&gt;\\[x\\]\\(y\\) z &amp; &quot;q&quot;');
  });
  it('formats durations', () => {
    expect(formatDuration(5)).toBe('5s');
    expect(formatDuration(75)).toBe('1m 15s');
    expect(formatDuration(7322)).toBe('2h 2m');
  });
});

describe('partial results', () => {
  it('puts the problem right under the headline, escaped', () => {
    const r = report('Running', 0);
    r.problem = 'Execution exec-9 did not end within wait-timeout-minutes (1); <b>left</b> it running.';
    const lines = renderSummary(r).split('\n');
    expect(lines[0]).toBe('## ❌ Patch install in cn-hangzhou: Running');
    expect(lines).toContain('**The execution had not ended: last seen Running**.');
    const i = lines.indexOf('> [!WARNING]');
    expect(i).toBeGreaterThan(0);
    expect(lines[i + 1]).toContain('&lt;b&gt;left&lt;/b&gt;');
    expect(lines.indexOf('### Plan')).toBeGreaterThan(i);
  });

  it('renders a run that started nothing: the plan, the token and why', () => {
    const ids = ['i-a', 'i-b', 'i-c'];
    const plan: PlanReport = {
      kind: 'plan',
      action: 'scan',
      region: 'cn-hangzhou',
      clientToken: 'patch-abc',
      dryRun: false,
      onUnavailable: 'fail',
      requested: ids,
      targets: ids,
      skipped: [],
      preflight: { checks: [], ready: ids, unavailable: [], heartbeatMaxAgeMinutes: 30 },
    };
    const md = renderNotStarted(plan, 'StartExecution failed: Forbidden.RAM');
    expect(md.split('\n')[0]).toBe('## ❌ Patch scan in cn-hangzhou: not started');
    expect(md).toContain('> StartExecution failed: Forbidden.RAM');
    expect(md).toContain('| Instances | 3 |');
    expect(md).toContain('| ClientToken | `patch-abc` |');
  });

  it('renders the post step cleanup', () => {
    const md = renderCleanup('exec-9', 'https://example/exec-9', 'Running', 'Cancelled');
    expect(md).toContain('## ⚠️ Execution exec-9 cancelled by the post step');
    expect(md).toContain('was **Running**. The post step cancelled it: it is now **Cancelled**.');
  });
});

describe('renderSummary of batches', () => {
  it('lists every execution, the batches not started and why', () => {
    const done = report('Success', 0);
    const md = renderSummary(
      combineReports([done], [{ clientToken: 'patch-second', instanceIds: ['i-c'] }], 'execution exec-9 ended Failed.'),
    );
    expect(md.split('\n')[0]).toContain('❌');
    expect(md).toContain('**1 of 2 batches not started**: execution exec-9 ended Failed.');
    expect(md).toContain('### Executions');
    expect(md).toContain('| 1 | [exec-9](https://oos.console.aliyun.com/cn-hangzhou/execution/detail/exec-9) | **Success** | 2 |');
    expect(md).toContain('| 2 |  | not started | 1 |  |  | `patch-second` |');
    expect(md).toContain('| `i-c` |  |  | ⏸️ batch not started |');
  });
});
