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

/** What DescribeCloudAssistantStatus says about one instance's Cloud Assistant agent. */
export interface AgentStatus {
  instanceId: string;
  /** CloudAssistantStatus "true": ECS considers the agent installed and running. */
  online: boolean;
  /** Absent when the agent never reported (not installed). */
  version?: string;
  /** ISO 8601, as ECS prints it; absent when the agent never reported. */
  lastHeartbeatTime?: string;
}

/** One ECS snapshot, as far as the report needs it. */
export interface SnapshotInfo {
  snapshotId: string;
  name: string;
  /** progressing, accomplished, failed */
  status: string;
  creationTime: string;
  /** Days ECS keeps it; absent for a snapshot kept until deleted. */
  retentionDays?: number;
}

/** The ECS operations the action uses; tests point the real SDK at the emulator. */
export interface EcsApi {
  /** The instances among these IDs that exist in the region (batches of 100 handled inside). */
  describeInstances(instanceIds: readonly string[]): Promise<InstanceInfo[]>;
  /**
   * The IDs of every instance carrying this one tag, through ListTagResources (`ResourceType=instance`, every
   * NextToken page): DescribeInstances `Tag.N` is documented to refuse a tag on more than 1,000 resources.
   */
  listTaggedInstanceIds(tag: TagFilter): Promise<string[]>;
  /** The agent status of these instances (batches of 100 handled inside); unknown IDs are left out. */
  describeCloudAssistantStatus(instanceIds: readonly string[]): Promise<AgentStatus[]>;
  /**
   * System-disk snapshots created at or after `since` (ECS filters by minute, `CreationStartTime`), every page.
   * One listing serves a whole execution: the caller matches the names it expects.
   */
  describeSnapshotsSince(since: Date): Promise<SnapshotInfo[]>;
}
