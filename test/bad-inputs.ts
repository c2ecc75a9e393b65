/**
 * Bad inputs, one row each: the input that is wrong, its value, and (for inputs that need them) the other inputs
 * that make the row reach it. Shared by the in-process table (test/unit/inputs/bad-inputs.test.ts, every row) and the
 * end-to-end one against dist/ (test/e2e/bad-inputs-play.ts, the rows marked e2e: `quick` ones in npm test, `slow`
 * ones in npm run test:slow).
 */
import { MAX_TARGET_INSTANCES } from '../src/inputs/names.js';

export interface BadInput {
  input: string;
  value: string;
  /** What is wrong, for the test name. */
  why: string;
  /** Other inputs this row needs (e.g. action: install for an install-only input). */
  with?: Record<string, string>;
  /**
   * Also run end to end against dist/, by this vitest project: `quick` (npm test) for one row of each family of
   * inputs, `slow` (npm run test:slow) for the others.
   */
  e2e?: 'quick' | 'slow';
}

const ROLE = 'acs:ram::123456789012:role/patching';
const PROVIDER = 'acs:ram::123456789012:oidc-provider/github';
const OIDC = { 'role-to-assume': ROLE, 'oidc-provider-arn': PROVIDER };

/** Inputs that take any value, so no row can be wrong for them: the OIDC audience is whatever client ID the provider has. */
export const FREE_FORM_INPUTS: readonly string[] = ['audience'];

const ids = (n: number): string => Array.from({ length: n }, (_, i) => `i-${i.toString(36)}`).join(',');
const tags = (n: number): string => Array.from({ length: n }, (_, i) => `k${i}=v`).join('\n');
const NO_IDS = { 'instance-ids': '' };
const REPORT = { ...NO_IDS, action: 'report', 'execution-id': 'exec-bp1demo0001' };
const SUMMARIZE = { ...NO_IDS, region: '', action: 'summarize', 'report-files': 'reports/*.json' };

export const BAD_INPUTS: readonly BadInput[] = [
  // region
  { input: 'region', value: '', why: 'empty' },
  { input: 'region', value: '   \t ', why: 'whitespace only' },
  { input: 'region', value: 'CN-HANGZHOU', why: 'wrong case' },
  { input: 'region', value: 'Hangzhou', why: 'a city, not a region ID' },
  { input: 'region', value: 'cn-hangzhou\nfoo', why: 'a newline injection', e2e: 'slow' },
  { input: 'region', value: 'cn-hangzhou;rm -rf /', why: 'a shell injection' },
  { input: 'region', value: 'сn-hangzhou', why: 'a Cyrillic look-alike с' },
  { input: 'region', value: 'cn_hangzhou', why: 'underscore' },
  { input: 'region', value: 'cn-hangzhou/../../x', why: 'a path' },
  // instance-ids
  { input: 'instance-ids', value: '', why: 'empty' },
  { input: 'instance-ids', value: ' ,\n, ', why: 'separators only' },
  { input: 'instance-ids', value: 'i-abc;rm -rf /', why: 'a shell injection', e2e: 'quick' },
  { input: 'instance-ids', value: 'і-abc', why: 'a Cyrillic look-alike і' },
  { input: 'instance-ids', value: 'I-ABC123', why: 'wrong case' },
  { input: 'instance-ids', value: 'i-abc$(reboot)', why: 'a command substitution' },
  { input: 'instance-ids', value: 'i-', why: 'a prefix only' },
  { input: 'instance-ids', value: 'bp1abc123', why: 'no i- prefix' },
  { input: 'instance-ids', value: '{"ids":["i-abc"]}', why: 'JSON that is not an array' },
  { input: 'instance-ids', value: '"i-abc"', why: 'a JSON string' },
  { input: 'instance-ids', value: '["i-abc", 7]', why: 'a JSON array with a number' },
  { input: 'instance-ids', value: '["i-abc"', why: 'broken JSON' },
  { input: 'instance-ids', value: '[]', why: 'an empty JSON array' },
  // (not end to end: 10,001 IDs make an environment variable longer than Linux passes to a process)
  { input: 'instance-ids', value: ids(MAX_TARGET_INSTANCES + 1), why: 'more instances than one run takes' },
  { input: 'instance-ids', value: 'i-abc\u200b', why: 'a zero-width space' },
  // instance-ids-file (read from the workspace; still before any request)
  { input: 'instance-ids-file', value: 'inventory.txt', why: 'together with instance-ids' },
  { input: 'instance-ids-file', value: '../../../etc/passwd', why: 'a path outside the workspace', with: NO_IDS },
  { input: 'instance-ids-file', value: 'no-such-inventory.txt', why: 'a file that does not exist', with: NO_IDS },
  // Issue 13, item 9: the error names the line and what is wrong with it, never its content.
  {
    input: 'instance-ids-file',
    value: 'test/fixtures/not-an-inventory.env',
    why: 'a file of secrets (its line is not printed)',
    with: NO_IDS,
  },
  // tags
  { input: 'tags', value: 'env', why: 'not key=value', with: NO_IDS, e2e: 'slow' },
  { input: 'tags', value: '{"env": 1}', why: 'a JSON value that is not a string', with: NO_IDS },
  { input: 'tags', value: 'env=prod\nenv=dev', why: 'the same key twice', with: NO_IDS },
  { input: 'tags', value: tags(21), why: 'more tags than ECS filters on', with: NO_IDS },
  { input: 'tags', value: '=prod', why: 'an empty key', with: NO_IDS },
  // action
  { input: 'action', value: '', why: 'empty' },
  { input: 'action', value: 'SCAN', why: 'wrong case' },
  { input: 'action', value: 'Install', why: 'wrong case' },
  { input: 'action', value: 'remove', why: 'an unknown action' },
  { input: 'action', value: 'ѕcan', why: 'a Cyrillic look-alike ѕ' },
  { input: 'action', value: 'scan;install', why: 'two actions' },
  { input: 'action', value: 'Report', why: 'wrong case' },
  // wait: false (one execution only), report and summarize (each action's own inputs, and none of the others')
  { input: 'wait', value: 'no', why: 'no is not a boolean' },
  { input: 'wait', value: 'false', why: 'more instances than one execution takes', with: { 'instance-ids': ids(1001) } },
  { input: 'wait', value: 'false', why: 'with action: report, which waits', with: REPORT },
  { input: 'execution-id', value: 'exec-abc', why: 'set for a scan' },
  { input: 'execution-id', value: '', why: 'missing for a report', with: REPORT },
  { input: 'execution-id', value: 'i-bp1demo000001', why: 'an instance ID', with: REPORT },
  { input: 'execution-id', value: '["exec-a", 7]', why: 'a JSON list with a number', with: REPORT },
  { input: 'execution-id', value: '["exec-a"', why: 'broken JSON', with: REPORT },
  { input: 'execution-id', value: JSON.stringify(Array.from({ length: 11 }, (_, i) => `exec-${i}`)), why: 'more than 10', with: REPORT },
  { input: 'client-token', value: 'patch-0123456789abcdef0123456789abcdef', why: 'set for a scan' },
  { input: 'client-token', value: 'patch-0123456789abcdef0123456789abcdef', why: 'together with execution-id', with: REPORT },
  { input: 'client-token', value: 'my-token', why: 'not a ClientToken of this action', with: { ...REPORT, 'execution-id': '' } },
  {
    input: 'client-token',
    value: 'patch-0123456789ABCDEF0123456789ABCDEF',
    why: 'upper-case hex',
    with: { ...REPORT, 'execution-id': '' },
  },
  { input: 'client-token', value: 'patch-0123456789abcdef0123456789abcdef', why: 'set for summarize', with: SUMMARIZE },
  { input: 'run-id', value: '123456789', why: 'set for an install', with: { action: 'install' } },
  { input: 'run-id', value: '123456789', why: 'together with execution-id', with: REPORT },
  {
    input: 'run-id',
    value: '123456789',
    why: 'together with client-token',
    with: { ...REPORT, 'execution-id': '', 'client-token': 'patch-0123456789abcdef0123456789abcdef' },
  },
  { input: 'run-id', value: '${{ github.run_id }}', why: 'an unexpanded expression', with: { ...REPORT, 'execution-id': '' } },
  { input: 'run-id', value: '0', why: 'zero', with: { ...REPORT, 'execution-id': '' } },
  { input: 'run-id', value: '12.5', why: 'a fraction', with: { ...REPORT, 'execution-id': '' } },
  { input: 'instance-ids', value: 'i-bp1demo000001', why: 'set for a report (its instances come from the execution)', with: REPORT },
  { input: 'region', value: '', why: 'missing for a report', with: REPORT },
  { input: 'report-files', value: 'reports/*.json', why: 'set for a scan' },
  { input: 'report-files', value: '', why: 'missing for summarize', with: SUMMARIZE },
  { input: 'report-files', value: '../other/report.json', why: 'a path outside the workspace', with: SUMMARIZE },
  { input: 'report-files', value: '/etc/passwd', why: 'an absolute path', with: SUMMARIZE },
  { input: 'report-files', value: 'reports/\u0000.json', why: 'a control character', with: SUMMARIZE },
  { input: 'approval-environment', value: 'production', why: 'set for summarize', with: SUMMARIZE },
  // install-only inputs (checked for a scan too: a typo is a typo)
  { input: 'reboot-if-need', value: 'yes', why: 'yes is not a boolean', with: { action: 'install' }, e2e: 'quick' },
  { input: 'reboot-if-need', value: 'tRuE', why: 'mixed case' },
  { input: 'create-snapshot', value: '1', why: 'a number', with: { action: 'install' } },
  { input: 'create-snapshot', value: 'on', why: 'on is not a boolean' },
  { input: 'retention-days', value: '0', why: 'below 1', with: { action: 'install' } },
  { input: 'retention-days', value: '65537', why: 'above 65536', with: { action: 'install' } },
  { input: 'retention-days', value: '7d', why: 'a number with a unit', with: { action: 'install' } },
  { input: 'retention-days', value: '-1', why: 'negative' },
  { input: 'retention-days', value: '７', why: 'a full-width digit' },
  // wait-timeout-minutes
  { input: 'wait-timeout-minutes', value: '0', why: 'below 1' },
  { input: 'wait-timeout-minutes', value: '361', why: 'above 360' },
  { input: 'wait-timeout-minutes', value: '30m', why: 'a number with a unit' },
  { input: 'wait-timeout-minutes', value: '1.5', why: 'a fraction' },
  { input: 'wait-timeout-minutes', value: '1e2', why: 'scientific notation' },
  { input: 'wait-timeout-minutes', value: '0x10', why: 'hexadecimal' },
  // poll-interval-seconds
  { input: 'poll-interval-seconds', value: '10s', why: 'a number with a unit' },
  { input: 'poll-interval-seconds', value: '0', why: 'below 1' },
  { input: 'poll-interval-seconds', value: '301', why: 'above 300' },
  { input: 'poll-interval-seconds', value: '5 10', why: 'two numbers' },
  // pull request comment
  { input: 'comment-on-pr', value: 'yes', why: 'yes is not a boolean' },
  { input: 'comment-on-pr', value: 'true;', why: 'a trailing semicolon' },
  // rate control
  { input: 'max-concurrency', value: '0', why: 'zero' },
  { input: 'max-concurrency', value: '1001', why: 'above 1000' },
  { input: 'max-concurrency', value: '10%', why: 'a percentage' },
  { input: 'max-errors', value: '101%', why: 'above 100%' },
  { input: 'max-errors', value: '-1', why: 'negative' },
  { input: 'max-errors', value: '5 %', why: 'a space before %' },
  { input: 'max-errors', value: 'ten', why: 'a word' },
  // booleans
  { input: 'fail-on-missing', value: 'maybe', why: 'not a boolean' },
  { input: 'fail-on-missing', value: 'no', why: 'no is not a boolean' },
  { input: 'cancel-on-timeout', value: 'ture', why: 'a typo' },
  { input: 'cancel-on-timeout', value: '0', why: 'a number' },
  { input: 'cancel-on-abort', value: 'False;', why: 'a trailing semicolon' },
  { input: 'cancel-on-abort', value: 'enabled', why: 'not a boolean' },
  // endpoints
  { input: 'oos-endpoint', value: 'ftp://oos.cn-hangzhou.aliyuncs.com', why: 'a scheme other than http(s)' },
  { input: 'oos-endpoint', value: 'http://127.0.0.1:8080/path', why: 'a path' },
  { input: 'oos-endpoint', value: 'http://127.0.0.1:99999', why: 'a port out of range' },
  { input: 'oos-endpoint', value: 'http://user:secret@oos.aliyuncs.com', why: 'credentials in the URL' },
  { input: 'oos-endpoint', value: 'oos.cn-hangzhou.aliyuncs.com;curl evil', why: 'a shell injection' },
  { input: 'oos-endpoint', value: 'https://', why: 'no host' },
  { input: 'ecs-endpoint', value: 'host name', why: 'a space' },
  { input: 'ecs-endpoint', value: 'ecs.cn-hangzhou.aliyuncs.com\nHost: evil', why: 'a header injection' },
  // console links
  { input: 'console-site', value: 'International', why: 'wrong case' },
  { input: 'console-site', value: 'alibabacloud.com', why: 'a host, not a site' },
  // pre-flight and dry run
  { input: 'on-unavailable', value: 'Skip', why: 'wrong case' },
  { input: 'on-unavailable', value: 'ignore', why: 'an unknown choice' },
  { input: 'on-rerun', value: 'retry', why: 'an unknown choice' },
  { input: 'on-rerun', value: 'Reuse', why: 'wrong case' },
  { input: 'dry-run', value: 'yes', why: 'yes is not a boolean' },
  { input: 'dry-run', value: 'true\nfalse', why: 'two values on two lines' },
  // the install gate
  { input: 'approval-environment', value: '', why: 'missing for an install', with: { action: 'install' }, e2e: 'quick' },
  { input: 'approval-environment', value: 'p'.repeat(256), why: 'longer than GitHub allows', with: { action: 'install' } },
  { input: 'approval-environment', value: 'production\nstaging', why: 'two names on two lines', with: { action: 'install' } },
  { input: 'github-token', value: '', why: 'emptied for an install', with: { action: 'install', 'approval-environment': 'production' } },
  { input: 'check-run-id', value: 'abc', why: 'not a number' },
  { input: 'check-run-id', value: '0', why: 'zero' },
  { input: 'check-run-id', value: '12.5', why: 'a fraction' },
  // sign-in (validated before any request too)
  {
    input: 'role-to-assume',
    value: PROVIDER,
    why: 'the provider ARN: inputs swapped',
    with: { 'oidc-provider-arn': PROVIDER },
    e2e: 'quick',
  },
  { input: 'role-to-assume', value: 'arn:aws:iam::123456789012:role/patching', why: 'an AWS ARN', with: { 'oidc-provider-arn': PROVIDER } },
  { input: 'role-to-assume', value: '', why: 'missing beside oidc-provider-arn', with: { 'oidc-provider-arn': PROVIDER } },
  { input: 'oidc-provider-arn', value: 'github', why: 'not an ARN', with: { 'role-to-assume': ROLE } },
  { input: 'oidc-provider-arn', value: '', why: 'missing beside role-to-assume', with: { 'role-to-assume': ROLE } },
  { input: 'role-session-name', value: 'a', why: 'too short', with: OIDC },
  { input: 'role-session-name', value: 'deploy bot', why: 'a space', with: OIDC },
  { input: 'role-duration-seconds', value: '1h', why: 'a number with a unit', with: OIDC },
  { input: 'role-duration-seconds', value: '899', why: 'below 900', with: OIDC },
  { input: 'role-duration-seconds', value: '43201', why: 'above 43200', with: OIDC },
  { input: 'sts-endpoint', value: 'http://sts.aliyuncs.com', why: 'plain HTTP', with: OIDC },
  { input: 'sts-endpoint', value: 'sts.aliyuncs.com/x', why: 'a path', with: OIDC },
  { input: 'access-key-id', value: '', why: 'missing beside access-key-secret', with: { 'access-key-secret': 'not-a-real-secret' } },
  {
    input: 'access-key-secret',
    value: '',
    why: 'missing beside access-key-id',
    with: { 'access-key-id': 'LTAI5tNotARealKey' },
    e2e: 'slow',
  },
  { input: 'security-token', value: 'CAIS-token', why: 'without a key pair' },
];

/** Valid inputs that each row overrides. */
export const GOOD_INPUTS: Readonly<Record<string, string>> = {
  region: 'cn-hangzhou',
  'instance-ids': 'i-bp1demo000001,i-bp1demo000002',
  action: 'scan',
};

export function inputsFor(row: BadInput): Record<string, string> {
  return { ...GOOD_INPUTS, ...row.with, [row.input]: row.value };
}
