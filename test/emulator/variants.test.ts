import { describe, expect, it } from 'vitest';
import { DEFAULT_READINGS, EVERY_ALTERNATIVE, formatVariant, parseVariant } from './variants.js';

describe('emulator variants', () => {
  it('reads the default, every alternative, and single switches', () => {
    expect(parseVariant('default')).toEqual(DEFAULT_READINGS);
    expect(parseVariant('every-alternative')).toEqual(EVERY_ALTERNATIVE);
    expect(parseVariant('children=none, patch-statuses=plain')).toEqual({
      ...DEFAULT_READINGS,
      children: 'none',
      patchStatuses: 'plain',
    });
  });

  it('formats back to the same switches', () => {
    expect(formatVariant(DEFAULT_READINGS)).toBe('default');
    expect(parseVariant(formatVariant(EVERY_ALTERNATIVE))).toEqual(EVERY_ALTERNATIVE);
    // Every switch differs between the default and the alternative, so a new switch cannot be left out of either.
    for (const key of Object.keys(DEFAULT_READINGS) as (keyof typeof DEFAULT_READINGS)[]) {
      expect(EVERY_ALTERNATIVE[key], key).not.toBe(DEFAULT_READINGS[key]);
    }
  });

  it('refuses an unknown switch or value, naming it', () => {
    expect(() => parseVariant('colour=blue')).toThrow(/unknown variant switch colour/);
    expect(() => parseVariant('max-results=7')).toThrow(/max-results=7: expected one of 100, 50/);
  });
});
