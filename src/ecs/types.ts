/** ECS domain types as the rest of the action sees them. */

export interface InstanceInfo {
  instanceId: string;
  name: string;
  /** Running, Stopped, Starting, Stopping, Pending. */
  status: string;
  /** linux or windows */
  osType: string;
  osName: string;
}

export interface TagFilter {
  key: string;
  value?: string;
}

/** The ECS operations the action uses; tests point the real SDK at the emulator. */
export interface EcsApi {
  /** The instances among these IDs that exist in the region (batches of 100 handled inside). */
  describeInstances(instanceIds: readonly string[]): Promise<InstanceInfo[]>;
  /** Every instance carrying all these tags (paginated inside). */
  describeInstancesByTags(tags: readonly TagFilter[]): Promise<InstanceInfo[]>;
}
