import { describe, expect, it } from 'vitest';
import { type Clearance, clearInstall, clearScan, clearedSettings } from '../../../src/approval/clearance.js';
import { decide } from '../../../src/approval/decide.js';
import type { ApprovalFacts, Decision } from '../../../src/approval/types.js';
import type { Settings } from '../../../src/inputs/parse.js';

const scan: Settings = {
  region: 'cn-hangzhou',
  instanceIds: ['i-a'],
  action: 'scan',
  waitTimeoutMinutes: 1,
  pollIntervalSeconds: 1,
  failOnMissing: false,
  onUnavailable: 'fail',
  onRerun: 'retry-failed',
  dryRun: false,
  cancelOnTimeout: true,
  cancelOnAbort: true,
  rateControl: { maxConcurrency: 10, maxErrors: { count: 0 } },
  consoleSite: 'china',
};
const install: Settings = {
  ...scan,
  action: 'install',
  install: { rebootIfNeed: false, createSnapshot: false, retentionDays: 7 },
  approval: { environment: 'production', githubToken: 't' },
};
const facts: ApprovalFacts = {
  repository: 'o/r',
  runId: '1',
  runAttempt: '1',
  required: 'production',
  environment: { ok: true, value: { name: 'production', requiredReviewers: { reviewers: [{ type: 'User', name: 'a' }] } } },
  reviews: { ok: true, value: [{ state: 'approved', login: 'a', comment: '', environments: ['production'] }] },
  job: { source: 'oidc', claims: { ok: true, value: { environment: 'production', repository: 'o/r', runId: '1', runAttempt: '1' } } },
};
type Approved = Extract<Decision, { approved: true }>;

describe('clearance', () => {
  it('clears a scan without an approval, and an install only with one', () => {
    expect(clearedSettings(clearScan(scan), ['i-a'])).toEqual(scan);
    const approved = decide(facts) as Approved;
    const cleared = clearInstall(install, approved);
    expect(clearedSettings(cleared, ['i-a'])).toEqual(install);
    expect(cleared.approval?.reviewers).toEqual([{ login: 'a', comment: '' }]);
  });

  it('narrows to the pre-flight targets, never widens', () => {
    const two = clearScan({ ...scan, instanceIds: ['i-a', 'i-b'] });
    expect(clearedSettings(two, ['i-b']).instanceIds).toEqual(['i-b']);
    expect(() => clearedSettings(two, ['i-b', 'i-c'])).toThrow(/i-c not cleared/);
  });

  it('refuses to clear an install as a scan', () => {
    expect(() => clearScan(install)).toThrow(/cannot be cleared as a scan/);
  });

  it('refuses a refusal, an approval for another environment, or one without reviewers', () => {
    const refused = decide({ ...facts, reviews: { ok: true, value: [] } });
    expect(() => clearInstall(install, refused as unknown as Approved)).toThrow(/without an approval/);
    const other = decide({
      ...facts,
      required: 'staging',
      environment: { ok: true, value: { name: 'staging', requiredReviewers: { reviewers: [{ type: 'User', name: 'a' }] } } },
    });
    expect(other.approved).toBe(false);
    const approved = decide(facts) as Approved;
    expect(() => clearInstall({ ...install, approval: { environment: 'staging', githubToken: 't' } }, approved)).toThrow(
      /without an approval/,
    );
    expect(() => clearInstall(install, { ...approved, record: { ...approved.record, reviewers: [] } })).toThrow(/without an approval/);
  });

  it('refuses a forged or copied clearance at StartExecution', () => {
    const forged = { settings: install } as unknown as Clearance;
    expect(() => clearedSettings(forged, ['i-a'])).toThrow(/without a clearance/);
    const copy = { ...clearScan(scan) } as Clearance;
    expect(() => clearedSettings(copy, ['i-a'])).toThrow(/without a clearance/);
  });
});
