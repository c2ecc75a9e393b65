/**
 * The fleet flows through the built action (dist/), three launches: a scan started with wait: false, the post step
 * after it, and a later job's action: report. What each phase does is tested in process (test/unit/attach/,
 * test/unit/summarize/); this proves the wiring: inputs, step state, outputs, summary, report file.
 */
import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Emulator, sampleFleet, scanResult, startEmulator } from '../emulator/index.js';
import { schemaErrors } from '../fakes/report-schema.js';
import { runAgainst, SAMPLE_IDS } from './fixtures.js';

/** The emulator's clock runs `skew` ahead of real time: a test moves an execution to its end without waiting. */
let skew = 0;
let emulator: Emulator;
beforeAll(async () => {
  emulator = await startEmulator({
    fleet: sampleFleet(),
    now: () => Date.now() + skew,
    timings: { startedMs: 100, runningMs: 10 * 60_000 },
  });
});
afterAll(async () => {
  await emulator.close();
});

describe('wait: false, then action: report in a later job (dist/)', () => {
  it('starts and returns, the post step leaves it running, and the report waits and publishes the counts', async () => {
    const main = await runAgainst(emulator, { wait: 'false' });
    expect(main.code, main.stdout).toBe(0);
    const [execution] = emulator.executions();
    const id = execution?.executionId ?? 'none';
    expect(execution?.status).toMatch(/^(Started|Running)$/);
    expect(main.outputs['execution-id']).toBe(id);
    expect(main.outputs.status).toMatch(/^(Started|Running)$/);
    expect(main.outputs['client-token']).toMatch(/^patch-[0-9a-f]{32}$/);
    expect(main.outputs['console-url']).toContain(id);
    expect(main.summary).toContain('started, not awaited');
    expect(main.summary).toContain(`execution-id: ${id}`);
    expect(main.savedState).toEqual({ isPost: 'true', executionId: id, settled: 'true' });

    const post = await runAgainst(emulator, { wait: 'false' }, { state: main.savedState });
    expect(post.code).toBe(0);
    expect(post.stdout).toContain(
      `Post: the main step saw execution ${id} through, or left it running on purpose (wait: false); nothing to clean up.`,
    );
    expect(emulator.executions()[0]?.status).toMatch(/^(Started|Running)$/);

    skew = 11 * 60_000; // the execution has ended by the time the later job runs
    const report = await runAgainst(emulator, { action: 'report', 'instance-ids': '', 'execution-id': id });
    expect(report.code, report.stdout).toBe(0);
    const all = Object.values(sampleFleet()).map(scanResult);
    const expected = { missing: all.reduce((n, c) => n + c.missing, 0), installed: all.reduce((n, c) => n + c.installed, 0) };
    expect(report.outputs['execution-id']).toBe(id);
    expect(report.outputs.status).toBe('Success');
    expect(report.outputs['instance-count']).toBe(String(SAMPLE_IDS.length));
    expect(report.outputs['missing-count']).toBe(String(expected.missing));
    expect(report.outputs['installed-count']).toBe(String(expected.installed));
    expect(report.summary).toContain(`Patch scan in cn-hangzhou: Success`);
    expect(schemaErrors(JSON.parse(await readFile(report.outputs['report-file'] ?? '', 'utf8')))).toEqual([]);
    // One StartExecution in all (the first job's); nothing cancelled.
    expect(emulator.startExecutionCalls()).toHaveLength(1);
    expect(emulator.callsOf('CancelExecution')).toHaveLength(0);
  });
});
