import type { EcsClientOptions } from './client.js';
import type { EcsApi } from './types.js';

/**
 * The ECS client, loaded on first use. The ECS SDK is most of the bundle's size (about 6 MB of 9); ncc puts a
 * dynamic import in a chunk of its own, so a run that needs no ECS call never parses it and reaches its
 * first OOS request sooner.
 */
export async function loadEcsClient(options: EcsClientOptions): Promise<EcsApi> {
  const { createEcsClient } = await import('./client.js');
  return createEcsClient(options);
}
