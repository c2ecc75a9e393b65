import { describe, expect, it } from 'vitest';
import { Inputs } from '../../src/constants.js';
import { InputError } from '../../src/errors.js';
import { parseInputs } from '../../src/inputs.js';
import { BAD_INPUTS, GOOD_INPUTS, inputsFor } from '../bad-inputs.js';

describe('bad inputs, in process', () => {
  it('the table covers every input, with at least 40 rows', () => {
    expect(BAD_INPUTS.length).toBeGreaterThanOrEqual(40);
    expect(new Set(BAD_INPUTS.map((r) => r.input))).toEqual(new Set(Object.values(Inputs)));
  });

  it('shows a look-alike for what it is', () => {
    expect(() => parseInputs((n) => ({ ...GOOD_INPUTS, 'instance-ids': 'і-abc' })[n] ?? '')).toThrow('"\\u0456-abc" is not an instance ID');
  });

  it('the valid base is valid', () => {
    expect(() => parseInputs((n) => GOOD_INPUTS[n] ?? '')).not.toThrow();
  });

  it.each(BAD_INPUTS.map((r) => [r.input, r.why, r] as const))('%s: %s', (_input, _why, row) => {
    const values = inputsFor(row);
    let error: unknown;
    try {
      // As core.getInput reads them: trimmed.
      parseInputs((n) => (values[n] ?? '').trim());
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(InputError);
    const e = error as InputError;
    expect(e.input).toBe(row.input);
    expect(e.message.startsWith(`Input '${row.input}': `)).toBe(true);
    // Control characters never reach the message raw (it becomes a log line and an annotation).
    expect(e.message).not.toMatch(/[^\x20-\x7e]/);
  });
});
