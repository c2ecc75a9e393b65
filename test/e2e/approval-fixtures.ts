/**
 * The approval gate end to end (dist/ against the emulator, the GitHub fake and the runner's OIDC fake): the setup
 * and checks that approval.test.ts (`npm test`) and approval.slow.test.ts (`npm run test:slow`) share.
 */
import { afterEach, beforeEach, expect } from 'vitest';
import type { Emulator } from '../emulator/index.js';
import { errorsOf, type RunResult } from './harness.js';
import { type ApprovalWorld, runAgainst, sampleEmulator } from './fixtures.js';

/** The emulator of the test that runs (a fresh one for each: approvalHooks). */
export let emulator: Emulator;
let world: ApprovalWorld | undefined;

/** Registers, for each test of the file, a fresh sample emulator, closed after it with the approval world it ran in. */
export function approvalHooks(): void {
  beforeEach(async () => {
    emulator = await sampleEmulator();
  });
  afterEach(async () => {
    await Promise.all([emulator.close(), world?.close()]);
    world = undefined;
  });
}

/** Closes `w` after the test. */
export function closeAfterTest(w: ApprovalWorld): void {
  world = w;
}

export async function install(w: ApprovalWorld, inputs: Record<string, string> = {}, env: Record<string, string> = {}): Promise<RunResult> {
  closeAfterTest(w);
  return runAgainst(emulator, { action: 'install', ...inputs }, { approval: w, env });
}

/** The run failed before anything was started, with a message containing each of `parts`. */
export function expectRefused(result: RunResult, ...parts: string[]): string {
  expect(emulator.startExecutionCalls(), result.stdout).toHaveLength(0);
  expect(emulator.requests).toHaveLength(0);
  expect(result.code).toBe(1);
  const errors = errorsOf(result).join('\n');
  expect(errors).toContain('No install: ');
  // Annotations escape newlines as %0A; the YAML advice is multi-line.
  const message = errors.replace(/%0A/g, '\n');
  for (const part of parts) expect(message).toContain(part);
  expect(result.summary).toBe('');
  return message;
}
