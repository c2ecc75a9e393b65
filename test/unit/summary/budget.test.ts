import { describe, expect, it } from 'vitest';
import { characters, fitToBudget, type Section, share, utf8Bytes } from '../../../src/summary/budget.js';

function section(name: string, n: number, size = 10): Section {
  return {
    head: `## ${name}`,
    items: Array.from({ length: n }, (_, i) => `${name}${i}`.padEnd(size, '.')),
    more: (omitted, total) => `(${omitted} of ${total} ${name} left out)`,
  };
}

describe('share', () => {
  it('gives small needs all they need and splits the rest', () => {
    expect(share([10, 1000, 1000], 610)).toEqual([10, 300, 300]);
    expect(share([5, 5], 100)).toEqual([5, 5]);
    expect(share([100], 0)).toEqual([0]);
  });
});

describe('fitToBudget', () => {
  it('keeps everything when it fits, with no note', () => {
    const text = fitToBudget(['# Title', section('a', 3)], 10_000);
    expect(text).toBe('# Title\n\n## a\na0........\na1........\na2........');
  });

  it('cuts long sections with a visible note and stays within the budget', () => {
    const parts = ['# Title', section('a', 1000), section('b', 5)];
    for (const budget of [200, 1000, 5000]) {
      const text = fitToBudget(parts, budget);
      expect(utf8Bytes(text)).toBeLessThanOrEqual(budget);
      expect(text).toContain('# Title');
      expect(text).toMatch(/\(\d+ of 1000 a left out\)/);
    }
    // The small section is kept whole even when the big one is cut.
    const text = fitToBudget(parts, 1000);
    expect(text).toContain('b4');
    expect(text).not.toContain('b left out');
  });

  it('keeps items in order: the first ones are the ones kept', () => {
    const text = fitToBudget([section('a', 100)], 300);
    const kept = text.split('\n').filter((l) => l.startsWith('a'));
    expect(kept.length).toBeGreaterThan(0);
    expect(kept).toEqual(kept.map((_, i) => `a${i}`.padEnd(10, '.')));
    expect(text).toContain(`(${100 - kept.length} of 100 a left out)`);
  });

  it('measures in the unit it is given (bytes vs characters)', () => {
    const wide: Section = { head: 'h', items: Array.from({ length: 50 }, () => '✅✅✅✅'), more: (o) => `-${o}` };
    const byBytes = fitToBudget([wide], 200, utf8Bytes);
    const byChars = fitToBudget([wide], 200, characters);
    expect(utf8Bytes(byBytes)).toBeLessThanOrEqual(200);
    expect(byChars.length).toBeLessThanOrEqual(200);
    expect(byChars.length).toBeGreaterThan(byBytes.length);
  });

  it('cuts even fixed text when nothing else helps, and says so', () => {
    const text = fitToBudget(['x'.repeat(5000)], 1000);
    expect(utf8Bytes(text)).toBeLessThanOrEqual(1000);
    expect(text).toContain('size limit');
  });
});
