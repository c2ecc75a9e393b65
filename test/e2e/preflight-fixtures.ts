/**
 * Pre-flight end to end (dist/ against the emulator's ECS and OOS): the fleet with instances that fail pre-flight,
 * which preflight.test.ts (`npm test`) and preflight.slow.test.ts (`npm run test:slow`) share.
 */
import { afterEach, beforeEach } from 'vitest';
import { type Emulator, sampleFleet } from '../emulator/index.js';
import { SAMPLE_IDS, sampleEmulator } from './fixtures.js';

export const STOPPED = 'i-bp1stopped0001';
export const NO_AGENT = 'i-bp1noagent0001';
export const STALE = 'i-bp1staleagent01';
export const UNKNOWN = 'i-bp1doesnotexist';
export const PROBLEMS = [STOPPED, NO_AGENT, STALE, UNKNOWN];
export const ALL = [...SAMPLE_IDS, ...PROBLEMS];

/** The emulator of the test that runs (a fresh one for each: preflightHooks). */
export let emulator: Emulator;

/**
 * Registers, for each test of the file, a fresh emulator: the sample fleet, a stopped instance, one without an agent
 * and one whose agent is stale.
 */
export function preflightHooks(): void {
  beforeEach(async () => {
    emulator = await sampleEmulator({
      fleet: {
        ...sampleFleet(),
        [STOPPED]: { installed: 10, missing: 1, status: 'Stopped', os: 'windows', name: 'stopped-win' },
        [NO_AGENT]: { installed: 10, missing: 1, agent: { installed: false }, name: 'bare' },
        [STALE]: { installed: 10, missing: 1, agent: { installed: true, lastHeartbeatAgoMs: 2 * 3600_000 }, name: 'stale' },
      },
    });
  });
  afterEach(async () => {
    await emulator.close();
  });
}
