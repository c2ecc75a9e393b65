/** Names that form the action's public interface (action.yml), kept in one place. */
export const Inputs = {
  Region: 'region',
  InstanceIds: 'instance-ids',
  InstanceIdsFile: 'instance-ids-file',
  Tags: 'tags',
  Action: 'action',
  RebootIfNeed: 'reboot-if-need',
  CreateSnapshot: 'create-snapshot',
  RetentionDays: 'retention-days',
  WaitTimeoutMinutes: 'wait-timeout-minutes',
  PollIntervalSeconds: 'poll-interval-seconds',
  FailOnMissing: 'fail-on-missing',
  MaxConcurrency: 'max-concurrency',
  MaxErrors: 'max-errors',
  OnUnavailable: 'on-unavailable',
  DryRun: 'dry-run',
  CommentOnPr: 'comment-on-pr',
  OosEndpoint: 'oos-endpoint',
  EcsEndpoint: 'ecs-endpoint',
  CancelOnTimeout: 'cancel-on-timeout',
  CancelOnAbort: 'cancel-on-abort',
  RoleToAssume: 'role-to-assume',
  OidcProviderArn: 'oidc-provider-arn',
  Audience: 'audience',
  RoleSessionName: 'role-session-name',
  RoleDurationSeconds: 'role-duration-seconds',
  StsEndpoint: 'sts-endpoint',
  AccessKeyId: 'access-key-id',
  AccessKeySecret: 'access-key-secret',
  SecurityToken: 'security-token',
  ApprovalEnvironment: 'approval-environment',
  GithubToken: 'github-token',
  CheckRunId: 'check-run-id',
} as const;

export const Outputs = {
  ExecutionId: 'execution-id',
  ExecutionIds: 'execution-ids',
  Status: 'status',
  ClientToken: 'client-token',
  ConsoleUrl: 'console-url',
  InstanceCount: 'instance-count',
  InstalledCount: 'installed-count',
  InstalledOtherCount: 'installed-other-count',
  InstalledPendingRebootCount: 'installed-pending-reboot-count',
  InstalledRejectedCount: 'installed-rejected-count',
  MissingCount: 'missing-count',
  FailedCount: 'failed-count',
  NonCompliantInstances: 'non-compliant-instances',
  ReportFile: 'report-file',
  SkippedInstances: 'skipped-instances',
  SnapshotIds: 'snapshot-ids',
  ApprovedBy: 'approved-by',
} as const;

/** Names passed from the main step to the post step through core.saveState (the runner hands them back as STATE_<name>). */
export const State = {
  /** Set by the main step: the same bundle runs as the post step when this comes back. */
  IsPost: 'isPost',
  /** The execution the main step started or found. */
  ExecutionId: 'executionId',
  /** 'true' once the main step saw the execution end, cancelled it, or deliberately left it: the post step has nothing to do. */
  Settled: 'settled',
} as const;

export const TEMPLATE_NAME = 'ACS-ECS-BulkyApplyPatchBaseline';

/** One OOS execution loops over at most this many instances (the OOS loop limit): larger fleets run in batches. */
export const MAX_INSTANCES_PER_EXECUTION = 1000;

/** The most instances one run may target, in batches of MAX_INSTANCES_PER_EXECUTION. */
export const MAX_TARGET_INSTANCES = 10_000;
