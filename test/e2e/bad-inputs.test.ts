import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Emulator } from '../emulator/index.js';
import { BAD_INPUTS, inputsFor } from '../bad-inputs.js';
import { errorsOf } from './harness.js';
import { runAgainst, sampleEmulator } from './fixtures.js';

const rows = BAD_INPUTS.filter((r) => r.e2e);

let emulator: Emulator;
beforeAll(async () => {
  emulator = await sampleEmulator();
});
afterAll(async () => {
  await emulator.close();
});

describe('bad inputs, end to end (dist/)', () => {
  // Every row of the table runs in process (test/unit/inputs/bad-inputs.test.ts); these few prove the wiring of each
  // family of inputs in the built action: the targets, an install-only knob, the approval gate's, and sign-in's.
  it('runs a row of each family of inputs', () => {
    const families = ['region', 'instance-ids', 'tags', 'reboot-if-need', 'approval-environment', 'role-to-assume', 'access-key-secret'];
    expect(rows.map((r) => r.input)).toEqual(families);
  });

  it.concurrent.each(rows.map((r) => [r.input, r.why, r] as const))('%s: %s fails before any request', async (_input, _why, row) => {
    const result = await runAgainst(emulator, inputsFor(row));
    expect(result.code).toBe(1);
    const [error] = errorsOf(result);
    expect(error).toMatch(new RegExp(`^Input '${row.input}': `));
    // The emulator is shared: no request may carry this run's inputs. With bad inputs there is no request at all.
    expect(emulator.requests).toHaveLength(0);
    expect(result.summary).toBe('');
    expect(result.outputs).toEqual({});
  });
});
