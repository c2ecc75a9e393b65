/** What the fleet end-to-end tests share: the ClientToken formula, generated fleets, runs from an inventory file. */
import { createHash } from 'node:crypto';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Emulator, InstanceSpec } from '../emulator/index.js';
import type { RunResult } from './harness.js';
import { runAgainst } from './fixtures.js';

export const RUN_ID = '1001'; // the harness's GITHUB_RUN_ID
export const BATCH = 1000;

/** The README's ClientToken formula, computed here independently of src/execution/client-token.ts. */
export function token(source: string): string {
  return `patch-${createHash('sha256').update(source, 'utf8').digest('hex').slice(0, 32)}`;
}

export function fleetOf(n: number): Record<string, InstanceSpec> {
  const fleet: Record<string, InstanceSpec> = {};
  for (let i = 0; i < n; i++) fleet[`i-fleet${String(i).padStart(5, '0')}`] = { installed: 10, missing: i % 3 };
  return fleet;
}

/** Runs against an inventory file in a fresh workspace. */
export async function runWithFile(emulator: Emulator, ids: readonly string[], inputs: Record<string, string> = {}): Promise<RunResult> {
  const workspace = await mkdtemp(join(tmpdir(), 'patch-workspace-'));
  await writeFile(join(workspace, 'fleet.txt'), `# ${ids.length} instances\n${ids.join('\n')}\n`);
  return runAgainst(
    emulator,
    { 'instance-ids': '', 'instance-ids-file': 'fleet.txt', ...inputs },
    { env: { GITHUB_WORKSPACE: workspace }, timeoutMs: 120_000 },
  );
}
