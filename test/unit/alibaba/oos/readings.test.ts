/**
 * The OOS client under every reading of the unconfirmed facts (docs/cloud-facts.md): the real client over HTTP
 * against the emulator playing each reading, in process. The answers must not depend on the reading.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { CloudError } from '../../../../src/alibaba/cloud-error.js';
import { toCredential } from '../../../../src/alibaba/credential.js';
import { createOosClient } from '../../../../src/alibaba/oos/client.js';
import { IDEMPOTENT_MISMATCH, sameParameters, SAFE_MAX_RESULTS } from '../../../../src/alibaba/oos/readings.js';
import type { ExecutionSpec, OosApi } from '../../../../src/alibaba/oos/types.js';
import { startFailure } from '../../../../src/execution/failure-messages.js';
import {
  DEFAULT_CREDENTIALS,
  DEFAULT_READINGS,
  type Emulator,
  EVERY_ALTERNATIVE,
  type InstanceSpec,
  type Readings,
  startEmulator,
  URL_LIMIT_8K,
} from '../../../emulator/index.js';

const REGION = 'cn-hangzhou';
const ATTENTION = ['Failed', 'Missing', 'InstalledPendingReboot'];
const running: Emulator[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((e) => e.close()));
});

/** n instances, every third missing patches, every fifth with failing ones. */
function fleet(n: number): Record<string, InstanceSpec> {
  return Object.fromEntries(
    Array.from({ length: n }, (_, i) => [
      `i-bp1reading${String(i).padStart(6, '0')}`,
      { installed: 3, missing: i % 3 === 0 ? 4 : 0, failing: i % 5 === 0 && i % 3 === 0 ? 1 : 0 },
    ]),
  );
}

async function setup(variant: Partial<Readings>, n: number): Promise<{ emulator: Emulator; oos: OosApi; ids: string[] }> {
  const specs = fleet(n);
  const emulator = await startEmulator({ fleet: specs, timings: { startedMs: 0, runningMs: 0 }, variant });
  running.push(emulator);
  const oos = createOosClient({
    region: REGION,
    endpoint: { protocol: 'HTTP', host: emulator.endpoint },
    credential: toCredential(DEFAULT_CREDENTIALS),
  });
  return { emulator, oos, ids: Object.keys(specs) };
}

function spec(ids: string[], action: 'scan' | 'install' = 'scan'): ExecutionSpec {
  return { region: REGION, action, instanceIds: ids };
}

/** What the action reads after an execution, through the client, in a form that does not depend on the reading. */
async function readEverything(oos: OosApi, ids: string[]) {
  const started = await oos.startExecution({ spec: spec(ids), clientToken: 'tok-readings' });
  const execution = await oos.getExecution(started.executionId);
  const states = await oos.listInstancePatchStates(ids);
  const byTask = await oos.listChildExecutions(execution.executionId);
  const byParent = await oos.listChildExecutionsByParent(execution.executionId);
  const withPatches = states.filter((s) => s.counts.missing > 0).slice(0, 3);
  const patches = [];
  for (const s of withPatches) {
    patches.push(await oos.listInstancePatches(s.instanceId, ATTENTION, { maxPages: 2, expectPatches: true }));
  }
  const child = byParent[0] ?? byTask[0];
  const log = child ? await oos.listExecutionLogs(child.executionId, { tail: 5, maxPages: 5 }) : undefined;
  return {
    status: execution.status,
    states: states.map((s) => [s.instanceId, s.counts]),
    children: [...byTask, ...byParent].map((c) => c.instanceId).sort(),
    patches: patches.map((p) => [p.items.map((i) => `${i.kbId}:${i.status}`), p.truncated]),
    log: log?.items.map((l) => l.message.replace(/exec-[0-9a-f]+/g, 'exec-…')),
  };
}

describe('the OOS client under every reading', () => {
  it('reads the same execution, states, patches and logs under the default and under every alternative', async () => {
    const n = 250;
    const plain = await setup(DEFAULT_READINGS, n);
    const alt = await setup(EVERY_ALTERNATIVE, n);
    const expected = await readEverything(plain.oos, plain.ids);
    const observed = await readEverything(alt.oos, alt.ids);
    // Children come from one source only under the alternative: compare the set of instances named.
    expect({ ...observed, children: [...new Set(observed.children)] }).toEqual({ ...expected, children: [...new Set(expected.children)] });
    expect(expected.patches.length).toBeGreaterThan(0);
    expect(new Set(observed.children)).toEqual(new Set(alt.ids));
  });

  it('fleet-sized parameters travel in the signed body: a 1000-instance StartExecution passes an 8 KiB URL limit', async () => {
    const { emulator, oos, ids } = await setup({ urlLimit: '8k' }, 1000);
    const started = await oos.startExecution({ spec: spec(ids), clientToken: 'tok-big' });
    expect(started.executionId).toMatch(/^exec-/);
    expect((await oos.listInstancePatchStates(ids)).length).toBe(ids.length);
    // The emulator refuses any request line over URL_LIMIT_8K with 414: every request passed.
    expect(emulator.requests.map((r) => r.statusCode)).toEqual(emulator.requests.map(() => 200));
    expect(encodeURIComponent(emulator.startExecutionCalls()[0]?.params.Parameters ?? '').length).toBeGreaterThan(URL_LIMIT_8K);
    expect(JSON.parse(emulator.startExecutionCalls()[0]?.params.Parameters ?? '{}')).toMatchObject({ targets: { ResourceIds: ids } });
  });

  it('MaxResults: 100 first; after one refusal per operation, 50 for the rest of the run', async () => {
    const { emulator, oos, ids } = await setup({ maxResults: '50' }, 230);
    const started = await oos.startExecution({ spec: spec(ids), clientToken: 'tok-50' });
    const states = await oos.listInstancePatchStates(ids);
    expect(states).toHaveLength(ids.length);
    const missing = states.filter((s) => s.counts.missing > 0).slice(0, 2);
    for (const s of missing)
      expect((await oos.listInstancePatches(s.instanceId, ATTENTION, { maxPages: 1 })).items.length).toBeGreaterThan(0);
    await oos.listExecutionLogs(started.executionId, { tail: 3, maxPages: 1 });
    await oos.listExecutionLogs(started.executionId, { tail: 3, maxPages: 1 });
    for (const action of ['ListInstancePatchStates', 'ListInstancePatches', 'ListExecutionLogs']) {
      const sizes = emulator.callsOf(action).map((r) => [r.params.MaxResults, r.statusCode]);
      expect(sizes[0], action).toEqual(['100', 400]);
      expect(
        sizes.slice(1).every(([size, status]) => size === String(SAFE_MAX_RESULTS) && status === 200),
        `${action}: ${JSON.stringify(sizes)}`,
      ).toBe(true);
    }
  });

  it('PatchStatuses: a JSON array first; refused, one plain status a call, remembered for the next instance', async () => {
    const { emulator, oos, ids } = await setup({ patchStatuses: 'plain' }, 12);
    await oos.startExecution({ spec: spec(ids), clientToken: 'tok-plain' });
    const [a, b] = (await oos.listInstancePatchStates(ids)).filter((s) => s.counts.missing > 0);
    const first = await oos.listInstancePatches(a?.instanceId ?? '', ATTENTION, { maxPages: 2 });
    expect(first.items.map((p) => p.status)).toContain('Missing');
    await oos.listInstancePatches(b?.instanceId ?? '', ATTENTION, { maxPages: 2 });
    const sent = emulator.callsOf('ListInstancePatches').map((r) => [r.params.InstanceId, r.params.PatchStatuses, r.statusCode]);
    expect(sent).toEqual([
      [a?.instanceId, JSON.stringify(ATTENTION), 400],
      ...ATTENTION.map((s) => [a?.instanceId, s, 200]),
      ...ATTENTION.map((s) => [b?.instanceId, s, 200]),
    ]);
  });

  it('PatchStatuses: an empty answer where patches are expected, or every form refused, ends unfiltered and filtered here', async () => {
    const { emulator, oos, ids } = await setup({}, 6);
    await oos.startExecution({ spec: spec(ids), clientToken: 'tok-unfiltered' });
    const state = (await oos.listInstancePatchStates(ids)).find((s) => s.counts.missing > 0);
    const id = state?.instanceId ?? '';
    // A service that ignores a JSON array (answers nothing) and refuses a plain status.
    emulator.addInterceptor(({ action, params }) => {
      if (action !== 'ListInstancePatches' || params.PatchStatuses === undefined) return undefined;
      if (params.PatchStatuses.startsWith('[')) return { after: { rewrite: (payload) => ({ ...payload, Patches: [] }) } };
      return { status: 400, body: { Code: 'InvalidParameter', Message: 'PatchStatuses is invalid.' } };
    });
    const list = await oos.listInstancePatches(id, ['Missing'], { maxPages: 5, expectPatches: true });
    expect(list.items).toHaveLength(state?.counts.missing ?? -1);
    expect(new Set(list.items.map((p) => p.status))).toEqual(new Set(['Missing']));
    expect(emulator.callsOf('ListInstancePatches').map((r) => r.params.PatchStatuses ?? '(none)')).toEqual([
      '["Missing"]',
      'Missing',
      '(none)',
    ]);
    // Without the expectation, an empty answer is an answer: no second form.
    emulator.clearRequests();
    const clean = ids.find((i) => i !== id) ?? '';
    await oos.listInstancePatches(clean, ['Missing'], { maxPages: 1 });
    expect(emulator.callsOf('ListInstancePatches')).toHaveLength(1);
  });

  it.each<Readings['tokenReuse']>(['mismatch-error', 'return-earlier'])(
    'a reused ClientToken with other parameters fails with the same clear message (tokenReuse=%s)',
    async (tokenReuse) => {
      const { emulator, oos, ids } = await setup({ tokenReuse }, 4);
      await oos.startExecution({ spec: spec(ids), clientToken: 'tok-reused' });
      const err = await oos.startExecution({ spec: spec(ids.slice(1)), clientToken: 'tok-reused' }).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(CloudError);
      const cloud = err as CloudError;
      expect(cloud.code).toBe(IDEMPOTENT_MISMATCH);
      expect(cloud.requestId).toBe(emulator.startExecutionCalls()[1]?.requestId);
      expect(startFailure(cloud, 'tok-reused', 1)).toContain(
        'StartExecution refused ClientToken tok-reused: OOS already holds an execution for it that was started with other parameters',
      );
      expect(emulator.executions()).toHaveLength(1);
      // The same parameters again are fine under either reading.
      await expect(oos.startExecution({ spec: spec(ids), clientToken: 'tok-reused' })).resolves.toHaveProperty('executionId');
    },
  );
});

describe('sameParameters', () => {
  const sent = {
    regionId: 'cn-hangzhou',
    action: 'install',
    retentionDays: 7,
    targets: { Type: 'ResourceIds', ResourceIds: ['i-1', 'i-2'] },
  };

  it('accepts the same parameters as a string or an object, with defaults added and scalars as text', () => {
    expect(sameParameters(sent, JSON.stringify(sent))).toBe(true);
    expect(sameParameters(sent, { ...sent, retentionDays: '7', timeout: 7200, OOSAssumeRole: '' })).toBe(true);
    expect(sameParameters(sent, undefined)).toBe(true);
    expect(sameParameters(sent, '')).toBe(true);
  });

  it('refuses another list, order, value or a missing parameter', () => {
    expect(sameParameters(sent, { ...sent, targets: { Type: 'ResourceIds', ResourceIds: ['i-2', 'i-1'] } })).toBe(false);
    expect(sameParameters(sent, { ...sent, targets: { Type: 'ResourceIds', ResourceIds: ['i-1'] } })).toBe(false);
    expect(sameParameters(sent, { ...sent, action: 'scan' })).toBe(false);
    expect(sameParameters(sent, { ...sent, retentionDays: undefined })).toBe(false);
    expect(sameParameters(sent, 'not json')).toBe(false);
    expect(sameParameters(sent, '[1]')).toBe(false);
  });
});
