import type { MaxErrors, ExecutionSpec, TargetTag } from './types.js';

export const TEMPLATE_NAME = 'ACS-ECS-BulkyApplyPatchBaseline';

/** One OOS execution loops over at most this many instances (the OOS loop limit): larger fleets run in batches. */
export const MAX_INSTANCES_PER_EXECUTION = 1000;

/**
 * The `Parameters` of ACS-ECS-BulkyApplyPatchBaseline for a spec. Top-level names are camelCase and the
 * targets and rateControl objects are PascalCase, as the template defines them; `action` is always explicit
 * because the template's own default is install. Every list is in canonical order (IDs sorted, tags by key then
 * value), so the same ClientToken always comes with the same Parameters, whatever order the IDs came in.
 */
export function templateParameters(spec: ExecutionSpec): Record<string, unknown> {
  const params: Record<string, unknown> = {
    regionId: spec.region,
    action: spec.action,
    targets: spec.tags
      ? { Type: 'Tags', Tags: canonicalTags(spec.tags).map((t) => ({ Key: t.key, Value: t.value })), RegionId: spec.region }
      : { Type: 'ResourceIds', ResourceIds: canonicalIds(spec.instanceIds), RegionId: spec.region },
  };
  if (spec.rateControl) {
    params.rateControl = {
      Mode: 'Concurrency',
      Concurrency: spec.rateControl.maxConcurrency,
      MaxErrors: maxErrorsValue(spec.rateControl.maxErrors),
    };
  }
  if (spec.action === 'install' && spec.install) {
    params.rebootIfNeed = spec.install.rebootIfNeed;
    params.whetherCreateSnapshot = spec.install.createSnapshot;
    params.retentionDays = spec.install.retentionDays;
  }
  return params;
}

/** MaxErrors on the wire: a number, or a percentage string such as "10%". */
export function maxErrorsValue(maxErrors: MaxErrors): number | string {
  return 'percent' in maxErrors ? `${maxErrors.percent}%` : maxErrors.count;
}

/**
 * Instance IDs in canonical order (sorted by UTF-16 code units, as Array.prototype.sort does): the order the
 * template parameters list them in, the ClientToken hashes them in, and the batches are cut from.
 */
export function canonicalIds(ids: readonly string[]): string[] {
  return [...ids].sort();
}

/** Tags in canonical order: by key, then by value. */
export function canonicalTags(tags: readonly TargetTag[]): TargetTag[] {
  const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
  return [...tags].sort((a, b) => cmp(a.key, b.key) || cmp(a.value, b.value));
}
