/**
 * Pre-flight end to end (preflight-fixtures.ts), the scenario of `npm run test:slow`: a dry run with on-unavailable:
 * skip, then the real run, which uses the ClientToken the dry run showed (two runs of dist/). In process, `npm test`
 * covers it: dry-run does not change the token (test/unit/execution/client-token.test.ts "clientToken > does not change
 * with dry-run: a dry run shows the token the real run then uses"), a dry run plans the real run's token and skips and
 * says what it would skip (test/unit/preflight/phase.test.ts "preflightPhase for a dry run"), and the token covers only
 * what is sent (phase.test.ts "skips the unavailable ones (on-unavailable: skip) …"); end to end, preflight.test.ts
 * runs on-unavailable: skip for real and a dry run.
 */
import { describe, expect, it } from 'vitest';
import { runAgainst } from './fixtures.js';
import { ALL, emulator, preflightHooks, PROBLEMS } from './preflight-fixtures.js';

preflightHooks();

describe('dry-run', () => {
  it('shows the ClientToken the real run then uses, and the instances it would skip', async () => {
    const inputs = { 'instance-ids': ALL.join(','), 'on-unavailable': 'skip' };
    const dry = await runAgainst(emulator, { ...inputs, 'dry-run': 'true' });
    expect(dry.code).toBe(0);
    expect(emulator.startExecutionCalls()).toHaveLength(0);
    expect(dry.summary).toContain(`**${PROBLEMS.length} instances would be skipped**`);
    expect(JSON.parse(dry.outputs['skipped-instances'] ?? '')).toEqual(PROBLEMS);
    const real = await runAgainst(emulator, inputs);
    expect(real.code).toBe(0);
    expect(real.outputs['client-token']).toBe(dry.outputs['client-token']);
  });
});
