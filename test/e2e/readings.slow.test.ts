/**
 * The action (dist/) under every alternative reading of the unconfirmed OOS facts at once (docs/cloud-facts.md): the
 * main scenarios of action.test.ts and action.slow.test.ts, then runs that show each fallback was taken, not merely that
 * nothing broke.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { type Emulator, EVERY_ALTERNATIVE, type InstanceSpec, type Readings, sampleFleet, startEmulator } from '../emulator/index.js';
import { describeActionScenarios } from './action-scenarios.js';
import { runAgainst } from './fixtures.js';

describe('every alternative reading', () => {
  describeActionScenarios('all', EVERY_ALTERNATIVE);
});

describe('each fallback, taken by the built action', () => {
  const running: Emulator[] = [];
  afterEach(async () => {
    await Promise.all(running.splice(0).map((e) => e.close()));
  });

  async function emulatorWith(fleet: Record<string, InstanceSpec>, variant: Partial<Readings>): Promise<Emulator> {
    const emulator = await startEmulator({ fleet, timings: { startedMs: 100, runningMs: 300 }, variant });
    running.push(emulator);
    return emulator;
  }

  it('400 instances under every alternative: no request over 8 KiB, MaxResults 50 after one refusal, children by ParentExecutionId, plain PatchStatuses', async () => {
    const fleet: Record<string, InstanceSpec> = Object.fromEntries(
      Array.from({ length: 400 }, (_, i) => [
        `i-bp1wide${String(i).padStart(8, '0')}`,
        { installed: 3, missing: i % 7 === 0 ? 2 : 0, failExecution: i === 5, os: 'linux' as const },
      ]),
    );
    const ids = Object.keys(fleet);
    const emulator = await emulatorWith(fleet, EVERY_ALTERNATIVE);
    const result = await runAgainst(emulator, { action: 'scan', 'instance-ids': ids.join(','), 'max-errors': '1' });
    expect(result.code, result.stdout).toBe(0);
    expect(emulator.requests.filter((r) => r.statusCode === 414)).toEqual([]);
    expect(emulator.executions()).toHaveLength(1);
    for (const action of ['ListInstancePatchStates', 'ListInstancePatches', 'ListExecutionLogs']) {
      // One request with 100, refused; every later one with 50.
      const sizes = emulator.callsOf(action).map((r) => r.params.MaxResults);
      expect(
        sizes.filter((s) => s === '100'),
        action,
      ).toHaveLength(1);
      expect(emulator.callsOf(action).find((r) => r.params.MaxResults === '100')?.statusCode, action).toBe(400);
      expect(sizes.filter((s) => s === '50').length, action).toBe(sizes.length - 1);
    }
    expect(emulator.callsOf('ListExecutions').some((r) => r.params.ParentExecutionId !== undefined)).toBe(true);
    expect(emulator.callsOf('ListInstancePatches').some((r) => r.params.PatchStatuses === 'Missing')).toBe(true);
    // The failed child was found through ListExecutions, and its log read.
    const failed = ids[5] ?? '';
    expect(result.summary).toContain(failed);
    expect(result.summary).toContain('Patch operation failed');
    expect(result.summary).not.toContain('OOS named no child execution');
  });

  it('children=none: the summary says so once, and the run still reports every instance', async () => {
    const emulator = await emulatorWith(sampleFleet(), { ...EVERY_ALTERNATIVE, children: 'none' });
    const result = await runAgainst(emulator, { action: 'scan' });
    expect(result.code, result.stdout).toBe(0);
    expect(result.summary.split('OOS named no child execution').length - 1).toBe(1);
    expect(result.outputs['instance-count']).toBe(String(Object.keys(sampleFleet()).length));
  });
});
