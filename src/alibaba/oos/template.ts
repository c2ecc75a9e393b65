import type { MaxErrors, PatchPlan } from './types.js';

export const TEMPLATE_NAME = 'ACS-ECS-BulkyApplyPatchBaseline';

/** One OOS execution loops over at most this many instances (the OOS loop limit): larger fleets run in batches. */
export const MAX_INSTANCES_PER_EXECUTION = 1000;

/**
 * The `Parameters` of ACS-ECS-BulkyApplyPatchBaseline for a plan. Top-level names are camelCase and the
 * targets and rateControl objects are PascalCase, as the template defines them; `action` is always explicit
 * because the template's own default is install.
 */
export function templateParameters(plan: PatchPlan): Record<string, unknown> {
  const params: Record<string, unknown> = {
    regionId: plan.region,
    action: plan.action,
    targets: plan.tags
      ? { Type: 'Tags', Tags: plan.tags.map((t) => ({ Key: t.key, Value: t.value })), RegionId: plan.region }
      : { Type: 'ResourceIds', ResourceIds: [...plan.instanceIds], RegionId: plan.region },
  };
  if (plan.rateControl) {
    params.rateControl = {
      Mode: 'Concurrency',
      Concurrency: plan.rateControl.maxConcurrency,
      MaxErrors: maxErrorsValue(plan.rateControl.maxErrors),
    };
  }
  if (plan.action === 'install' && plan.install) {
    params.rebootIfNeed = plan.install.rebootIfNeed;
    params.whetherCreateSnapshot = plan.install.createSnapshot;
    params.retentionDays = plan.install.retentionDays;
  }
  return params;
}

/** MaxErrors on the wire: a number, or a percentage string such as "10%". */
export function maxErrorsValue(maxErrors: MaxErrors): number | string {
  return 'percent' in maxErrors ? `${maxErrors.percent}%` : maxErrors.count;
}
