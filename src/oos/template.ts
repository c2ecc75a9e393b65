import type { PatchPlan } from './types.js';

/**
 * The `Parameters` of ACS-ECS-BulkyApplyPatchBaseline for a plan. Top-level names are camelCase and the
 * targets object is PascalCase, as the template defines them; `action` is always explicit because the
 * template's own default is install.
 */
export function templateParameters(plan: PatchPlan): Record<string, unknown> {
  const params: Record<string, unknown> = {
    regionId: plan.region,
    action: plan.action,
    targets: { Type: 'ResourceIds', ResourceIds: [...plan.instanceIds], RegionId: plan.region },
  };
  if (plan.action === 'install' && plan.install) {
    params.rebootIfNeed = plan.install.rebootIfNeed;
    params.whetherCreateSnapshot = plan.install.createSnapshot;
    params.retentionDays = plan.install.retentionDays;
  }
  return params;
}
