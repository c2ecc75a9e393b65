/**
 * The run-wide max-errors budget against the emulator, in process: the real OOS client, the execution phase, batches
 * of three. The emulator's Counters count tasks as OOS documents ("the number of tasks", four for the parent
 * template), so a budget taken from Counters would hand the next batch the whole budget again.
 */
import { EventEmitter } from 'node:events';
import { afterEach, describe, expect, it } from 'vitest';
import { retryingOos } from '../../../src/alibaba/connect.js';
import { toCredential } from '../../../src/alibaba/credential.js';
import type { EcsApi } from '../../../src/alibaba/ecs/types.js';
import { createOosClient } from '../../../src/alibaba/oos/client.js';
import { clearScan } from '../../../src/approval/clearance.js';
import { splitIntoBatches } from '../../../src/execution/batches.js';
import { executionPhase } from '../../../src/execution/phase.js';
import { parseInputs } from '../../../src/inputs/parse.js';
import type { PlanReport } from '../../../src/preflight/plan.js';
import { watchJobCancellation } from '../../../src/runner/job-cancellation.js';
import { renderSummary } from '../../../src/summary/run-summary.js';
import { DEFAULT_CREDENTIALS, type Emulator, type InstanceSpec, startEmulator } from '../../emulator/index.js';
import { recordingLogger, recordingState, virtualClock } from '../../fakes/runtime.js';

const open: Emulator[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((e) => e.close()));
});

const noEcs: EcsApi = {
  describeInstances: () => Promise.reject(new Error('not used after pre-flight')),
  listTaggedInstanceIds: () => Promise.reject(new Error('not used after pre-flight')),
  describeCloudAssistantStatus: () => Promise.reject(new Error('not used after pre-flight')),
  describeSnapshotsSince: () => Promise.resolve([]),
};

describe('failed instances across batches (emulator, Counters counting tasks)', () => {
  it('hands the next batch what is left of max-errors after the failed child executions, and shows them per batch', async () => {
    const fleet: Record<string, InstanceSpec> = {};
    for (let i = 0; i < 6; i++) fleet[`i-budget${i}`] = { installed: 1, missing: 1, failExecution: i === 0 || i === 2 };
    const ids = Object.keys(fleet);
    const clock = virtualClock(Date.parse('2026-11-29T10:00:00Z'));
    const emulator = await startEmulator({ fleet, now: () => clock.now(), timings: { startedMs: 1000, runningMs: 4000 } });
    open.push(emulator);
    const client = createOosClient({
      region: 'cn-hangzhou',
      endpoint: { protocol: 'HTTP', host: emulator.endpoint },
      credential: toCredential(DEFAULT_CREDENTIALS),
    });
    const log = recordingLogger();
    const settings = parseInputs(
      (name) => ({ region: 'cn-hangzhou', 'instance-ids': ids.join(','), action: 'scan', 'max-errors': '5' })[name] ?? '',
    ).settings;
    const batches = splitIntoBatches('77', settings, settings.instanceIds, 3);
    const plan: PlanReport = {
      kind: 'plan',
      action: 'scan',
      region: 'cn-hangzhou',
      clientToken: batches[0]?.clientToken ?? '',
      clientTokens: batches.map((b) => b.clientToken),
      dryRun: false,
      onUnavailable: 'fail',
      requested: ids,
      targets: ids,
      skipped: [],
      preflight: { checks: [], ready: ids, unavailable: [], heartbeatMaxAgeMinutes: 10 },
    };
    const report = await executionPhase(clearScan(settings), plan, batches, {
      oos: retryingOos(() => client, { clock, random: () => 0.5, log: (m) => log.info(m) }),
      ecs: noEcs,
      cancellation: watchJobCancellation(Object.assign(new EventEmitter(), { exit: () => undefined }), { log: (m) => log.warning(m) }),
      clock,
      log,
      state: recordingState(),
      startedAt: clock.now(),
      runAttempt: 1,
      runId: '77',
    });

    const sent = emulator
      .startExecutionCalls()
      .map((c) => (JSON.parse(c.params.Parameters ?? '') as { rateControl: { MaxErrors: unknown } }).rateControl.MaxErrors);
    const failedInFirst = ids.slice(0, 3).filter((id) => fleet[id]?.failExecution).length;
    expect(sent).toEqual([5, 5 - failedInFirst]);
    expect(report.status).toBe('Success');
    expect(report.batches.map((b) => b.errors)).toEqual([failedInFirst, 0]);
    expect(report.failedInstances).toEqual(ids.filter((id) => fleet[id]?.failExecution));
    const first = report.batches[0]?.execution?.executionId ?? '';
    expect(log.lines).toContain(
      `Execution ${first}: ${failedInFirst} failed instance(s) counted from its child executions and patch states; its Counters say Failed 0 of 4 (OOS counts tasks there, not instances: the count above is used).`,
    );
    expect(renderSummary(report)).toMatch(new RegExp(`\\| 1 \\| \\[${first}\\][^\\n]*\\| 3 \\| ${failedInFirst} \\|`));
  });
});
