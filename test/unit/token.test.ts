import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { Settings } from '../../src/inputs.js';
import { clientToken, tokenSource } from '../../src/token.js';

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
  onUnavailable: 'fail',
  dryRun: false,
};

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

  it('fits the API limit of 64 characters of letters, digits, - and _', () => {
    expect(clientToken('99999999999', install)).toMatch(/^[A-Za-z0-9_-]{1,64}$/);
  });
});
