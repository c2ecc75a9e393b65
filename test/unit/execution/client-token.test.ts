import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { Settings } from '../../../src/inputs/parse.js';
import { clientToken, tokenSource } from '../../../src/execution/client-token.js';

const install: Settings = {
  region: 'cn-hangzhou',
  instanceIds: ['i-b', 'i-a'],
  action: 'install',
  install: { rebootIfNeed: true, createSnapshot: false, retentionDays: 7 },
  waitTimeoutMinutes: 120,
  pollIntervalSeconds: 10,
  failOnMissing: false,
  cancelOnTimeout: true,
  cancelOnAbort: true,
  rateControl: { maxConcurrency: 10, maxErrors: { count: 0 } },
  onUnavailable: 'fail',
  onRerun: 'retry-failed',
  dryRun: false,
  consoleSite: 'china',
};

function sha(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 32);
}

describe('clientToken', () => {
  it('matches the documented example', () => {
    expect(tokenSource('42', install)).toBe('42|install|cn-hangzhou|i-a,i-b|true|false|7');
    expect(clientToken('42', install)).toBe('patch-a31c73e6c07728cf4e8ce2cc7017fe54');
  });

  it('leaves the install fields empty for a scan', () => {
    const scan: Settings = { ...install, action: 'scan' };
    delete scan.install;
    expect(tokenSource('7', scan)).toBe('7|scan|cn-hangzhou|i-a,i-b|||');
    const expected = createHash('sha256').update('7|scan|cn-hangzhou|i-a,i-b|||').digest('hex').slice(0, 32);
    expect(clientToken('7', scan)).toBe(`patch-${expected}`);
  });

  it('does not depend on the order of the instances, and changes with any other input', () => {
    const token = clientToken('42', install);
    expect(clientToken('42', { ...install, instanceIds: ['i-a', 'i-b'] })).toBe(token);
    expect(clientToken('43', install)).not.toBe(token);
    expect(clientToken('42', { ...install, region: 'cn-shanghai' })).not.toBe(token);
    expect(clientToken('42', { ...install, install: { rebootIfNeed: false, createSnapshot: false, retentionDays: 7 } })).not.toBe(token);
    expect(clientToken('42', { ...install, install: { rebootIfNeed: true, createSnapshot: false, retentionDays: 8 } })).not.toBe(token);
  });

  it('does not change with dry-run: a dry run shows the token the real run then uses', () => {
    const dryRun: Settings = { ...install, dryRun: true };
    expect(clientToken('42', dryRun)).toBe(clientToken('42', install));
  });

  it('appends the tag set when tags name the instances, and then lists no IDs', () => {
    const tags: Settings = {
      ...install,
      tags: [
        { key: 'role', value: 'web' },
        { key: 'env', value: 'prod' },
      ],
    };
    const source = '42|install|cn-hangzhou||true|false|7|tags=[["env","prod"],["role","web"]]';
    expect(tokenSource('42', tags)).toBe(source);
    expect(clientToken('42', tags)).toBe(`patch-${sha(source)}`);
    expect(clientToken('42', { ...tags, tags: [{ key: 'env', value: 'staging' }] })).not.toBe(clientToken('42', tags));
  });

  it('appends max-concurrency and max-errors only when they are not the defaults', () => {
    const concurrency = { ...install, rateControl: { maxConcurrency: 5, maxErrors: { count: 0 } } };
    expect(tokenSource('42', concurrency)).toBe('42|install|cn-hangzhou|i-a,i-b|true|false|7|max-concurrency=5');
    const errors = { ...install, rateControl: { maxConcurrency: 10, maxErrors: { percent: 10 } } };
    expect(tokenSource('42', errors)).toBe('42|install|cn-hangzhou|i-a,i-b|true|false|7|max-errors=10%');
    const both = { ...install, rateControl: { maxConcurrency: 1, maxErrors: { count: 3 } } };
    expect(tokenSource('42', both)).toBe('42|install|cn-hangzhou|i-a,i-b|true|false|7|max-concurrency=1|max-errors=3');
    expect(clientToken('42', both)).toBe(`patch-${sha(tokenSource('42', both))}`);
  });

  it('names the batch, and lists only its instances, when the run has more than one', () => {
    const batch = { index: 2, count: 3, instanceIds: ['i-c', 'i-b'] };
    expect(tokenSource('42', install, batch)).toBe('42|install|cn-hangzhou|i-b,i-c|true|false|7|batch=2');
    // A single batch is the documented formula unchanged.
    expect(tokenSource('42', install, { index: 1, count: 1, instanceIds: ['i-a', 'i-b'] })).toBe(tokenSource('42', install));
  });

  it('fits the API limit of 64 characters of letters, digits, - and _', () => {
    expect(clientToken('99999999999', install)).toMatch(/^[A-Za-z0-9_-]{1,64}$/);
  });
});
