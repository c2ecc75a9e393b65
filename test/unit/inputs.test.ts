import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors.js';
import { parseInputs, parseInstanceIds } from '../../src/inputs.js';

function reader(values: Record<string, string>) {
  return (name: string): string => values[name] ?? '';
}

const base = { region: 'cn-hangzhou', 'instance-ids': 'i-a,i-b', action: 'scan' };
const approval = { 'approval-environment': 'production', 'github-token': 'ghs_token', 'check-run-id': '5001' };

describe('parseInputs', () => {
  it('reads a scan with defaults', () => {
    const { settings, warnings } = parseInputs(reader(base));
    expect(settings).toEqual({
      region: 'cn-hangzhou',
      instanceIds: ['i-a', 'i-b'],
      action: 'scan',
      waitTimeoutMinutes: 120,
      pollIntervalSeconds: 10,
      failOnMissing: false,
      cancelOnTimeout: true,
      cancelOnAbort: true,
      onUnavailable: 'fail',
      dryRun: false,
    });
    expect(warnings).toEqual([]);
  });

  it('reads an install with its knobs, booleans in any case', () => {
    const { settings } = parseInputs(
      reader({ ...base, ...approval, action: 'install', 'reboot-if-need': 'TRUE', 'create-snapshot': 'False', 'retention-days': '30' }),
    );
    expect(settings.install).toEqual({ rebootIfNeed: true, createSnapshot: false, retentionDays: 30 });
  });

  it('reads where an install looks for its approval', () => {
    const { settings } = parseInputs(reader({ ...base, ...approval, action: 'install' }));
    expect(settings.approval).toEqual({ environment: 'production', githubToken: 'ghs_token', checkRunId: 5001 });
    const { settings: noCheckRun } = parseInputs(reader({ ...base, ...approval, action: 'install', 'check-run-id': '' }));
    expect(noCheckRun.approval).toEqual({ environment: 'production', githubToken: 'ghs_token' });
  });

  it('a scan ignores the approval inputs the runner always fills, and warns about approval-environment', () => {
    const { settings, warnings } = parseInputs(reader({ ...base, 'github-token': 'ghs_token', 'check-run-id': '5001' }));
    expect(settings.approval).toBeUndefined();
    expect(warnings).toEqual([]);
    const { warnings: withEnvironment } = parseInputs(reader({ ...base, 'approval-environment': 'production' }));
    expect(withEnvironment[0]).toContain("'approval-environment'");
  });

  it('warns that install-only inputs are ignored for a scan', () => {
    const { settings, warnings } = parseInputs(reader({ ...base, 'reboot-if-need': 'true', 'retention-days': '9' }));
    expect(settings.install).toBeUndefined();
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain("'reboot-if-need'");
    expect(warnings[0]).toContain("'retention-days'");
  });

  it('reads on-unavailable and dry-run', () => {
    const { settings } = parseInputs(reader({ ...base, 'on-unavailable': 'skip', 'dry-run': 'true' }));
    expect(settings.onUnavailable).toBe('skip');
    expect(settings.dryRun).toBe(true);
    expect(parseInputs(reader({ ...base, 'on-unavailable': 'fail' })).settings.onUnavailable).toBe('fail');
  });

  it('parses endpoint overrides', () => {
    const { settings } = parseInputs(
      reader({ ...base, 'oos-endpoint': 'http://127.0.0.1:8080', 'ecs-endpoint': 'ecs-vpc.cn-hangzhou.aliyuncs.com' }),
    );
    expect(settings.oosEndpoint).toEqual({ protocol: 'HTTP', host: '127.0.0.1:8080' });
    expect(settings.ecsEndpoint).toEqual({ protocol: 'HTTPS', host: 'ecs-vpc.cn-hangzhou.aliyuncs.com' });
  });

  const bad: Array<[string, Record<string, string>]> = [
    ['region', { ...base, region: '' }],
    ['region', { ...base, region: 'CN-HANGZHOU' }],
    ['region', { ...base, region: 'hangzhou' }],
    ['instance-ids', { ...base, 'instance-ids': '' }],
    ['instance-ids', { ...base, 'instance-ids': 'i-abc;rm -rf /' }],
    ['instance-ids', { ...base, 'instance-ids': '{"a":1}' }],
    ['action', { ...base, action: 'Scan' }],
    ['action', { ...base, action: 'patch' }],
    ['reboot-if-need', { ...base, action: 'install', 'reboot-if-need': 'yes' }],
    ['create-snapshot', { ...base, action: 'install', 'create-snapshot': '1' }],
    ['retention-days', { ...base, action: 'install', 'retention-days': '0' }],
    ['retention-days', { ...base, action: 'install', 'retention-days': '65537' }],
    ['retention-days', { ...base, action: 'install', 'retention-days': '7d' }],
    ['poll-interval-seconds', { ...base, 'poll-interval-seconds': '301' }],
    ['wait-timeout-minutes', { ...base, 'wait-timeout-minutes': '0' }],
    ['wait-timeout-minutes', { ...base, 'wait-timeout-minutes': '1.5' }],
    ['fail-on-missing', { ...base, 'fail-on-missing': 'maybe' }],
    ['oos-endpoint', { ...base, 'oos-endpoint': 'ftp://x' }],
    ['oos-endpoint', { ...base, 'oos-endpoint': 'http://127.0.0.1:8080/path' }],
    ['ecs-endpoint', { ...base, 'ecs-endpoint': 'host name' }],
    ['approval-environment', { ...base, ...approval, action: 'install', 'approval-environment': '' }],
    ['approval-environment', { ...base, ...approval, action: 'install', 'approval-environment': 'prod\u0007' }],
    ['approval-environment', { ...base, ...approval, action: 'install', 'approval-environment': 'p'.repeat(256) }],
    ['github-token', { ...base, ...approval, action: 'install', 'github-token': '' }],
    ['check-run-id', { ...base, ...approval, action: 'install', 'check-run-id': 'abc' }],
    ['check-run-id', { ...base, ...approval, action: 'install', 'check-run-id': '0' }],
    ['check-run-id', { ...base, 'check-run-id': '-5' }],
    ['on-unavailable', { ...base, 'on-unavailable': 'ignore' }],
    ['on-unavailable', { ...base, 'on-unavailable': 'Skip' }],
    ['dry-run', { ...base, 'dry-run': 'yes' }],
  ];
  it.each(bad)('rejects a bad %s, naming it', (input, values) => {
    let error: unknown;
    try {
      parseInputs(reader(values));
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(InputError);
    expect((error as InputError).input).toBe(input);
    expect((error as InputError).message).toContain(`'${input}'`);
  });

  it('catches a typo in an install-only input even for a scan', () => {
    expect(() => parseInputs(reader({ ...base, 'reboot-if-need': 'ture' }))).toThrow(/reboot-if-need/);
  });
});

describe('parseInstanceIds', () => {
  it('splits on commas, whitespace and newlines and removes duplicates', () => {
    expect(parseInstanceIds('i-a, i-b\ni-c\ti-a,,i-d')).toEqual(['i-a', 'i-b', 'i-c', 'i-d']);
  });
  it('reads a JSON array', () => {
    expect(parseInstanceIds('["i-a", "i-b", "i-a"]')).toEqual(['i-a', 'i-b']);
  });
  it('rejects a JSON array of non-strings', () => {
    expect(() => parseInstanceIds('[1, 2]')).toThrow(/array of instance ID strings/);
  });
  it('rejects more than 1000 distinct instances', () => {
    const ids = Array.from({ length: 1001 }, (_, i) => `i-x${i}`).join(',');
    expect(() => parseInstanceIds(ids)).toThrow(/1001 instances given; one execution takes at most 1000/);
  });
  it('accepts exactly 1000', () => {
    const ids = Array.from({ length: 1000 }, (_, i) => `i-x${i}`).join(',');
    expect(parseInstanceIds(ids)).toHaveLength(1000);
  });
});
