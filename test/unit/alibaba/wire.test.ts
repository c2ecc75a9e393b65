import { describe, expect, it } from 'vitest';
import { nonEmptyText, presentFields, scalarText, text } from '../../../src/alibaba/wire.js';

describe('reading wire fields', () => {
  const values: unknown[] = ['abc', '', 42, null, undefined, { a: 1 }, true];

  it('text keeps strings, else ""', () => {
    expect(values.map(text)).toEqual(['abc', '', '', '', '', '', '']);
  });

  it('nonEmptyText keeps strings that say something, else undefined', () => {
    expect(values.map(nonEmptyText)).toEqual(['abc', undefined, undefined, undefined, undefined, undefined, undefined]);
  });

  it('scalarText keeps strings and numbers as text, else ""', () => {
    expect(values.map(scalarText)).toEqual(['abc', '', '42', '', '', '', '']);
  });

  it('presentFields keeps only the fields that read as something, in order', () => {
    expect(presentFields({ startDate: '2026-01-01', endDate: '', other: 7 })).toEqual({ startDate: '2026-01-01' });
    expect(presentFields({ version: 2, at: 'x' }, scalarText)).toEqual({ version: '2', at: 'x' });
    expect(presentFields({ a: undefined })).toEqual({});
  });
});
