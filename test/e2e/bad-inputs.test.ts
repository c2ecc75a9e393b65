/** Bad inputs, end to end against dist/ (bad-inputs-play.ts): the rows of `npm test`, one of each family of inputs. */
import { describe, expect, it } from 'vitest';
import { describeBadInputs, e2eRows } from './bad-inputs-play.js';

describeBadInputs('quick');

describe('bad inputs, end to end (dist/)', () => {
  // Every row of the table runs in process (test/unit/inputs/bad-inputs.test.ts); these few prove the wiring of each
  // family of inputs in the built action: the targets, an install-only knob, the approval gate's, and sign-in's.
  it('runs a row of each family of inputs', () => {
    const families = ['instance-ids', 'reboot-if-need', 'approval-environment', 'role-to-assume'];
    expect(e2eRows('quick').map((r) => r.input)).toEqual(families);
  });
});
