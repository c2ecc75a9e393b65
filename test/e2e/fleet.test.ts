/**
 * Fleets end to end through dist/: tag targeting and rate control. In fleet.slow.test.ts: batches past 1000 instances,
 * no instance carrying the tags, and tags together with instance-ids.
 */
import { readFile } from 'node:fs/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { type Emulator, sampleFleet } from '../emulator/index.js';
import { runAgainst, sampleEmulator } from './fixtures.js';
import { RUN_ID, token } from './fleet-fixtures.js';

let emulator: Emulator;
afterEach(async () => {
  await emulator.close();
});

describe('tags', () => {
  it('resolves the tagged instances with ECS, targets the tags, and reports on each of them', async () => {
    emulator = await sampleEmulator();
    const result = await runAgainst(emulator, { 'instance-ids': '', tags: 'env=staging', 'ecs-endpoint': emulator.url });
    expect(result.code, result.stdout).toBe(0);
    const tagged = Object.entries(sampleFleet())
      .filter(([, spec]) => spec.tags?.env === 'staging')
      .map(([id]) => id);
    const order = emulator.requests.map((r) => r.action);
    expect(order.indexOf('DescribeInstances')).toBeLessThan(order.indexOf('StartExecution'));
    const params = JSON.parse(emulator.startExecutionCalls()[0]?.params.Parameters ?? '') as Record<string, unknown>;
    expect(params.targets).toEqual({ Type: 'Tags', Tags: [{ Key: 'env', Value: 'staging' }], RegionId: 'cn-hangzhou' });
    expect(emulator.executions()[0]?.instanceIds.sort()).toEqual([...tagged].sort());
    expect(result.outputs['instance-count']).toBe(String(tagged.length));
    const report = JSON.parse(await readFile(result.outputs['report-file'] ?? '', 'utf8')) as { instances: Array<{ instanceId: string }> };
    expect(report.instances.map((i) => i.instanceId).sort()).toEqual([...tagged].sort());
    expect(result.outputs['client-token']).toBe(token(`${RUN_ID}|scan|cn-hangzhou|||||tags=[["env","staging"]]`));
    expect(result.summary).toContain('| Tags | `env=staging` |');
  });
});

describe('rate control', () => {
  it('sends max-concurrency and max-errors as rateControl, and they join the ClientToken', async () => {
    emulator = await sampleEmulator();
    const ids = Object.keys(sampleFleet());
    const result = await runAgainst(emulator, { 'max-concurrency': '3', 'max-errors': '10%' });
    expect(result.code, result.stdout).toBe(0);
    const params = JSON.parse(emulator.startExecutionCalls()[0]?.params.Parameters ?? '') as Record<string, unknown>;
    expect(params.rateControl).toEqual({ Mode: 'Concurrency', Concurrency: 3, MaxErrors: '10%' });
    const sorted = [...ids].sort().join(',');
    expect(result.outputs['client-token']).toBe(token(`${RUN_ID}|scan|cn-hangzhou|${sorted}||||max-concurrency=3|max-errors=10%`));
  });
});
