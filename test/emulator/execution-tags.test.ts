/**
 * Execution tags in the emulator, on the wire: StartExecution keeps `Tags` (a JSON map), ListExecutions lists them and
 * filters by `Tags` when the reading says the service honours that filter, and ignores it otherwise; `TemplateName`
 * matches names that contain it, `StartDateAfter` bounds the start time.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { oosRpc } from '../fakes/oos-rpc.js';
import { ERR_INVALID_PARAMETER, type Emulator, type Readings, startEmulator } from './index.js';

const T0 = Date.parse('2026-11-22T03:04:05Z');
const TEMPLATE = 'ACS-ECS-BulkyApplyPatchBaseline';
type Body = Record<string, unknown>;

const running: Emulator[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((e) => e.close()));
});

async function setup(variant: Partial<Readings> = {}) {
  let t = T0;
  const emulator = await startEmulator({
    now: () => t,
    variant,
    fleet: { 'i-a': { installed: 1, missing: 0 }, 'i-b': { installed: 1, missing: 0 } },
  });
  running.push(emulator);
  // The action's own RPC caller: the real SDK, signed, against the emulator.
  const call = oosRpc(emulator);
  const start = async (id: string, tags?: Record<string, string>): Promise<string> => {
    const body = await call('StartExecution', {
      TemplateName: TEMPLATE,
      Parameters: JSON.stringify({ targets: { Type: 'ResourceIds', ResourceIds: [id], RegionId: 'cn-hangzhou' }, action: 'scan' }),
      ...(tags ? { Tags: JSON.stringify(tags) } : {}),
    });
    return (body.Execution as Body).ExecutionId as string;
  };
  const list = async (query: Record<string, unknown>): Promise<Body[]> => (await call('ListExecutions', query)).Executions as Body[];
  return { emulator, call, start, list, advance: (ms: number) => void (t += ms) };
}

describe('emulator: execution tags', () => {
  it('StartExecution keeps Tags; ListExecutions lists them on every execution', async () => {
    const e = await setup();
    const id = await e.start('i-a', { 'patch-action:run-id': '7' });
    expect(e.emulator.executions()[0]?.tags).toEqual({ 'patch-action:run-id': '7' });
    const [listed] = await e.list({ ExecutionId: id });
    expect(listed?.Tags).toEqual({ 'patch-action:run-id': '7' });
  });

  it('refuses Tags that are not a JSON map of strings within the tag limits', async () => {
    const e = await setup();
    for (const tags of ['[1]', '{"k":1}', `{"${'k'.repeat(129)}":"v"}`, '{"acs:k":"v"}', '{"k":"https://x"}', 'not json']) {
      const err = await e
        .call('StartExecution', {
          TemplateName: TEMPLATE,
          Parameters: JSON.stringify({ targets: { Type: 'ResourceIds', ResourceIds: ['i-a'], RegionId: 'cn-hangzhou' } }),
          Tags: tags,
        })
        .catch((x: unknown) => x as { code: string });
      expect((err as { code?: string }).code, tags).toBe(ERR_INVALID_PARAMETER);
    }
    expect(e.emulator.executions()).toHaveLength(0);
  });

  const cases: Array<[Readings['executionTagsFilter'], number]> = [
    ['honoured', 1],
    ['ignored', 3],
  ];
  for (const [reading, listed] of cases) {
    it(`ListExecutions Tags filter ${reading}: ${listed} of 3 executions listed`, async () => {
      const e = await setup({ executionTagsFilter: reading });
      await e.start('i-a', { k: 'one', other: 'x' });
      await e.start('i-b', { k: 'two' });
      await e.start('i-a');
      const found = await e.list({ Tags: JSON.stringify({ k: 'one' }) });
      expect(found).toHaveLength(listed);
      expect(found.some((x) => (x.Tags as Body).k === 'one')).toBe(true);
    });
  }

  it('TemplateName matches names that contain it; StartDateAfter bounds the start time', async () => {
    const e = await setup();
    await e.start('i-a');
    e.advance(60_000);
    const later = await e.start('i-b');
    expect(await e.list({ TemplateName: 'BulkyApplyPatch' })).toHaveLength(2);
    expect(await e.list({ TemplateName: 'ACS-ECS-Other' })).toHaveLength(0);
    const after = new Date(T0 + 30_000).toISOString().replace('.000Z', 'Z');
    expect((await e.list({ StartDateAfter: after })).map((x) => x.ExecutionId)).toEqual([later]);
  });
});
