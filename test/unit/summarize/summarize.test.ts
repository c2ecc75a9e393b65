/** action: summarize in process: report files in a workspace on disk, checked, merged, rendered; and the schema. */
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { InstancePatchState, PatchCounts } from '../../../src/alibaba/oos/types.js';
import { InputError } from '../../../src/lib/errors.js';
import { buildReport, combineReports } from '../../../src/report/build.js';
import { addCounts, ZERO_COUNTS } from '../../../src/report/counts.js';
import type { PatchReport } from '../../../src/report/model.js';
import { checkReportFile, planFileContent, reportFileContent } from '../../../src/report/report-file.js';
import { mergedOutputs } from '../../../src/report/outputs.js';
import { writeJsonFile } from '../../../src/runner/json-file.js';
import { globToRegExp } from '../../../src/summarize/files.js';
import { summarizePhase, summarizeVerdict } from '../../../src/summarize/phase.js';
import { renderMergedSummary } from '../../../src/summary/fleet-summary.js';
import { recordingLogger } from '../../fakes/runtime.js';
import { schemaErrors } from '../../fakes/report-schema.js';

const REGIONS = ['cn-hangzhou', 'cn-shanghai', 'ap-southeast-1'];
const dirs: string[] = [];
afterEach(async () => {
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});

function counts(missing: number, failed: number): PatchCounts {
  return { ...ZERO_COUNTS, installed: 10, missing, failed };
}

/** A region's scan: `n` instances; instance k misses (k * seed) % 4 patches; `worst` of them fail `failed` patches. */
function regionReport(region: string, n: number, seed: number, worst: { id: string; failed: number }[] = []): PatchReport {
  const ids = Array.from({ length: n }, (_, k) => `i-${region.replace(/-/g, '')}${k}`);
  const states: InstancePatchState[] = ids.map((instanceId, k) => ({ instanceId, counts: counts((k * seed) % 4, 0) }));
  for (const w of worst) states.push({ instanceId: w.id, counts: counts(1, w.failed) });
  return buildReport({
    action: 'scan',
    region,
    clientToken: `patch-${region}`,
    instanceIds: [...ids, ...worst.map((w) => w.id)],
    execution: { executionId: `exec-${region.replace(/-/g, '')}`, status: 'Success', statusMessage: '', startDate: '2026-11-30T00:00:00Z' },
    states,
  });
}

async function workspace(files: Record<string, unknown>): Promise<string> {
  const root = await mkdtemp(join(tmpdir(), 'summarize-'));
  dirs.push(root);
  for (const [name, content] of Object.entries(files)) {
    await mkdir(join(root, name, '..'), { recursive: true });
    await writeJsonFile(join(root, name), content);
  }
  return root;
}

describe('action: summarize', () => {
  it('merges three region reports: the sums of the three, and the worst instances of all three first', async () => {
    const reports = [
      regionReport(REGIONS[0] ?? '', 40, 1),
      regionReport(REGIONS[1] ?? '', 30, 3, [{ id: 'i-worst2', failed: 2 }]),
      regionReport(REGIONS[2] ?? '', 20, 2, [{ id: 'i-worst1', failed: 5 }]),
    ];
    const root = await workspace(Object.fromEntries(reports.map((r) => [`reports/${r.region}/patch-report.json`, reportFileContent(r)])));
    const merged = await summarizePhase(
      { reportFiles: ['reports/**/*.json'], failOnMissing: false },
      { GITHUB_WORKSPACE: root },
      recordingLogger(),
    );

    const sum = reports.reduce((t, r) => addCounts(t, r.totals), ZERO_COUNTS);
    expect(merged.totals).toEqual(sum);
    expect(merged.instanceCount).toBe(reports.reduce((n, r) => n + r.instances.length, 0));
    expect(merged.nonCompliant).toHaveLength(reports.reduce((n, r) => n + r.nonCompliant.length, 0));
    // Worst first across the files: the failed patches of the third and second files lead.
    expect(merged.instances.slice(0, 2).map((i) => [i.instanceId, i.region])).toEqual([
      ['i-worst1', REGIONS[2]],
      ['i-worst2', REGIONS[1]],
    ]);
    expect(merged.reports.map((r) => [r.region, r.instanceCount, r.file])).toEqual(
      // The glob's matches are sorted by path.
      [...reports]
        .sort((a, b) => a.region.localeCompare(b.region))
        .map((r) => [r.region, r.instances.length, `reports/${r.region}/patch-report.json`]),
    );

    const outputs = mergedOutputs(merged, '/tmp/patch-summary.json');
    expect(outputs['missing-count']).toBe(String(sum.missing));
    expect(outputs['failed-count']).toBe(String(sum.failed));
    expect(outputs['instance-count']).toBe(String(merged.instanceCount));
    expect(JSON.parse(outputs['execution-ids'] ?? '[]')).toHaveLength(3);

    const md = renderMergedSummary(merged);
    expect(md).toContain('Patch summary of 3 reports');
    expect(md.indexOf('`i-worst1`')).toBeLessThan(md.indexOf('`i-worst2`'));
    for (const region of REGIONS) expect(md).toContain(`| ${region} | scan | **Success** |`);
    expect(schemaErrors(merged)).toEqual([]);

    expect(() => summarizeVerdict(merged, { failOnMissing: true }, recordingLogger())).toThrow(
      `fail-on-missing: ${merged.nonCompliant.length} instance(s) across 3 reports are not compliant`,
    );
  });

  it.each([
    ['another schema version', { schemaVersion: 2 }, 'has schemaVersion 2, and this version of the action reads 1 only'],
    ['no schema version', { schemaVersion: undefined }, 'has no schemaVersion'],
    ['a plan', { kind: 'plan' }, 'is a plan'],
    ['a missing field', { instances: undefined }, 'does not match the report schema: instances is not a list'],
    [
      'a count that is not a number',
      { totals: { ...ZERO_COUNTS, missing: '3' } },
      'does not match the report schema: totals: missing is not a count',
    ],
  ])('refuses a report file with %s, naming the file; the schema refuses it too', async (_what, change, message) => {
    const good = reportFileContent(regionReport('cn-hangzhou', 3, 1));
    const bad = { ...good, ...change };
    const root = await workspace({ 'a/good.json': good, 'b/bad report.json': bad });
    const error = await summarizePhase(
      { reportFiles: ['a/good.json', 'b/*.json'], failOnMissing: false },
      { GITHUB_WORKSPACE: root },
      recordingLogger(),
    ).catch((e: unknown) => e);
    expect((error as Error).message).toContain(`Report file "b/bad report.json" ${message}`);
    expect(schemaErrors(bad)).not.toEqual([]);
  });

  it('refuses a file that is not JSON, a glob that matches nothing, and a symbolic link out of the workspace', async () => {
    const root = await workspace({ 'ok.json': reportFileContent(regionReport('cn-hangzhou', 2, 1)) });
    await writeFile(join(root, 'broken.json'), '{"schemaVersion": 1,');
    const outside = await workspace({ 'secret.json': reportFileContent(regionReport('cn-hangzhou', 2, 1)) });
    await symlink(join(outside, 'secret.json'), join(root, 'link.json'));
    const run = (pattern: string) =>
      summarizePhase({ reportFiles: [pattern], failOnMissing: false }, { GITHUB_WORKSPACE: root }, recordingLogger()).catch(
        (e: unknown) => e,
      );
    for (const [pattern, message] of [
      ['broken.json', `Input 'report-files': "broken.json" is not JSON`],
      ['nothing/*.json', `Input 'report-files': "nothing/*.json" matches no file in the workspace`],
      ['link.json', `Input 'report-files': "link.json" is outside the workspace`],
    ] as const) {
      const error = await run(pattern);
      expect(error).toBeInstanceOf(InputError);
      expect((error as Error).message).toContain(message);
    }
  });

  it('globs: ** spans directories, * and ? stay within a name', () => {
    expect(globToRegExp('reports/**/*.json').test('reports/a/b/x.json')).toBe(true);
    expect(globToRegExp('reports/**/*.json').test('reports/x.json')).toBe(true);
    expect(globToRegExp('reports/*.json').test('reports/a/x.json')).toBe(false);
    expect(globToRegExp('r?.json').test('r1.json')).toBe(true);
    expect(globToRegExp('r?.json').test('r/.json')).toBe(false);
  });
});

describe('docs/report.schema.json', () => {
  it('accepts the files the action writes (report, batched report, plan, merged) and the structural check agrees', () => {
    const one = regionReport('cn-hangzhou', 5, 1, [{ id: 'i-bad', failed: 1 }]);
    const batched = combineReports(
      [one, regionReport('cn-hangzhou', 3, 2)],
      [{ clientToken: 'patch-b3', instanceIds: ['i-late'] }],
      'the job was cancelled.',
    );
    for (const report of [one, batched]) {
      const file = reportFileContent(report);
      expect(schemaErrors(file)).toEqual([]);
      expect(checkReportFile(JSON.parse(JSON.stringify(file)), 'r.json')).toEqual(JSON.parse(JSON.stringify(file)));
    }
    const plan = planFileContent(
      {
        kind: 'plan',
        action: 'install',
        region: 'cn-hangzhou',
        install: { rebootIfNeed: true, createSnapshot: true, retentionDays: 3 },
        clientToken: 'patch-x',
        dryRun: true,
        onUnavailable: 'skip',
        requested: ['i-a', 'i-b'],
        targets: ['i-a'],
        skipped: [{ instanceId: 'i-b', verdict: 'not-running', reason: 'The instance is Stopped.' }],
        preflight: { checks: [], ready: ['i-a'], unavailable: ['i-b'], heartbeatMaxAgeMinutes: 10 },
      },
      'StartExecution failed',
    );
    expect(schemaErrors(plan)).toEqual([]);
    expect(schemaErrors({ ...plan, schemaVersion: 2 })).not.toEqual([]);
  });
});
