/**
 * The approval gate end to end (approval-fixtures.ts), the scenarios of `npm run test:slow`: each is covered in process
 * by test/unit/approval/gate.test.ts, and its wiring end to end by a scenario of `npm test`:
 * - the check run instead of an OIDC token: gate.test.ts "clearForStart: cleared > clears through the check run's
 *   deployment when the job has no OIDC token", and the check run read through the real octokit in
 *   test/unit/approval/github.test.ts ("reads the environment, the approvals and the check run through the real octokit");
 * - a refusing OIDC token service: gate.test.ts "clearForStart: refused by the job > when the OIDC token service
 *   refuses", and test/unit/runner/id-token.test.ts ("passes a refusal on at once: only a timeout is retried");
 * - an install without approval-environment: the bad-inputs row 'approval-environment: missing for an install', in
 *   process (test/unit/inputs/bad-inputs.test.ts) and end to end in `npm test` (test/e2e/bad-inputs.test.ts).
 */
import { describe, expect, it } from 'vitest';
import { errorsOf } from './harness.js';
import { approvalHooks, emulator, expectRefused, install } from './approval-fixtures.js';
import { APPROVAL, approvedWorld } from './fixtures.js';

approvalHooks();

const NO_OIDC = { ACTIONS_ID_TOKEN_REQUEST_URL: '', ACTIONS_ID_TOKEN_REQUEST_TOKEN: '' };

describe('install with an approval', () => {
  it('runs with the check run when the job has no OIDC token', async () => {
    const w = await approvedWorld();
    const result = await install(w, {}, NO_OIDC);
    expect(result.code, result.stdout).toBe(0);
    expect(emulator.startExecutionCalls()).toHaveLength(1);
    expect(w.github.callsOf('check-run').map((r) => r.path)).toEqual([`/repos/${w.github.repository}/check-runs/${APPROVAL.checkRunId}`]);
    expect(result.stdout).toContain(`the deployment of its check run ${APPROVAL.checkRunId}`);
  });
});

describe('install refused', () => {
  it('when the OIDC token service refuses', async () => {
    const w = await approvedWorld();
    expectRefused(
      await install(w, {}, { ACTIONS_ID_TOKEN_REQUEST_TOKEN: 'not-the-runtime-token' }),
      "the job's OIDC token could not be read",
    );
  });
});

describe('inputs', () => {
  it('install without approval-environment is an input error before any request', async () => {
    const w = await approvedWorld();
    const result = await install(w, { 'approval-environment': '' });
    expect(result.code).toBe(1);
    expect(errorsOf(result)[0]).toContain("Input 'approval-environment': is required with install");
    expect(emulator.requests).toHaveLength(0);
    expect(w.github.requests).toHaveLength(0);
    expect(w.oidc.requests).toHaveLength(0);
  });
});
