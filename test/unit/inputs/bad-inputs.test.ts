import { describe, expect, it } from 'vitest';
import { Inputs } from '../../../src/inputs/names.js';
import { InputError } from '../../../src/lib/errors.js';
import { resolveCredentials } from '../../../src/sign-in/method.js';
import { type InputReader, parseInputs } from '../../../src/inputs/parse.js';
import { readInstanceIdsFile } from '../../../src/inputs/instance-ids-file.js';
import { parseRequest } from '../../../src/inputs/flows.js';
import { BAD_INPUTS, FREE_FORM_INPUTS, GOOD_INPUTS, inputsFor } from '../../bad-inputs.js';

/** Everything the action validates before its first request, in the order run() does it. */
async function validate(read: InputReader): Promise<void> {
  const request = parseRequest(read);
  if (request.action === 'scan' || request.action === 'install') {
    await readInstanceIdsFile(request.parsed.settings, { GITHUB_WORKSPACE: process.cwd() });
  }
  resolveCredentials(read, {
    ACTIONS_ID_TOKEN_REQUEST_URL: 'https://token.example',
    ALIBABA_CLOUD_ACCESS_KEY_ID: 'k',
    ALIBABA_CLOUD_ACCESS_KEY_SECRET: 's',
  });
}

describe('bad inputs, in process', () => {
  it('the table covers every input, with at least 40 rows', () => {
    expect(BAD_INPUTS.length).toBeGreaterThanOrEqual(40);
    const covered = new Set([...BAD_INPUTS.map((r) => r.input), ...FREE_FORM_INPUTS]);
    expect([...covered].sort()).toEqual(Object.values(Inputs).sort());
  });

  it('shows a look-alike for what it is', () => {
    expect(() => parseInputs((n) => ({ ...GOOD_INPUTS, 'instance-ids': 'і-abc' })[n] ?? '')).toThrow('"\\u0456-abc" is not an instance ID');
  });

  it('the valid base is valid', async () => {
    await expect(validate((n) => GOOD_INPUTS[n] ?? '')).resolves.toBeUndefined();
  });

  it.each(BAD_INPUTS.map((r) => [r.input, r.why, r] as const))('%s: %s', async (_input, _why, row) => {
    const values = inputsFor(row);
    let error: unknown;
    try {
      // As core.getInput reads them: trimmed.
      await validate((n) => (values[n] ?? '').trim());
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
