import { describe, expect, it } from 'vitest';
import type { PatchReport } from '../../../src/report/model.js';
import { renderEarlierExecutions, renderLookups, requestHistory } from '../../../src/summary/request-history.js';
import { fitToBudget } from '../../../src/summary/budget.js';

const base = { lookups: undefined, earlierExecutions: undefined } as unknown as PatchReport;

describe('request history in the summary', () => {
  it('says nothing for a run that found nothing by tag', () => {
    expect(requestHistory(base)).toEqual([]);
  });

  it('says how each lookup went, escaping what came from the cloud', () => {
    const report = {
      ...base,
      lookups: [
        { reason: 'lost-start', tags: 'patch-action:client-token=patch-1', tagFilter: 'ignored', outcome: 'found exec-<b>1</b> | x' },
        { reason: 'rerun', tags: 'patch-action:client-token=patch-2', tagFilter: 'honoured', outcome: 'reported it', batch: 2 },
      ],
    } as PatchReport;
    const text = renderLookups(report) ?? '';
    expect(text).toContain('**Every StartExecution answer was lost**');
    expect(text).toContain("OOS listed the template's executions and the action matched the tags");
    expect(text).toContain('found exec-&lt;b&gt;1&lt;/b&gt; &#124; x');
    expect(text).toContain('Batch 2: **Re-run**');
    expect(text).toContain('OOS filtered by the tags');
  });

  it('lists the earlier executions with links, newest first, and cuts a long list with a note', () => {
    const earlier = Array.from({ length: 400 }, (_, i) => ({
      executionId: `exec-${i}`,
      status: i === 0 ? 'Failed' : 'Cancelled',
      startDate: '2026-11-29T10:00:00Z',
      runAttempt: 400 - i,
      consoleUrl: `https://oos.console.aliyun.com/cn-hangzhou/execution/detail/exec-${i}`,
    }));
    const section = renderEarlierExecutions({ ...base, earlierExecutions: earlier });
    if (!section) throw new Error('no section');
    expect(section.head).toContain('### Earlier executions of this request');
    expect(section.items[0]).toBe(
      '| [exec-0](https://oos.console.aliyun.com/cn-hangzhou/execution/detail/exec-0) | Failed | 2026-11-29T10:00:00Z | 400 |',
    );
    const budget = 4000;
    const text = fitToBudget([section], budget);
    expect(Buffer.byteLength(text)).toBeLessThanOrEqual(budget);
    expect(text).toMatch(/\*\*\d+ of 400 earlier executions not shown\*\*/);
  });
});
