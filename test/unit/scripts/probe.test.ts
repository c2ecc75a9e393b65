/**
 * The live probe (scripts/lib/probe.ts) against the emulator in every variant, in process: each row reports the
 * reading the emulator plays, and the probe sends nothing but read-only calls.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { toCredential } from '../../../src/alibaba/credential.js';
import { createOosClient } from '../../../src/alibaba/oos/client.js';
import { createRpcCaller, type RpcCall } from '../../../src/alibaba/rpc.js';
import { SecretRegistry } from '../../../src/lib/secrets.js';
import { READ_ONLY_ACTIONS, readOnly, redact, renderProbeTable, runProbe } from '../../../scripts/lib/probe.js';
import {
  DEFAULT_CREDENTIALS,
  DEFAULT_READINGS,
  type Emulator,
  EVERY_ALTERNATIVE,
  formatVariant,
  type Readings,
  sampleFleet,
  startEmulator,
} from '../../emulator/index.js';

const REGION = 'cn-hangzhou';
/** Switches whose reading the probe observes (tokenReuse needs a StartExecution: not probed). */
const PROBED: readonly (keyof Readings)[] = ['children', 'patchStatuses', 'maxResults', 'urlLimit', 'executionTagsFilter'];

const running: Emulator[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((e) => e.close()));
});

/** The default, every alternative at once, and each alternative value of each switch alone. */
function everyVariant(): Readings[] {
  const singles = (Object.keys(DEFAULT_READINGS) as (keyof Readings)[]).flatMap((key) => {
    const values = key === 'children' ? (['list-executions', 'none'] as const) : [EVERY_ALTERNATIVE[key]];
    return values.map((value) => ({ ...DEFAULT_READINGS, [key]: value }));
  });
  return [{ ...DEFAULT_READINGS }, { ...EVERY_ALTERNATIVE }, ...singles];
}

async function probeUnder(variant: Readings) {
  const emulator = await startEmulator({ fleet: sampleFleet(), timings: { startedMs: 0, runningMs: 0 }, variant });
  running.push(emulator);
  const endpoint = { protocol: 'HTTP' as const, host: emulator.endpoint };
  const credential = toCredential(DEFAULT_CREDENTIALS);
  const oos = createOosClient({ region: REGION, endpoint, credential });
  await oos.startExecution({ spec: { region: REGION, action: 'scan', instanceIds: Object.keys(sampleFleet()) }, clientToken: 'tok-probe' });
  emulator.clearRequests();
  const rows = await runProbe(createRpcCaller({ version: '2019-06-01', region: REGION, endpoint, credential }));
  return { emulator, rows };
}

describe('the live probe', () => {
  it('reports the reading the emulator plays, in every variant, with read-only calls only', async () => {
    const variants = everyVariant();
    expect(variants.length).toBeGreaterThan(Object.keys(DEFAULT_READINGS).length);
    for (const variant of variants) {
      const { emulator, rows } = await probeUnder(variant);
      const name = formatVariant(variant);
      const observed = Object.fromEntries(rows.map((r) => [r.key, r.observed]));
      for (const key of PROBED) expect(observed[key], `${name}: ${key}`).toBe(variant[key]);
      expect(observed.tokenReuse, name).toBe('not probed');
      // Every row carries evidence with the emulator's request IDs.
      const ids = new Set(emulator.requests.map((r) => r.requestId));
      for (const row of rows.filter((r) => r.observed !== 'not probed')) {
        expect(
          [...row.evidence.matchAll(/[0-9A-F]{8}-[0-9A-F-]{27}/g)].some(([id]) => ids.has(id)),
          `${name}: ${row.key}`,
        ).toBe(true);
      }
      const actions = new Set(emulator.requests.map((r) => r.action ?? ''));
      expect(
        [...actions].filter((a) => !READ_ONLY_ACTIONS.includes(a)),
        name,
      ).toEqual([]);
      expect(emulator.executions().map((e) => e.status)).toEqual(['Success']);
    }
  });

  it('refuses StartExecution and CancelExecution before any request leaves', async () => {
    const sent: string[] = [];
    const fake: RpcCall = (action) => {
      sent.push(action);
      return Promise.resolve({ RequestId: 'r' });
    };
    const call = readOnly(fake);
    await expect(call('StartExecution', {})).rejects.toThrow(/read-only: StartExecution/);
    await expect(call('CancelExecution', { ExecutionId: 'exec-1' })).rejects.toThrow(/read-only: CancelExecution/);
    await call('ListExecutions', {});
    expect(sent).toEqual(['ListExecutions']);
  });

  it('redacts secrets and account IDs from the table, and escapes cloud text', () => {
    const secrets = new SecretRegistry(() => undefined);
    secrets.protect('s3cr3t-value-123');
    const table = renderProbeTable(
      [
        {
          key: 'children',
          fact: 'Which call names the child executions',
          assumed: 'task-executions',
          observed: 'none',
          evidence: 'role acs:ram::1234567890123456:role/probe | key s3cr3t-value-123 (A1B2C3D4-0000-4000-8000-123456789012)',
        },
      ],
      (s) => secrets.scrub(s),
    );
    expect(table).not.toContain('1234567890123456');
    expect(table).not.toContain('s3cr3t-value-123');
    expect(table).toMatch(/acs:ram::\S*account-id\S*:role\/probe/);
    expect(table).toContain('A1B2C3D4-0000-4000-8000-123456789012');
    expect(table).toContain('&#124;');
    expect(table).toMatch(/\| none ⚠️ \|/);
    expect(redact('uid 1234567890123456.', (s) => s)).toBe('uid <account-id>.');
  });
});
