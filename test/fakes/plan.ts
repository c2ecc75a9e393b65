/** What the phases before the execution phase hand it, for tests that start at the execution phase. */
import type { EcsApi } from '../../src/alibaba/ecs/types.js';
import { type Clearance, clearInstall, clearScan } from '../../src/approval/clearance.js';
import type { Batch } from '../../src/execution/batches.js';
import type { Settings } from '../../src/inputs/parse.js';
import type { PlanReport } from '../../src/preflight/plan.js';

/** The plan of a pre-flight that found every instance ready, with the ClientToken of each of `batches`. */
export function readyPlan(settings: Settings, batches: readonly Pick<Batch, 'clientToken'>[]): PlanReport {
  const tokens = batches.map((b) => b.clientToken);
  return {
    kind: 'plan',
    action: settings.action,
    region: settings.region,
    clientToken: tokens[0] ?? '',
    ...(tokens.length > 1 ? { clientTokens: [...tokens] } : {}),
    dryRun: false,
    onUnavailable: 'fail',
    requested: [...settings.instanceIds],
    targets: [...settings.instanceIds],
    skipped: [],
    preflight: { checks: [], ready: [...settings.instanceIds], unavailable: [], heartbeatMaxAgeMinutes: 10 },
  };
}

/** A scan cleared at once; an install cleared as a required reviewer's approval would clear it. */
export function approvedClearance(settings: Settings): Clearance {
  if (settings.action === 'scan') return clearScan(settings);
  const record = { environment: 'production', reviewers: [{ login: 'reviewer', comment: '' }], jobBinding: 'test' };
  return clearInstall(settings, { approved: true, record, passed: [] });
}

/** ECS after pre-flight: only the snapshots of the details are read (none here). */
export const ecsAfterPreflight: EcsApi = {
  describeInstances: () => Promise.reject(new Error('not used after pre-flight')),
  listTaggedInstanceIds: () => Promise.reject(new Error('not used after pre-flight')),
  describeCloudAssistantStatus: () => Promise.reject(new Error('not used after pre-flight')),
  describeSnapshotsSince: () => Promise.resolve([]),
};
