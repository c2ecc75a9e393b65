/**
 * action: summarize through the built action: report files of real runs, downloaded into the workspace as a
 * matrix's artifacts would be, merged by a step that has no credentials at all and no emulator to call.
 */
import { copyFile, mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Emulator } from '../emulator/index.js';
import { schemaErrors } from '../fakes/report-schema.js';
import { runAction } from './harness.js';
import { runAgainst, sampleEmulator } from './fixtures.js';

let emulator: Emulator;
let workspace: string;
beforeAll(async () => {
  emulator = await sampleEmulator();
  workspace = await mkdtemp(join(tmpdir(), 'summarize-e2e-'));
});
afterAll(async () => {
  await emulator.close();
  await rm(workspace, { recursive: true, force: true });
});

describe('action: summarize (dist/)', () => {
  it('merges the report files of two runs without credentials or any request', async () => {
    const runs = [await runAgainst(emulator, {}), await runAgainst(emulator, { 'instance-ids': 'i-bp1demo000001' })];
    for (const [n, run] of runs.entries()) {
      expect(run.code, run.stdout).toBe(0);
      await mkdir(join(workspace, 'reports', `run-${n}`), { recursive: true });
      await copyFile(run.outputs['report-file'] ?? '', join(workspace, 'reports', `run-${n}`, 'patch-report.json'));
    }
    const requests = emulator.requests.length;
    const merged = await runAction({
      inputs: { action: 'summarize', 'report-files': 'reports/**/*.json' },
      env: { GITHUB_WORKSPACE: workspace },
    });
    expect(merged.code, merged.stdout + merged.stderr).toBe(0);
    expect(emulator.requests).toHaveLength(requests);
    const counts = (name: string) => runs.reduce((n, r) => n + Number(r.outputs[name]), 0);
    for (const name of ['instance-count', 'missing-count', 'failed-count', 'installed-count'])
      expect(merged.outputs[name], name).toBe(String(counts(name)));
    expect(merged.summary).toContain('Patch summary of 2 reports');
    expect(schemaErrors(JSON.parse(await readFile(merged.outputs['report-file'] ?? '', 'utf8')))).toEqual([]);
  });
});
