/** Fleets end to end through dist/: tag targeting, rate control, batches of 1000, stopping on errors. */
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { type Emulator, type InstanceSpec, sampleFleet, startEmulator } from '../emulator/index.js';
import { errorsOf, type RunResult } from './harness.js';
import { runAgainst, sampleEmulator } from './fixtures.js';

const RUN_ID = '1001'; // the harness's GITHUB_RUN_ID
const BATCH = 1000;

/** The README's ClientToken formula, computed here independently of src/token.ts. */
function token(source: string): string {
  return `patch-${createHash('sha256').update(source, 'utf8').digest('hex').slice(0, 32)}`;
}

function fleetOf(n: number): Record<string, InstanceSpec> {
  const fleet: Record<string, InstanceSpec> = {};
  for (let i = 0; i < n; i++) fleet[`i-fleet${String(i).padStart(5, '0')}`] = { installed: 10, missing: i % 3 };
  return fleet;
}

let emulator: Emulator;
afterEach(async () => {
  await emulator.close();
});

/** Runs against an inventory file in a fresh workspace. */
async function runWithFile(ids: readonly string[], inputs: Record<string, string> = {}): Promise<RunResult> {
  const workspace = await mkdtemp(join(tmpdir(), 'patch-workspace-'));
  await writeFile(join(workspace, 'fleet.txt'), `# ${ids.length} instances\n${ids.join('\n')}\n`);
  return runAgainst(
    emulator,
    { 'instance-ids': '', 'instance-ids-file': 'fleet.txt', ...inputs },
    { env: { GITHUB_WORKSPACE: workspace }, timeoutMs: 120_000 },
  );
}

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

  it('fails before starting anything when no instance carries the tags', async () => {
    emulator = await sampleEmulator();
    const result = await runAgainst(emulator, { 'instance-ids': '', tags: '{"env": "nowhere"}', 'ecs-endpoint': emulator.url });
    expect(result.code).toBe(1);
    expect(errorsOf(result)[0]).toContain('No instance in cn-hangzhou carries the tag env=nowhere');
    expect(emulator.startExecutionCalls()).toHaveLength(0);
  });

  it('refuses tags together with instance-ids before any request', async () => {
    emulator = await sampleEmulator();
    const result = await runAgainst(emulator, { tags: 'env=prod' });
    expect(result.code).toBe(1);
    expect(errorsOf(result)[0]).toContain("Input 'tags': cannot be combined with 'instance-ids'");
    expect(emulator.requests).toHaveLength(0);
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

describe('batches', () => {
  it('runs 2,500 instances as three executions with three tokens, reported as one', async () => {
    const fleet = fleetOf(2500);
    const ids = Object.keys(fleet);
    emulator = await startEmulator({ fleet, timings: { startedMs: 50, runningMs: 150, endAtFirstCheck: true } });
    const result = await runWithFile(ids);
    expect(result.code, result.stdout).toBe(0);

    const executions = emulator.executions();
    const batches = [ids.slice(0, BATCH), ids.slice(BATCH, 2 * BATCH), ids.slice(2 * BATCH)];
    expect(executions.map((e) => e.instanceIds)).toEqual(batches);
    const tokens = batches.map((b, i) => token(`${RUN_ID}|scan|cn-hangzhou|${[...b].sort().join(',')}||||batch=${i + 1}`));
    expect(executions.map((e) => e.clientToken)).toEqual(tokens);
    // One after another: each starts after the one before ended.
    for (let i = 1; i < executions.length; i++) {
      expect(executions[i]?.createdAt).toBeGreaterThanOrEqual(executions[i - 1]?.endedAt ?? Infinity);
    }

    expect(JSON.parse(result.outputs['execution-ids'] ?? '')).toEqual(executions.map((e) => e.executionId));
    expect(result.outputs['execution-id']).toBe(executions[0]?.executionId);
    expect(result.outputs['client-token']).toBe(tokens[0]);
    expect(result.outputs.status).toBe('Success');
    expect(result.outputs['instance-count']).toBe('2500');
    const missing = Object.values(fleet).reduce((n, spec) => n + spec.missing, 0);
    expect(result.outputs['missing-count']).toBe(String(missing));

    const report = JSON.parse(await readFile(result.outputs['report-file'] ?? '', 'utf8')) as {
      instances: unknown[];
      batches: Array<{ clientToken: string; instanceCount: number }>;
    };
    expect(report.instances).toHaveLength(2500);
    expect(report.batches.map((b) => [b.clientToken, b.instanceCount])).toEqual(tokens.map((t, i) => [t, batches[i]?.length]));
    expect(result.summary).toContain('### Executions');
    for (const e of executions) expect(result.summary).toContain(e.executionId);
    // Patch states: one call per 100 instances.
    expect(emulator.callsOf('ListInstancePatchStates')).toHaveLength(Math.ceil(2500 / 100));
  });

  it('stops after a first batch that exceeded max-errors, and says so', async () => {
    const fleet = fleetOf(2500);
    const ids = Object.keys(fleet);
    const broken = ids.slice(0, 2);
    for (const id of broken) fleet[id] = { ...fleet[id], installed: 1, missing: 0, failExecution: true };
    emulator = await startEmulator({ fleet, timings: { startedMs: 50, runningMs: 150, endAtFirstCheck: true } });
    const result = await runWithFile(ids, { 'max-errors': '1' });
    expect(result.code).toBe(1);
    expect(emulator.executions()).toHaveLength(1);
    expect(emulator.executions()[0]?.status).toBe('Failed');
    expect(result.outputs.status).toBe('Failed');
    expect(JSON.parse(result.outputs['execution-ids'] ?? '')).toHaveLength(1);
    const error = errorsOf(result).join('\n');
    expect(error).toContain(`ended Failed`);
    expect(error).toContain(`2 of 3 batches (${ids.length - BATCH} instances) were not started`);
    expect(error).toContain(`${broken.length} instance(s) failed so far, more than max-errors allows (1 of the ${BATCH} run)`);
    expect(result.summary).toContain('**2 of 3 batches not started**');
  });

  it('a dry run of 1,500 instances lists the ClientToken of each batch and starts nothing', async () => {
    const fleet = fleetOf(1500);
    const ids = Object.keys(fleet);
    emulator = await startEmulator({ fleet });
    const result = await runWithFile(ids, { 'dry-run': 'true' });
    expect(result.code, result.stdout).toBe(0);
    expect(emulator.startExecutionCalls()).toHaveLength(0);
    const tokens = [ids.slice(0, BATCH), ids.slice(BATCH)].map((b, i) =>
      token(`${RUN_ID}|scan|cn-hangzhou|${[...b].sort().join(',')}||||batch=${i + 1}`),
    );
    expect(result.outputs['client-token']).toBe(tokens[0]);
    expect(result.summary).toContain('| Executions | 2 batches of at most 1000 instances, one after another |');
    expect(result.summary).toContain(`| ClientTokens | ${tokens.map((t) => `\`${t}\``).join(' ')} |`);
  });

  it('goes on while failures stay within max-errors, sending the next batch what is left', async () => {
    const fleet = fleetOf(1500);
    const ids = Object.keys(fleet);
    fleet[ids[0] ?? ''] = { installed: 1, missing: 0, failExecution: true };
    emulator = await startEmulator({ fleet, timings: { startedMs: 50, runningMs: 150, endAtFirstCheck: true } });
    const result = await runWithFile(ids, { 'max-errors': '3' });
    expect(result.code, result.stdout).toBe(0);
    const sent = emulator
      .startExecutionCalls()
      .map((c) => (JSON.parse(c.params.Parameters ?? '') as { rateControl: { MaxErrors: unknown } }).rateControl.MaxErrors);
    expect(sent).toEqual([3, 2]);
    expect(emulator.executions().map((e) => e.status)).toEqual(['Success', 'Success']);
  });
});
