import type { EcsApi } from '../alibaba/ecs/types.js';
import { canonicalIds } from '../alibaba/oos/template.js';
import { MAX_TARGET_INSTANCES } from '../inputs/names.js';
import type { Settings, TargetTag } from '../inputs/parse.js';
import { ActionError } from '../lib/errors.js';

/**
 * The instances that carry every tag in `tags`: ECS ListTagResources one tag at a time (DescribeInstances `Tag.N`
 * refuses a tag on more than 1,000 resources), intersected here, so the result does not depend on how the service
 * combines several tags. Pre-flight then describes the instances by ID. The IDs come back sorted.
 */
export async function resolveTags(settings: Settings, ecs: Pick<EcsApi, 'listTaggedInstanceIds'>): Promise<Settings> {
  const tags = settings.tags;
  if (!tags) return settings;
  let ids: string[] | undefined;
  for (const tag of tags) {
    const carrying = new Set(await ecs.listTaggedInstanceIds(tag));
    ids = ids === undefined ? [...carrying] : ids.filter((id) => carrying.has(id));
    if (ids.length === 0) break;
  }
  ids = canonicalIds(ids ?? []);
  if (ids.length === 0) {
    throw new ActionError(
      `No instance in ${settings.region} carries ${describeTags(tags)}: nothing to patch. Check the tags and the region.`,
    );
  }
  if (ids.length > MAX_TARGET_INSTANCES) {
    throw new ActionError(
      `${ids.length} instances in ${settings.region} carry ${describeTags(tags)}; one run takes at most ${MAX_TARGET_INSTANCES}. ` +
        'Narrow the tags, or split the fleet across steps.',
    );
  }
  return { ...settings, instanceIds: ids };
}

export function describeTags(tags: readonly TargetTag[]): string {
  return `the tag${tags.length === 1 ? '' : 's'} ${tags.map((t) => `${t.key}=${t.value}`).join(', ')}`;
}
