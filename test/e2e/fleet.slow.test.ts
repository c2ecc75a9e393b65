/**
 * Fleets end to end through dist/, in `npm run test:slow`. Batches past 1000 instances (thousands of instances each). In
 * process, in milliseconds, `npm test` covers the same logic: the batches one after another with their own tokens
 * (test/unit/execution/phase.test.ts), max-errors handed on and the stop after a batch that exceeded it
 * (test/unit/execution/batch-errors.test.ts, batches.test.ts), and the dry run's batch tokens
 * (test/unit/preflight/phase.test.ts). Also here, two tag scenarios whose logic `npm test` covers in process, and whose
 * wiring a scenario of `npm test` runs end to end:
 * - no instance carries the tags: test/unit/preflight/tags.test.ts "resolveTags > fails when no instance carries them"
 *   (and "stops asking once the intersection is empty"); end to end, fleet.test.ts resolves tags through ECS (main.ts
 *   calls resolveTags) before StartExecution;
 * - tags together with instance-ids: test/unit/inputs/parse.test.ts "parseInputs > takes the instances from exactly one
 *   of instance-ids, instance-ids-file and tags"; the input-error wiring end to end stays covered by the quick rows of
 *   bad-inputs.test.ts.
 */
import { readFile } from 'node:fs/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { type Emulator, startEmulator } from '../emulator/index.js';
import { errorsOf } from './harness.js';
import { runAgainst, sampleEmulator } from './fixtures.js';
import { BATCH, fleetOf, RUN_ID, runWithFile as runWithFileOn, token } from './fleet-fixtures.js';

let emulator: Emulator;
afterEach(async () => {
  await emulator.close();
});

const runWithFile = (ids: readonly string[], inputs: Record<string, string> = {}) => runWithFileOn(emulator, ids, inputs);

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

describe('tags', () => {
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
