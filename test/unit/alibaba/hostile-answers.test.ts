/**
 * The real clients (openapi-core over HTTP) against an emulator that answers like a compromised endpoint or proxy
 * (issue 13): IDs of a foreign form, an error that echoes the security token, a NextToken that never ends.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { toCredential } from '../../../src/alibaba/credential.js';
import { createEcsClient } from '../../../src/alibaba/ecs/client.js';
import { createOosClient } from '../../../src/alibaba/oos/client.js';
import { PAGE_SLACK } from '../../../src/lib/paging.js';
import { DEFAULT_CREDENTIALS, type Emulator, sampleFleet, startEmulator } from '../../emulator/index.js';
import { answer, echoToken, faultPlan, rewrite } from '../../emulator/faults.js';
import { cloudFailure } from '../../fakes/failure.js';

const REGION = 'cn-hangzhou';
const IDS = Object.keys(sampleFleet());
const STS = { accessKeyId: 'STS.NUhostile01', accessKeySecret: 'sts-secret-hostile-1', securityToken: 'CAIS-hostile-token-0123456789' };
const HOSTILE = 'x/../../../../tmp/elsewhere/PWNED\n::stop-commands::x';

const running: Emulator[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((e) => e.close()));
});

async function setup(): Promise<{ emulator: Emulator; oos: ReturnType<typeof createOosClient>; ecs: ReturnType<typeof createEcsClient> }> {
  const emulator = await startEmulator({ fleet: sampleFleet(), credentials: [DEFAULT_CREDENTIALS, STS] });
  running.push(emulator);
  const options = { region: REGION, endpoint: { protocol: 'HTTP' as const, host: emulator.endpoint }, credential: toCredential(STS) };
  return { emulator, oos: createOosClient(options), ecs: createEcsClient(options) };
}

describe('IDs from the cloud are checked before use (item 1, item 3)', () => {
  it('refuses an ExecutionId that is not exec-<letters and digits>', async () => {
    const { emulator, oos } = await setup();
    faultPlan(emulator).on(
      'StartExecution',
      'every',
      rewrite('hostile id', (p) => ({ ...p, Execution: { ...(p.Execution as object), ExecutionId: HOSTILE } })),
    );
    const err = await cloudFailure(oos.startExecution({ spec: { region: REGION, action: 'scan', instanceIds: IDS }, clientToken: 'ct-1' }));
    expect(err.code).toBe('MalformedResponse');
    expect(err.message).not.toContain('PWNED');
  });

  it('refuses an InstanceId found by tags that is not i-<letters and digits>', async () => {
    const { emulator, ecs } = await setup();
    faultPlan(emulator).on(
      'ListTagResources',
      'every',
      answer('hostile instance', () => ({
        TagResources: { TagResource: [{ ResourceId: 'i-1\n::add-mask::x', ResourceType: 'instance', TagKey: 'env', TagValue: 'prod' }] },
      })),
    );
    const err = await cloudFailure(ecs.listTaggedInstanceIds({ key: 'env', value: 'prod' }));
    expect(err.code).toBe('MalformedResponse');
    expect(err.message).not.toContain('\n');
  });
});

describe('a server that echoes the security token (item 2)', () => {
  it('gets a CloudError with the token scrubbed from its code, message and request ID', async () => {
    const { emulator, oos } = await setup();
    faultPlan(emulator).on('ListExecutions', 'every', echoToken());
    const err = await cloudFailure(oos.getExecution('exec-abc123'));
    expect(err.detail).toContain('x-acs-security-token: ***');
    expect(`${err.message} ${err.code} ${err.requestId ?? ''}`).not.toContain(STS.securityToken);
  });
});

describe('a NextToken that never ends (item 4)', () => {
  const endless = (field: string, fresh: boolean) =>
    answer(`endless ${field}`, (info) => ({ [field]: [], NextToken: fresh ? `t-${info.requestId}` : 'same-token' }));

  it.each([true, false])('ListInstancePatchStates stops within the pages 100 instances take (fresh tokens: %s)', async (fresh) => {
    const { emulator, oos } = await setup();
    const plan = faultPlan(emulator).on('ListInstancePatchStates', 'every', endless('InstancePatchStates', fresh));
    const err = await cloudFailure(oos.listInstancePatchStates(IDS));
    expect(err.code).toBe('EndlessPaging');
    expect(plan.callsOf('ListInstancePatchStates')).toBeLessThanOrEqual(1 + PAGE_SLACK);
  });

  it('ListTaskExecutions of a child stops, bounded', async () => {
    const { emulator, oos } = await setup();
    const plan = faultPlan(emulator).on('ListTaskExecutions', 'every', endless('TaskExecutions', true));
    expect((await cloudFailure(oos.listTaskExecutions('exec-abc123'))).code).toBe('EndlessPaging');
    expect((await cloudFailure(oos.listChildExecutions('exec-abc123'))).code).toBe('EndlessPaging');
    // A child's tasks take one page, a parent's of 1,000 instances eleven; with slack, far from endless.
    expect(plan.callsOf('ListTaskExecutions')).toBeLessThan(30);
  });

  it('DescribeInstances (before the approval gate) and DescribeSnapshots stop, bounded', async () => {
    const { emulator, ecs } = await setup();
    const plan = faultPlan(emulator)
      .on(
        'DescribeInstances',
        'every',
        answer('endless', (info) => ({ Instances: { Instance: [] }, NextToken: `t-${info.requestId}` })),
      )
      .on(
        'DescribeSnapshots',
        'every',
        // The same token again and again: the repeat ends it at once (fresh tokens would run to its 50-page cap).
        answer('endless', () => ({ Snapshots: { Snapshot: [] }, NextToken: 'same-token' })),
      );
    expect((await cloudFailure(ecs.describeInstances(IDS))).code).toBe('EndlessPaging');
    expect(plan.callsOf('DescribeInstances')).toBe(1 + PAGE_SLACK);
    // Tags are resolved before the gate too: a NextToken handed back again ends the listing at once (the page limit of
    // a fresh token each time is pagesFor(MAX_TARGET_INSTANCES + 1, 10), tested with pagesFor in lib/paging's tests).
    plan.on(
      'ListTagResources',
      'every',
      answer('endless', () => ({ TagResources: { TagResource: [] }, NextToken: 'same-token' })),
    );
    expect((await cloudFailure(ecs.listTaggedInstanceIds({ key: 'env', value: 'prod' }))).code).toBe('EndlessPaging');
    expect(plan.callsOf('ListTagResources')).toBe(2);
    expect((await cloudFailure(ecs.describeSnapshotsSince(new Date()))).code).toBe('EndlessPaging');
    expect(plan.callsOf('DescribeSnapshots')).toBe(2);
  });
});
