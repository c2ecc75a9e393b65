/**
 * Bad inputs, end to end against dist/: the rows of test/bad-inputs.ts marked `e2e`, each played by the project it
 * names. bad-inputs.test.ts plays the `quick` rows in `npm test`, one of each family of inputs; bad-inputs.slow.test.ts
 * the `slow` ones in `npm run test:slow`. Every row of the table also runs in process
 * (test/unit/inputs/bad-inputs.test.ts).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Emulator } from '../emulator/index.js';
import { BAD_INPUTS, type BadInput, inputsFor } from '../bad-inputs.js';
import { errorsOf } from './harness.js';
import { runAgainst, sampleEmulator } from './fixtures.js';

/** The rows one project runs end to end. */
export function e2eRows(which: 'quick' | 'slow'): BadInput[] {
  return BAD_INPUTS.filter((r) => r.e2e === which);
}

/** Registers the rows of one project (`quick`: npm test; `slow`: npm run test:slow), with the emulator they share. */
export function describeBadInputs(which: 'quick' | 'slow'): void {
  let emulator: Emulator;
  beforeAll(async () => {
    emulator = await sampleEmulator();
  });
  afterAll(async () => {
    await emulator.close();
  });

  describe('bad inputs, end to end (dist/)', () => {
    it.concurrent.each(e2eRows(which).map((r) => [r.input, r.why, r] as const))(
      '%s: %s fails before any request',
      async (_input, _why, row) => {
        const result = await runAgainst(emulator, inputsFor(row));
        expect(result.code).toBe(1);
        const [error] = errorsOf(result);
        expect(error).toMatch(new RegExp(`^Input '${row.input}': `));
        // The emulator is shared: no request may carry this run's inputs. With bad inputs there is no request at all.
        expect(emulator.requests).toHaveLength(0);
        expect(result.summary).toBe('');
        expect(result.outputs).toEqual({});
      },
    );
  });
}
