/**
 * The approval gate end to end: dist/ against the emulator, the GitHub fake and the runner's OIDC fake. The gate's
 * logic runs in process in test/unit/approval/; approval.slow.test.ts holds, for `npm run test:slow`, the scenarios
 * whose every part `npm test` covers otherwise (the check run instead of an OIDC token, a refusing OIDC token service,
 * an install without approval-environment).
 */
import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { approvalHooks, closeAfterTest, emulator, expectRefused, install } from './approval-fixtures.js';
import { APPROVAL, approvedWorld, runAgainst } from './fixtures.js';

approvalHooks();

const PERMISSIONS = ['permissions:', 'actions: read', 'checks: read', 'id-token: write'];

describe('install with an approval', () => {
  it('runs, shows each check in the log and the approval in the summary, and sets approved-by', async () => {
    const w = await approvedWorld();
    const result = await install(w);
    expect(result.code, result.stdout).toBe(0);
    expect(emulator.startExecutionCalls()).toHaveLength(1);

    const log = result.stdout;
    const checks = [
      `✓ Environment '${APPROVAL.environment}'`,
      `✓ Run ${APPROVAL.runId} was approved`,
      `✓ This job runs in '${APPROVAL.environment}'`,
    ];
    const at = checks.map((c) => log.indexOf(c));
    expect(
      at.every((i) => i >= 0),
      log,
    ).toBe(true);
    expect(at).toEqual([...at].sort((a, b) => a - b));
    expect(at[2]).toBeLessThan(log.indexOf('Started execution'));

    expect(result.outputs['approved-by']).toBe(APPROVAL.reviewer);
    expect(result.summary).toContain('### Approval');
    expect(result.summary).toContain(`**${APPROVAL.environment}**`);
    expect(result.summary).toContain(`| @${APPROVAL.reviewer} | Window CHG-1234 &lt;approved&gt; &#124; go |`);
    const report = JSON.parse(await readFile(result.outputs['report-file'] ?? '', 'utf8')) as { approval: unknown };
    expect(report.approval).toMatchObject({
      environment: APPROVAL.environment,
      reviewers: [{ login: APPROVAL.reviewer, comment: APPROVAL.comment }],
    });

    expect(w.github.callsOf('environment').map((r) => r.path)).toEqual([
      `/repos/${w.github.repository}/environments/${APPROVAL.environment}`,
    ]);
    expect(w.github.callsOf('approvals').map((r) => r.path)).toEqual([
      `/repos/${w.github.repository}/actions/runs/${APPROVAL.runId}/approvals`,
    ]);
    expect(w.github.requests.every((r) => r.authorization === `token ${w.github.token}`)).toBe(true);
    // The OIDC claim is preferred: the check run is not needed.
    expect(w.github.callsOf('check-run')).toHaveLength(0);
    expect(w.oidc.requests).toEqual([{ audience: 'alibaba-ecs-patch-action:approval-gate', authorized: true }]);

    // The OIDC token and the GitHub token are printed only to mask them.
    const [jwt] = w.oidc.issued;
    expect(jwt).toBeDefined();
    const unmasked = result.stdout
      .split('\n')
      .filter((l) => !l.startsWith('::add-mask::'))
      .join('\n');
    for (const secret of [jwt ?? '', w.github.token]) {
      for (const written of [unmasked, result.stderr, result.outputFile, result.summary]) expect(written).not.toContain(secret);
    }
  });
});

describe('install refused', () => {
  it('when the run has no approval', async () => {
    const w = await approvedWorld();
    w.github.setReviews(APPROVAL.runId, []);
    expectRefused(
      await install(w),
      `run ${APPROVAL.runId} has no approval for 'production'`,
      'environment: production',
      'bypass',
      ...PERMISSIONS,
    );
  });
});

describe('dry run', () => {
  it('an install dry run checks the approval too, so a green dry run means the real run will start', async () => {
    const w = await approvedWorld();
    w.github.setReviews(APPROVAL.runId, []);
    expectRefused(await install(w, { 'dry-run': 'true' }), 'has no approval');
    w.github.setReviews(APPROVAL.runId, [{ user: APPROVAL.reviewer, state: 'approved', environments: [APPROVAL.environment] }]);
    const result = await runAgainst(emulator, { action: 'install', 'dry-run': 'true' }, { approval: w });
    expect(result.code, result.stdout).toBe(0);
    expect(result.stdout).toContain(`✓ Run ${APPROVAL.runId} was approved`);
    expect(emulator.startExecutionCalls()).toHaveLength(0);
  });
});

describe('scan', () => {
  it('needs no approval and asks GitHub nothing', async () => {
    const w = await approvedWorld();
    w.github.setReviews(APPROVAL.runId, []);
    const result = await runAgainst(
      emulator,
      { action: 'scan', 'approval-environment': '' },
      { env: { GITHUB_API_URL: w.github.url, ...w.oidc.env } },
    );
    closeAfterTest(w);
    expect(result.code, result.stdout).toBe(0);
    expect(emulator.startExecutionCalls()).toHaveLength(1);
    expect(w.github.requests).toHaveLength(0);
    expect(w.oidc.requests).toHaveLength(0);
    expect(result.outputs['approved-by']).toBe('');
    expect(result.summary).not.toContain('### Approval');
  });
});
