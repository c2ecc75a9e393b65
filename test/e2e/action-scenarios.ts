/**
 * The main end-to-end scenarios (dist/ against the emulator), as a function of the readings the emulator plays:
 * action.test.ts runs those of `npm test` under the default readings, action.slow.test.ts those of `npm run test:slow`
 * (what `npm test` covers in process) under the default readings, readings.slow.test.ts all of them under every
 * alternative.
 */
import { readFile } from 'node:fs/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type Emulator, installResult, type Readings, sampleFleet, scanResult } from '../emulator/index.js';
import { errorsOf } from './harness.js';
import { APPROVAL, approvedWorld, runAgainst, SAMPLE_IDS, sampleEmulator } from './fixtures.js';

type Counts = ReturnType<typeof scanResult>;

function sum(all: Counts[], key: keyof Counts): string {
  return String(all.reduce((s, c) => s + c[key], 0));
}

function expectTotals(outputs: Record<string, string>, all: Counts[]): void {
  expect(outputs['installed-count']).toBe(sum(all, 'installed'));
  expect(outputs['installed-other-count']).toBe(sum(all, 'installedOther'));
  expect(outputs['installed-pending-reboot-count']).toBe(sum(all, 'installedPendingReboot'));
  expect(outputs['installed-rejected-count']).toBe(sum(all, 'installedRejected'));
  expect(outputs['missing-count']).toBe(sum(all, 'missing'));
  expect(outputs['failed-count']).toBe(sum(all, 'failed'));
}

function nonCompliant(all: Record<string, Counts>): string[] {
  return Object.entries(all)
    .filter(([, c]) => c.missing > 0 || c.failed > 0 || c.installedPendingReboot > 0)
    .map(([id]) => id);
}

/** The emulator of the test that runs: a fresh one for each (describeActionScenarios). */
let emulator: Emulator;

/**
 * Registers the scenarios of one project (`quick`: npm test; `slow`: npm run test:slow) or of both (`all`), each with a
 * fresh emulator playing `variant`.
 */
export function describeActionScenarios(which: 'quick' | 'slow' | 'all', variant: Partial<Readings> = {}): void {
  beforeEach(async () => {
    emulator = await sampleEmulator({ variant });
  });
  afterEach(async () => {
    await emulator.close();
  });
  if (which !== 'slow') describeQuickScenarios();
  if (which !== 'quick') describeSlowScenarios();
}

/** The scenarios of `npm test`: the wiring of a scan, an install, a failed execution and a re-run. */
function describeQuickScenarios(): void {
  describe('scan', () => {
    it('succeeds and reports every instance', async () => {
      const result = await runAgainst(emulator, { action: 'scan' });
      expect(result.code, result.stdout).toBe(0);
      const expected = Object.fromEntries(Object.entries(sampleFleet()).map(([id, spec]) => [id, scanResult(spec)]));
      expectTotals(result.outputs, Object.values(expected));
      expect(JSON.parse(result.outputs['non-compliant-instances'] ?? '')).toEqual(nonCompliant(expected));
      expect(result.outputs['instance-count']).toBe(String(SAMPLE_IDS.length));
      expect(result.outputs.status).toBe('Success');
      const [execution] = emulator.executions();
      expect(result.outputs['execution-id']).toBe(execution?.executionId);
      expect(result.outputs['console-url']).toBe(`https://oos.console.aliyun.com/cn-hangzhou/execution/detail/${execution?.executionId}`);
      expect(result.outputs['client-token']).toMatch(/^patch-[0-9a-f]{32}$/);

      const report = JSON.parse(await readFile(result.outputs['report-file'] ?? '', 'utf8')) as { instances: unknown[] };
      expect(report.instances).toHaveLength(SAMPLE_IDS.length);

      expect(result.summary).toContain('## ⚠️ Patch scan in cn-hangzhou: Success');
      expect(result.summary).toContain(`**${nonCompliant(expected).length} of ${SAMPLE_IDS.length} instances need attention**`);
      for (const id of SAMPLE_IDS) expect(result.summary).toContain(`\`${id}\``);
      expect(result.stdout).toContain(`Execution ${execution?.executionId}: Success`);
    });

    it('sends StartExecution with exactly the documented parameters, the IDs in canonical order', async () => {
      const result = await runAgainst(emulator, { action: 'scan', 'instance-ids': 'i-bp1demo000002 i-bp1demo000001' });
      expect(result.code).toBe(0);
      const calls = emulator.startExecutionCalls();
      expect(calls).toHaveLength(1);
      const params = { ...calls[0]?.params };
      expect(JSON.parse(params.Parameters ?? '')).toEqual({
        regionId: 'cn-hangzhou',
        action: 'scan',
        targets: { Type: 'ResourceIds', ResourceIds: ['i-bp1demo000001', 'i-bp1demo000002'], RegionId: 'cn-hangzhou' },
        rateControl: { Mode: 'Concurrency', Concurrency: 10, MaxErrors: 0 },
      });
      expect(JSON.parse(params.Tags ?? '')).toEqual({
        'patch-action:client-token': result.outputs['client-token'],
        'patch-action:repository': 'octo-org/patching',
        'patch-action:run-id': expect.any(String) as string,
        'patch-action:run-attempt': '1',
        'patch-action:action': 'scan',
      });
      delete params.Parameters;
      delete params.Tags;
      expect(params).toEqual({
        RegionId: 'cn-hangzhou',
        TemplateName: 'ACS-ECS-BulkyApplyPatchBaseline',
        Mode: 'Automatic',
        SafetyCheck: 'Skip',
        ClientToken: result.outputs['client-token'],
      });
    });
  });

  describe('install', () => {
    it('succeeds with the install knobs and the counts after installing', async () => {
      const result = await runAgainst(emulator, {
        action: 'install',
        'reboot-if-need': 'true',
        'create-snapshot': 'true',
        'retention-days': '14',
      });
      expect(result.code, result.stdout).toBe(0);
      const params = JSON.parse(emulator.startExecutionCalls()[0]?.params.Parameters ?? '') as Record<string, unknown>;
      expect(params).toMatchObject({ action: 'install', rebootIfNeed: true, whetherCreateSnapshot: true, retentionDays: 14 });
      const expected = Object.fromEntries(Object.entries(sampleFleet()).map(([id, spec]) => [id, installResult(spec, true).counts]));
      expectTotals(result.outputs, Object.values(expected));
      expect(JSON.parse(result.outputs['non-compliant-instances'] ?? '')).toEqual(nonCompliant(expected));
      expect(result.summary).toContain('| Reboot if needed | yes |');
    });

    it('leaves pending reboots without reboot-if-need, and fail-on-missing fails the step', async () => {
      const result = await runAgainst(emulator, { action: 'install', 'fail-on-missing': 'true' });
      const expected = Object.fromEntries(Object.entries(sampleFleet()).map(([id, spec]) => [id, installResult(spec, false).counts]));
      expectTotals(result.outputs, Object.values(expected));
      const bad = nonCompliant(expected);
      expect(bad.length).toBeGreaterThan(0);
      expect(result.code).toBe(1);
      expect(errorsOf(result).join('\n')).toContain(`fail-on-missing: ${bad.length} instance(s) are not compliant`);
    });
  });

  describe('failures', () => {
    it('a failed execution fails the step but still reports', async () => {
      emulator.updateInstance('i-bp1demo000004', { failExecution: true });
      const result = await runAgainst(emulator, { action: 'scan' });
      expect(result.code).toBe(1);
      expect(result.outputs.status).toBe('Failed');
      expect(errorsOf(result).join('\n')).toMatch(new RegExp(`Execution ${result.outputs['execution-id']} ended Failed`));
      expect(errorsOf(result).join('\n')).toMatch(/\(status from request ID [0-9A-F-]{36}\)/);
      expect(result.summary).toContain('## ❌ Patch scan in cn-hangzhou: Failed');
    });
  });

  describe('idempotency', () => {
    it('the same run and inputs twice make one execution: the re-run finds it by its tags and reports it', async () => {
      const first = await runAgainst(emulator, { action: 'install' });
      // A re-run is attempt 2: its job's OIDC token and check run say so (the gate checks both against the runner).
      const rerun = await approvedWorld({
        oidc: { claims: { environment: APPROVAL.environment, run_attempt: '2' } },
        github: { jobs: { [APPROVAL.checkRunId]: { runId: Number(APPROVAL.runId), runAttempt: 2 } } },
      });
      const second = await runAgainst(emulator, { action: 'install' }, { env: { GITHUB_RUN_ATTEMPT: '2' }, approval: rerun }).finally(() =>
        rerun.close(),
      );
      expect(first.code).toBe(0);
      expect(second.code).toBe(0);
      expect(emulator.startExecutionCalls()).toHaveLength(1);
      expect(emulator.executions()).toHaveLength(1);
      expect(emulator.executions()[0]?.tags).toEqual({
        'patch-action:client-token': first.outputs['client-token'],
        'patch-action:repository': 'octo-org/patching',
        'patch-action:run-id': expect.any(String) as string,
        'patch-action:run-attempt': '1',
        'patch-action:action': 'install',
      });
      expect(second.outputs['execution-id']).toBe(first.outputs['execution-id']);
      expect(second.outputs['client-token']).toBe(first.outputs['client-token']);
      expect(second.stdout).toContain('attempt 2');
      expect(second.stdout).toContain(`Execution ${first.outputs['execution-id']} (started by attempt 1`);
      expect(second.stdout).toContain('ended Success: reporting it; nothing new is started.');
      expect(second.summary).toContain('**Re-run**: looked for the executions tagged');
    });
  });
}

/**
 * What `npm test` covers in process: missing credentials (test/unit/sign-in/method.test.ts "resolveCredentials: errors >
 * no credentials names the three ways with a YAML example of OIDC"); the sign-in failure wiring end to end stays
 * covered by credentials.test.ts.
 */
function describeSlowScenarios(): void {
  describe('failures', () => {
    it('missing credentials fail before any request', async () => {
      const result = await runAgainst(emulator, {}, { env: { ALIBABA_CLOUD_ACCESS_KEY_ID: '', ALIBABA_CLOUD_ACCESS_KEY_SECRET: '' } });
      expect(result.code).toBe(1);
      expect(errorsOf(result)[0]).toContain('No Alibaba Cloud credentials');
      expect(emulator.requests).toHaveLength(0);
    });
  });
}
