/**
 * Pre-flight, on-unavailable and dry-run, end to end: dist/ against the emulator's ECS and OOS (preflight-fixtures.ts).
 * A dry run with skips followed by the real run (two runs) is in preflight.slow.test.ts.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { errorsOf } from './harness.js';
import { runAgainst, SAMPLE_IDS } from './fixtures.js';
import { ALL, emulator, NO_AGENT, preflightHooks, PROBLEMS, STALE, STOPPED, UNKNOWN } from './preflight-fixtures.js';

preflightHooks();

/** The documented ClientToken formula, computed independently of src/token.ts. */
function expectedToken(runId: string, action: string, ids: string[], knobs = ['', '', '']): string {
  const source = [runId, action, 'cn-hangzhou', [...ids].sort().join(','), ...knobs].join('|');
  return `patch-${createHash('sha256').update(source).digest('hex').slice(0, 32)}`;
}

describe('pre-flight with on-unavailable: fail (the default)', () => {
  it('starts nothing, names every instance with its reason, and asks ECS about each', async () => {
    const result = await runAgainst(emulator, { 'instance-ids': ALL.join(',') });
    expect(result.code).toBe(1);
    expect(emulator.startExecutionCalls()).toHaveLength(0);
    const error = errorsOf(result).join('\n');
    expect(error).toContain(`${PROBLEMS.length} of ${ALL.length} instance(s) cannot be patched`);
    expect(error).toContain(`${UNKNOWN}: not found in this region`);
    expect(error).toContain(`${STOPPED}: status is Stopped`);
    expect(error).toContain(`${NO_AGENT}: the Cloud Assistant agent is not installed`);
    expect(error).toContain(`${STALE}: the Cloud Assistant agent is offline with last heartbeat 2 h ago`);
    expect(error).toContain('on-unavailable: skip');

    expect(result.summary).toContain('## ❌ pre-flight stopped the patch scan in cn-hangzhou');
    expect(result.summary).toContain(`**Nothing was started**: ${PROBLEMS.length} of ${ALL.length} instances failed pre-flight`);
    for (const [id, label] of [
      [UNKNOWN, '❓ not found'],
      [STOPPED, '⏹️ not running'],
      [NO_AGENT, '🚫 no Cloud Assistant agent'],
      [STALE, '💤 agent heartbeat stale'],
      [SAMPLE_IDS[0] ?? '', '✅ ready'],
    ]) {
      expect(result.summary).toMatch(new RegExp(`\\| \`${id}\` \\|.*\\| ${label}`));
    }
    expect(JSON.parse(result.outputs['skipped-instances'] ?? '')).toEqual(PROBLEMS);
    const plan = JSON.parse(await readFile(result.outputs['report-file'] ?? '', 'utf8')) as { preflight: { checks: unknown[] } };
    expect(plan.preflight.checks).toHaveLength(ALL.length);

    // ECS is asked about every instance, and about the agent only of the Running ones.
    const described = emulator.callsOf('DescribeInstances').flatMap((r) => JSON.parse(r.params.InstanceIds ?? '[]') as string[]);
    expect(described.sort()).toEqual([...ALL].sort());
    const asked = emulator
      .callsOf('DescribeCloudAssistantStatus')
      .flatMap((r) => Object.entries(r.params).filter(([k]) => k.startsWith('InstanceId.')))
      .map(([, v]) => v);
    expect(asked.sort()).toEqual([...SAMPLE_IDS, NO_AGENT, STALE].sort());
  });
});

describe('pre-flight with on-unavailable: skip', () => {
  it('patches only the ready instances, reports the skipped ones, and tokens over what was sent', async () => {
    const result = await runAgainst(emulator, { 'instance-ids': ALL.join(','), 'on-unavailable': 'skip' });
    expect(result.code, result.stdout).toBe(0);
    const calls = emulator.startExecutionCalls();
    expect(calls).toHaveLength(1);
    const params = JSON.parse(calls[0]?.params.Parameters ?? '') as { targets: { ResourceIds: string[] } };
    expect(params.targets.ResourceIds).toEqual(SAMPLE_IDS);
    expect(result.outputs['client-token']).toBe(expectedToken('1001', 'scan', SAMPLE_IDS));
    expect(calls[0]?.params.ClientToken).toBe(result.outputs['client-token']);
    expect(JSON.parse(result.outputs['skipped-instances'] ?? '')).toEqual(PROBLEMS);
    expect(result.outputs['instance-count']).toBe(String(SAMPLE_IDS.length));
    expect(result.stdout).toMatch(/::warning title=Instances skipped by pre-flight::Pre-flight: skipping 4 of 10 instance\(s\)/);
    expect(result.summary).toContain(`**${PROBLEMS.length} instances skipped by pre-flight**`);
    expect(result.summary).toContain('### Skipped by pre-flight');
    expect(result.summary).toContain(`| Instances | ${ALL.length} (${PROBLEMS.length} skipped by pre-flight) |`);
  });
});

describe('dry-run', () => {
  it('writes the plan and stops with success, without StartExecution', async () => {
    const result = await runAgainst(emulator, { action: 'install', 'create-snapshot': 'true', 'dry-run': 'true' });
    expect(result.code, result.stdout).toBe(0);
    expect(emulator.startExecutionCalls()).toHaveLength(0);
    expect(emulator.requests.filter((r) => r.version === '2019-06-01')).toHaveLength(0);
    expect(result.summary).toContain('## 🧪 Dry run: patch install in cn-hangzhou is ready to start');
    expect(result.summary).toContain(`**${SAMPLE_IDS.length} instances would be patched.**`);
    expect(result.summary).toContain('| Snapshot before install | yes, kept 7 days |');
    expect(result.stdout).toContain('Nothing was started');
    expect(result.outputs['execution-id']).toBeUndefined();
    expect(JSON.parse(result.outputs['skipped-instances'] ?? '')).toEqual([]);
  });

  it('still fails when pre-flight would stop the real run', async () => {
    const result = await runAgainst(emulator, { 'instance-ids': ALL.join(','), 'dry-run': 'true' });
    expect(result.code).toBe(1);
    expect(emulator.startExecutionCalls()).toHaveLength(0);
    expect(result.summary).toContain('## ❌ Dry run: pre-flight stopped the patch scan');
  });
});
