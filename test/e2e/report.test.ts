/** What a person reads after an execution, end to end: dist/ against the emulator. */
import { readFile } from 'node:fs/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { childExecutionId, type Emulator, PATCH_TASK, sampleFleet } from '../emulator/index.js';
import { errorsOf } from './harness.js';
import { runAgainst, SAMPLE_IDS, sampleEmulator } from './fixtures.js';

const BROKEN = 'i-bp1brokenwin01';
const EVIL = '<script>alert(1)</script> | pipe';
const IDS = [...SAMPLE_IDS, BROKEN];

let emulator: Emulator;
beforeEach(async () => {
  emulator = await sampleEmulator({
    fleet: {
      ...sampleFleet(),
      [BROKEN]: {
        installed: 40,
        missing: 6,
        os: 'windows',
        name: `win ${EVIL}`,
        failExecution: true,
        failureMessage: `wusa.exe exited 0x80070005 ${EVIL}`,
        failureLog: ['Searching for updates...', `Installing KB5031058 ${EVIL}`, 'Access is denied.'],
      },
    },
  });
});
afterEach(async () => {
  await emulator.close();
});

interface ReportFile {
  instances: Array<{
    instanceId: string;
    osType?: string;
    child?: { executionId: string; status: string };
    patches?: { items: unknown[] };
  }>;
  failedInstances: string[];
  snapshotIds: Record<string, string>;
}

describe('after an install with snapshots', () => {
  it('reports each child execution, the failure with its log, the patches and the snapshots', async () => {
    const result = await runAgainst(emulator, {
      'instance-ids': IDS.join(','),
      action: 'install',
      'create-snapshot': 'true',
      'retention-days': '3',
    });
    expect(result.code).toBe(1);
    const [execution] = emulator.executions();
    const parent = execution?.executionId ?? '';

    // One error annotation for the failed instance, titled with it, with the failing task and the last log lines.
    const annotation = result.stdout.split('\n').find((l) => l.startsWith(`::error title=Patching failed on ${BROKEN}`));
    expect(annotation).toBeDefined();
    expect(annotation).toContain(`Task ${PATCH_TASK} failed: wusa.exe exited 0x80070005`);
    expect(annotation).toContain('Access is denied.');
    expect(errorsOf(result).some((e) => e.includes(`ended Failed`))).toBe(true);

    // Snapshots: one per instance, exactly the emulator's, named after each child execution.
    const snapshotIds = JSON.parse(result.outputs['snapshot-ids'] ?? '') as Record<string, string>;
    const created = emulator.snapshots();
    expect(Object.keys(snapshotIds).sort()).toEqual([...IDS].sort());
    for (const id of IDS) {
      const snapshot = created.find((s) => s.instanceId === id);
      expect(snapshotIds[id]).toBe(snapshot?.snapshotId);
      expect(snapshot?.snapshotName).toBe(`Snapshot-${childExecutionId(parent, id)}`);
      expect(result.summary).toContain(`| \`${id}\` | \`${snapshot?.snapshotId}\` | accomplished |`);
    }
    expect(result.summary).toContain('| 3 days |');

    // The summary: answer, worst first, the failure in a collapsible section, escaped.
    expect(result.summary.split('\n')[0]).toBe('## ❌ Patch install in cn-hangzhou: Failed');
    expect(result.summary).toContain('- ❌ execution failed: 1');
    const table = result.summary.slice(result.summary.indexOf('### Instances'));
    expect(table.indexOf(`\`${BROKEN}\``)).toBeLessThan(table.indexOf('`i-bp1demo000001`'));
    expect(result.summary).toContain(`<details><summary>❌ <code>${BROKEN}</code> win &lt;script&gt;`);
    expect(result.summary).toContain('Installing KB5031058 &lt;script&gt;alert(1)&lt;/script&gt; | pipe');
    expect(result.summary).not.toContain('<script>');
    expect(result.summary).toMatch(/\| `i-bp1demo000005` \| db-1 \| .* \| ❌ patches failed \|/);

    // The report file has everything, per instance.
    const report = JSON.parse(await readFile(result.outputs['report-file'] ?? '', 'utf8')) as ReportFile;
    expect(report.failedInstances).toEqual([BROKEN]);
    const broken = report.instances.find((i) => i.instanceId === BROKEN);
    expect(broken?.child).toMatchObject({ executionId: childExecutionId(parent, BROKEN), status: 'Failed' });
    expect(broken?.osType).toBe('windows');
    expect(report.instances.find((i) => i.instanceId === 'i-bp1demo000005')?.patches?.items).toHaveLength(2);
    expect(report.snapshotIds).toEqual(snapshotIds);
  });
});

describe('after a scan', () => {
  it('lists the missing patches of the instances that need them, and no snapshots', async () => {
    const result = await runAgainst(emulator, { action: 'scan' });
    expect(result.code, result.stdout).toBe(0);
    expect(result.outputs['snapshot-ids']).toBe('{}');
    expect(result.summary).not.toContain('### Snapshots');
    expect(result.summary).toContain('<details><summary>⚠️ <code>i-bp1demo000004</code> api-1: 7 missing</summary>');
    const rows = result.summary.split('\n').filter((l) => l.includes('⚠️ Missing'));
    expect(rows.length).toBe(Object.values(sampleFleet()).reduce((n, s) => n + s.missing, 0));
    expect(emulator.callsOf('DescribeSnapshots')).toHaveLength(0);
    expect(errorsOf(result)).toEqual([]);
  });
});
