import { describe, expect, it } from 'vitest';
import { InputError } from '../../../src/lib/errors.js';
import { MAX_TARGET_INSTANCES } from '../../../src/inputs/names.js';
import { parseInputs, parseInstanceIds, parseInstanceIdsFile, parseMaxErrors, parseTags } from '../../../src/inputs/parse.js';

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
      rateControl: { maxConcurrency: 10, maxErrors: { count: 0 } },
      onUnavailable: 'fail',
      onRerun: 'retry-failed',
      dryRun: false,
      consoleSite: 'china',
    });
    expect(warnings).toEqual([]);
  });

  it('takes the instances from exactly one of instance-ids, instance-ids-file and tags', () => {
    const noIds = { region: 'cn-hangzhou', action: 'scan' };
    const file = parseInputs(reader({ ...noIds, 'instance-ids-file': 'fleet/prod.txt' })).settings;
    expect(file.instanceIdsFile).toBe('fleet/prod.txt');
    expect(file.instanceIds).toEqual([]);
    const tags = parseInputs(reader({ ...noIds, tags: 'role=web\nenv=prod' })).settings;
    expect(tags.tags).toEqual([
      { key: 'env', value: 'prod' },
      { key: 'role', value: 'web' },
    ]);
    expect(() => parseInputs(reader(noIds))).toThrow(/'instance-ids': is required unless 'instance-ids-file' or 'tags'/);
    expect(() => parseInputs(reader({ ...base, tags: 'env=prod' }))).toThrow(/'tags': cannot be combined with 'instance-ids'/);
    expect(() => parseInputs(reader({ ...noIds, 'instance-ids-file': 'a.txt', tags: 'env=prod' }))).toThrow(
      /'tags': cannot be combined with 'instance-ids-file'/,
    );
  });

  it('reads max-concurrency and max-errors', () => {
    const { settings } = parseInputs(reader({ ...base, 'max-concurrency': '25', 'max-errors': '10%' }));
    expect(settings.rateControl).toEqual({ maxConcurrency: 25, maxErrors: { percent: 10 } });
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

  it('reads on-rerun: retry-failed by default, or reuse', () => {
    expect(parseInputs(reader({ ...base, 'on-rerun': 'reuse' })).settings.onRerun).toBe('reuse');
    expect(parseInputs(reader({ ...base, 'on-rerun': 'retry-failed' })).settings.onRerun).toBe('retry-failed');
  });

  it('reads comment-on-pr with the github-token it needs', () => {
    expect(parseInputs(reader(base)).settings.prComment).toBeUndefined();
    expect(parseInputs(reader({ ...base, 'comment-on-pr': 'true', 'github-token': 'ghs_x' })).settings.prComment).toEqual({
      githubToken: 'ghs_x',
    });
    expect(parseInputs(reader({ ...base, 'comment-on-pr': 'false', 'github-token': 'ghs_x' })).settings.prComment).toBeUndefined();
  });

  it('parses endpoint overrides', () => {
    const { settings } = parseInputs(
      reader({ ...base, 'oos-endpoint': 'http://127.0.0.1:8080', 'ecs-endpoint': 'ecs-vpc.cn-hangzhou.aliyuncs.com' }),
    );
    expect(settings.oosEndpoint).toEqual({ protocol: 'HTTP', host: '127.0.0.1:8080' });
    expect(settings.ecsEndpoint).toEqual({ protocol: 'HTTPS', host: 'ecs-vpc.cn-hangzhou.aliyuncs.com' });
  });

  it('reads console-site: the China site by default, or the international one', () => {
    expect(parseInputs(reader(base)).settings.consoleSite).toBe('china');
    expect(parseInputs(reader({ ...base, 'console-site': 'international' })).settings.consoleSite).toBe('international');
    expect(parseInputs(reader({ ...base, 'console-site': ' china ' })).settings.consoleSite).toBe('china');
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
    ['console-site', { ...base, 'console-site': 'intl' }],
    ['max-concurrency', { ...base, 'max-concurrency': '0' }],
    ['max-concurrency', { ...base, 'max-concurrency': '1001' }],
    ['max-errors', { ...base, 'max-errors': '-1' }],
    ['max-errors', { ...base, 'max-errors': '101%' }],
    ['max-errors', { ...base, 'max-errors': '10 %' }],
    ['tags', { region: 'cn-hangzhou', action: 'scan', tags: 'env' }],
    ['approval-environment', { ...base, ...approval, action: 'install', 'approval-environment': '' }],
    ['approval-environment', { ...base, ...approval, action: 'install', 'approval-environment': 'prod\u0007' }],
    ['approval-environment', { ...base, ...approval, action: 'install', 'approval-environment': 'p'.repeat(256) }],
    ['github-token', { ...base, ...approval, action: 'install', 'github-token': '' }],
    ['check-run-id', { ...base, ...approval, action: 'install', 'check-run-id': 'abc' }],
    ['check-run-id', { ...base, ...approval, action: 'install', 'check-run-id': '0' }],
    ['check-run-id', { ...base, 'check-run-id': '-5' }],
    ['on-unavailable', { ...base, 'on-unavailable': 'ignore' }],
    ['on-unavailable', { ...base, 'on-unavailable': 'Skip' }],
    ['on-rerun', { ...base, 'on-rerun': 'retry' }],
    ['dry-run', { ...base, 'dry-run': 'yes' }],
    ['comment-on-pr', { ...base, 'comment-on-pr': 'on' }],
    ['github-token', { ...base, 'comment-on-pr': 'true' }],
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
  it(`rejects more than ${MAX_TARGET_INSTANCES} distinct instances and accepts exactly that many`, () => {
    const ids = (n: number): string => Array.from({ length: n }, (_, i) => `i-x${i}`).join(',');
    expect(() => parseInstanceIds(ids(MAX_TARGET_INSTANCES + 1))).toThrow(
      new RegExp(`${MAX_TARGET_INSTANCES + 1} instances given; at most ${MAX_TARGET_INSTANCES} per run`),
    );
    expect(parseInstanceIds(ids(MAX_TARGET_INSTANCES))).toHaveLength(MAX_TARGET_INSTANCES);
  });
});

describe('parseInstanceIdsFile', () => {
  it('reads one ID per line, skipping comments and blank lines, de-duplicated', () => {
    const text = '# production web tier\ni-a\n\n  i-b   # the second\r\ni-a\n#i-c\n';
    expect(parseInstanceIdsFile(text)).toEqual(['i-a', 'i-b']);
  });
  it('names the line of a bad entry', () => {
    expect(() => parseInstanceIdsFile('i-a\ni-b i-c\n')).toThrow(
      /'instance-ids-file': line 2 is not an instance ID: it has a space inside/,
    );
  });
  it.each([
    ['AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY', 'does not start with i- (LEN characters)'],
    ['i-Secret0123456789', 'has upper-case letters'],
    ['i-secret=0123456789', 'has characters other than lower-case letters and digits after i-'],
  ])('names the line and what is wrong, never its content (issue 13, item 9): %s', (line, what) => {
    let message = '';
    try {
      parseInstanceIdsFile(`i-a\n${line}\n`);
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toContain(`line 2 is not an instance ID: it ${what.replace('LEN', String(line.length))}`);
    expect(message).not.toContain(line);
    expect(message).not.toContain(line.slice(3, 13));
  });
  it('rejects a file without IDs', () => {
    expect(() => parseInstanceIdsFile('# nothing yet\n')).toThrow(/lists no instance IDs/);
  });
});

describe('parseTags', () => {
  it('reads key=value lines and JSON objects alike, sorted by key', () => {
    const expected = [
      { key: 'env', value: 'prod' },
      { key: 'team', value: 'a=b' },
    ];
    expect(parseTags('team = a=b\n# comment\nenv=prod')).toEqual(expected);
    expect(parseTags('{"team": "a=b", "env": "prod"}')).toEqual(expected);
  });
  it.each([
    ['env', /is not key=value/],
    ['env=', /tag value "" must be 1 to 128 characters/],
    ['=prod', /tag key "" must be/],
    ['env=a\nenv=b', /the key "env" is given twice/],
    ['{"env": 1}', /the value of "env" must be a string/],
    ['{"env": "prod"', /does not parse/],
    ['["env"]', /is not key=value/],
    [Array.from({ length: 21 }, (_, i) => `k${i}=v`).join('\n'), /21 tags given; at most 20/],
  ])('rejects %j', (raw, message) => {
    expect(() => parseTags(raw)).toThrow(message);
  });
});

describe('parseMaxErrors', () => {
  it('reads a count or a percentage', () => {
    expect(parseMaxErrors('')).toEqual({ count: 0 });
    expect(parseMaxErrors('3')).toEqual({ count: 3 });
    expect(parseMaxErrors('0%')).toEqual({ percent: 0 });
    expect(parseMaxErrors('100%')).toEqual({ percent: 100 });
  });
});
