import type { EcsApi } from '../alibaba/ecs/types.js';
import { MAX_TARGET_INSTANCES } from '../inputs/names.js';
import type { Settings, TargetTag } from '../inputs/parse.js';
import { ActionError } from '../lib/errors.js';

/** The instances that carry every tag in `tags`, found with ECS DescribeInstances (paginated inside). */
export async function resolveTags(settings: Settings, ecs: Pick<EcsApi, 'describeInstancesByTags'>): Promise<Settings> {
  const tags = settings.tags;
  if (!tags) return settings;
  const found = await ecs.describeInstancesByTags(tags);
  const ids = [...new Set(found.map((i) => i.instanceId))];
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
