import { describe, expect, it } from 'vitest';
import type { ListedExecution } from '../../../src/alibaba/oos/types.js';
import { attemptClientToken, clientToken, tokenSource } from '../../../src/execution/client-token.js';
import { decideRerun } from '../../../src/execution/rerun.js';
import {
  attemptOf,
  executionTags,
  MAX_TAG_LENGTH,
  matchesQuery,
  queryTags,
  TAG_KEYS,
  tagValue,
} from '../../../src/execution/request-tags.js';
import { parseInputs } from '../../../src/inputs/parse.js';

const origin = { repository: 'acme/fleet', runId: '42', runAttempt: 2 };

describe('execution tags', () => {
  it('names the base token, repository, run, attempt and action, within the tag limits', () => {
    const tags = executionTags('patch-abc', 'install', origin);
    expect(tags).toEqual({
      'patch-action:client-token': 'patch-abc',
      'patch-action:repository': 'acme/fleet',
      'patch-action:run-id': '42',
      'patch-action:run-attempt': '2',
      'patch-action:action': 'install',
    });
    for (const [k, v] of Object.entries(tags)) {
      expect(k.length).toBeLessThanOrEqual(MAX_TAG_LENGTH);
      expect(v.length).toBeLessThanOrEqual(MAX_TAG_LENGTH);
      expect(k).not.toMatch(/^(aliyun|acs:)/i);
    }
  });

  it('cuts a value to 128 characters and defuses what Alibaba refuses in one', () => {
    const long = `${'o'.repeat(39)}/${'r'.repeat(100)}`;
    expect(tagValue(long)).toHaveLength(MAX_TAG_LENGTH);
    expect(tagValue(long)).toBe(long.slice(0, MAX_TAG_LENGTH));
    expect(tagValue('acs:x')).toBe('acs-x');
    expect(tagValue('see https://evil\n')).toBe('see https:evil');
    // The query cuts the same way, so a long repository still matches its own executions.
    const tags = executionTags('patch-abc', 'scan', { ...origin, repository: long });
    expect(matchesQuery(tags, { runId: '42', repository: long })).toBe(true);
  });

  it('matches a query by every tag it names', () => {
    const tags = executionTags('patch-abc', 'scan', origin);
    expect(queryTags({ clientToken: 'patch-abc' })).toEqual({ [TAG_KEYS.clientToken]: 'patch-abc' });
    expect(matchesQuery(tags, { clientToken: 'patch-abc' })).toBe(true);
    expect(matchesQuery(tags, { clientToken: 'patch-abd' })).toBe(false);
    expect(matchesQuery(tags, { runId: '42', repository: 'acme/fleet' })).toBe(true);
    expect(matchesQuery(tags, { runId: '42', repository: 'acme/other' })).toBe(false);
    expect(attemptOf(tags)).toBe(2);
    expect(attemptOf({ [TAG_KEYS.runAttempt]: 'two' })).toBeUndefined();
  });
});

describe('attempt token', () => {
  it('hashes the base token source followed by |attempt=N, as the README shows', () => {
    const settings = parseInputs((n) => ({ region: 'cn-hangzhou', 'instance-ids': 'i-b,i-a', action: 'scan' })[n] ?? '').settings;
    const source = tokenSource('42', settings);
    const token = attemptClientToken(source, 2);
    expect(token).toMatch(/^patch-[0-9a-f]{32}$/);
    expect(token).not.toBe(clientToken('42', settings));
    expect(token).not.toBe(attemptClientToken(source, 3));
    expect(source).toBe('42|scan|cn-hangzhou|i-a,i-b|||');
  });
});

describe('decideRerun', () => {
  const listed = (status: string, attempt: number): ListedExecution => ({
    executionId: `exec-${attempt}`,
    status,
    statusMessage: '',
    startDate: `2026-11-29T10:0${attempt}:00Z`,
    templateName: 'ACS-ECS-BulkyApplyPatchBaseline',
    tags: { [TAG_KEYS.runAttempt]: String(attempt) },
  });
  const ctx = { runAttempt: 3, onRerun: 'retry-failed' as const, baseToken: 'patch-base', attemptToken: 'patch-att3' };

  it('starts with the base token when nothing was found', () => {
    expect(decideRerun([], ctx)).toMatchObject({ kind: 'start', clientToken: 'patch-base' });
  });
  it('follows the newest when it runs or succeeded, whatever older ones did', () => {
    expect(decideRerun([listed('Running', 2), listed('Failed', 1)], ctx)).toMatchObject({
      kind: 'follow',
      execution: { executionId: 'exec-2' },
    });
    expect(decideRerun([listed('Success', 2), listed('Failed', 1)], ctx)).toMatchObject({
      kind: 'follow',
      execution: { executionId: 'exec-2' },
    });
  });
  it('retries a failed or cancelled newest with the attempt token, unless on-rerun is reuse', () => {
    for (const status of ['Failed', 'Cancelled']) {
      expect(decideRerun([listed(status, 2)], ctx)).toMatchObject({ kind: 'start', clientToken: 'patch-att3' });
      expect(decideRerun([listed(status, 2)], { ...ctx, onRerun: 'reuse' })).toMatchObject({ kind: 'follow' });
    }
  });
});
