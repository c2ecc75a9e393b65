import { describe, expect, it } from 'vitest';
import { startFromArgs } from './cli-args.js';
import { DEFAULT_CREDENTIALS } from './index.js';
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

describe('the emulator CLI arguments (in process; cli.slow.test.ts runs the CLI itself)', () => {
  it('start the emulator they describe and print its address and variant, no secret', async () => {
    const { emulator, line } = await startFromArgs(['--port', '0', '--fleet', 'empty', '--variant', 'children=none']);
    try {
      const info = JSON.parse(line) as { url: string; endpoint: string; accessKeyId: string; variant: string };
      expect(info).toEqual({
        url: emulator.url,
        endpoint: emulator.endpoint,
        accessKeyId: DEFAULT_CREDENTIALS.accessKeyId,
        variant: 'children=none',
      });
      expect(line).not.toContain(DEFAULT_CREDENTIALS.accessKeySecret);
      expect(emulator.readings.children).toBe('none');
      expect(emulator.fleet.ids()).toEqual([]);
    } finally {
      await emulator.close();
    }
  });

  it('refuse a bad port, fleet or variant, naming it', async () => {
    await expect(startFromArgs(['--port', 'x'])).rejects.toThrow('invalid --port x');
    await expect(startFromArgs(['--fleet', 'big'])).rejects.toThrow('unknown --fleet big');
    await expect(startFromArgs(['--variant', 'colour=blue'])).rejects.toThrow(/unknown variant switch colour/);
  });
});
