/**
 * Finding child executions under each reading (emulator variant `children`): ListTaskExecutions, else ListExecutions
 * ParentExecutionId, else none; then what the report and the summary make of it. Real clients, emulator in process.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createEcsClient } from '../../../src/alibaba/ecs/client.js';
import { toCredential } from '../../../src/alibaba/credential.js';
import { createOosClient } from '../../../src/alibaba/oos/client.js';
import { collectDetails } from '../../../src/execution/details.js';
import { buildReport } from '../../../src/report/build.js';
import { renderSummary } from '../../../src/summary/run-summary.js';
import {
  childExecutionId,
  DEFAULT_CREDENTIALS,
  type Emulator,
  type InstanceSpec,
  type Readings,
  startEmulator,
} from '../../emulator/index.js';

const REGION = 'cn-hangzhou';
const running: Emulator[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((e) => e.close()));
});

/** Five instances: the second's child execution fails; the fourth has a failing patch (but its child succeeds). */
const FLEET: Record<string, InstanceSpec> = {
  'i-child0001': { installed: 4, missing: 0 },
  'i-child0002': { installed: 4, missing: 2, failExecution: true },
  'i-child0003': { installed: 4, missing: 1 },
  'i-child0004': { installed: 4, missing: 3, failing: 1 },
  'i-child0005': { installed: 4, missing: 0 },
};
const IDS = Object.keys(FLEET);

async function runUnder(children: Readings['children']) {
  const emulator = await startEmulator({ fleet: FLEET, timings: { startedMs: 0, runningMs: 0 }, variant: { children } });
  running.push(emulator);
  const endpoint = { protocol: 'HTTP' as const, host: emulator.endpoint };
  const credential = toCredential(DEFAULT_CREDENTIALS);
  const oos = createOosClient({ region: REGION, endpoint, credential });
  const ecs = createEcsClient({ region: REGION, endpoint, credential });
  const started = await oos.startExecution({
    spec: { region: REGION, action: 'install', instanceIds: IDS, install: { rebootIfNeed: false, createSnapshot: true, retentionDays: 3 } },
    clientToken: `tok-${children}`,
  });
  const execution = await oos.getExecution(started.executionId);
  const states = await oos.listInstancePatchStates(IDS);
  const details = await collectDetails(oos, ecs, { execution, instanceIds: IDS, states, snapshots: true });
  const report = buildReport({
    action: 'install',
    region: REGION,
    clientToken: 'tok',
    instanceIds: IDS,
    execution,
    states,
    details: [details],
  });
  return { emulator, execution, states, details, report };
}

describe('child executions under each reading', () => {
  it.each<[Readings['children'], string]>([
    ['task-executions', 'ListTaskExecutions'],
    ['list-executions', 'ListExecutions'],
  ])('children=%s: found through %s, with failures, logs and snapshots', async (reading, call) => {
    const { emulator, execution, details, report } = await runUnder(reading);
    expect(details.childSource).toBe(reading);
    expect(details.children.map((c) => [c.instanceId, c.executionId])).toEqual(
      IDS.map((i) => [i, childExecutionId(execution.executionId, i)]),
    );
    expect(Object.keys(details.failures)).toEqual(['i-child0002']);
    expect(details.failures['i-child0002']?.log.length).toBeGreaterThan(0);
    expect(Object.keys(details.snapshots).sort()).toEqual([...IDS].sort());
    expect(report.failedInstances).toEqual(['i-child0002']);
    expect(report.details?.childrenUnnamed).toBeUndefined();
    expect(renderSummary(report)).not.toContain('OOS named no child execution');
    // The fallback is asked only when the first call named nobody.
    const parentLists = emulator.callsOf('ListExecutions').filter((r) => r.params.ParentExecutionId !== undefined);
    expect(parentLists.length > 0).toBe(call === 'ListExecutions');
    expect(details.problems).toEqual([]);
  });

  it('children=none: says so once in the summary and counts failed instances from the patch states', async () => {
    const { details, report, states } = await runUnder('none');
    expect(details.childSource).toBe('none');
    expect(details.children).toEqual([]);
    expect(report.details?.childrenUnnamed).toEqual([details.executionId]);
    const failedByState = states.filter((s) => s.counts.failed > 0).map((s) => s.instanceId);
    expect(failedByState.length).toBeGreaterThan(0);
    expect(report.failedInstances).toEqual(IDS.filter((i) => failedByState.includes(i)));
    const summary = renderSummary(report);
    expect(summary.split('OOS named no child execution for 1 execution ').length - 1).toBe(1);
    expect(summary).toContain('failed instances are counted from their patch states');
  });
});
