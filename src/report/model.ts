import type { ApprovalRecord } from '../approval/types.js';
import type { ConsoleSite } from '../alibaba/oos/console.js';
import type { SnapshotInfo } from '../alibaba/ecs/types.js';
import type { InstallOptions, PatchAction } from '../inputs/parse.js';
import type {
  Bounded,
  ChildExecution,
  Execution,
  InstancePatchState,
  PatchCounts,
  PatchInfo,
  RateControl,
  TargetTag,
} from '../alibaba/oos/types.js';
import type { InstanceCheck, PreflightReport } from '../preflight/checks.js';

/** What a run found out, as types only: the report, and the per-execution details it is built from. */

/** How far the details after an execution go (execution/details.ts reads them within these). */
export interface DetailLimits {
  /** Failed child executions whose failing task and log are read. */
  failedChildren: number;
  /** Instances (the worst first) whose missing/failed/pending-reboot patches are listed. */
  patchInstances: number;
  /** Pages of 100 patches read per instance. */
  patchPages: number;
  /** Log lines kept per failed child (the last ones). */
  logLines: number;
  /** Pages of 100 log lines read per failed child. */
  logPages: number;
}

/** Why one child execution failed. */
export interface ChildFailure {
  /** The failed task of the child execution, when one is marked Failed. */
  task?: string;
  message: string;
  /** The last log lines of the child execution. */
  log: string[];
  /** More log existed than was read. */
  logTruncated: boolean;
}

/** What collectDetails found out about one execution and its instances. */
/**
 * Which call named an execution's child executions: ListTaskExecutions (the loop task's items), ListExecutions
 * (`ParentExecutionId`), or neither (failed instances are then counted from their patch states).
 */
export type ChildSource = 'task-executions' | 'list-executions' | 'none';

export interface ExecutionDetails {
  executionId: string;
  children: ChildExecution[];
  /** Absent in details made before the fallback existed: read as `task-executions`. */
  childSource?: ChildSource;
  /** By instance ID, for at most `failedChildren` failed children. */
  failures: Record<string, ChildFailure>;
  /** By instance ID, worst first, for at most `patchInstances` instances. */
  patches: Record<string, Bounded<PatchInfo>>;
  /** By instance ID: the system-disk snapshot the template took before patching. */
  snapshots: Record<string, SnapshotInfo>;
  /** Detail calls that failed, as one line each; the report says so instead of failing. */
  problems: string[];
  /** Answers cut short (a listing that would not end, the details' deadline), as one line each. */
  cut?: string[];
  limits: DetailLimits;
}

export interface InstanceReport {
  instanceId: string;
  /** Absent when OOS has no patch state for the instance. */
  state?: InstancePatchState;
  /** The state predates this execution: the instance was not processed by it. */
  stale: boolean;
  /** Has missing, failed, pending-reboot or installed rejected patches (report/counts.ts needsAttention). */
  needsAttention: boolean;
  /** Its batch was not started: an earlier batch failed, exceeded max-errors or ran out of time. */
  notStarted?: boolean;
  /** Name, status and OS as pre-flight saw them. */
  name?: string;
  osType?: string;
  osName?: string;
  /** This instance's child execution, when OOS listed it. */
  child?: Omit<ChildExecution, 'instanceId'>;
  /** Why the child execution failed (for the first few failed ones). */
  failure?: ChildFailure;
  /** Missing, failed, pending-reboot and installed rejected patches, worst first (for the worst few instances). */
  patches?: Bounded<PatchInfo>;
  /** The snapshot taken before patching (install with create-snapshot). */
  snapshot?: SnapshotInfo;
}

/** How far the per-instance details go, so the summary can say what it left out. */
export interface DetailCoverage {
  limits: DetailLimits;
  /** Instances whose failing task and log were read. */
  failuresRead: number;
  /** Instances whose patch list was read. */
  patchListsRead: number;
  /** Detail calls that failed (the result stands without them). */
  problems: string[];
  /** Executions for which OOS named no child execution: their failed instances are counted from patch states. */
  childrenUnnamed?: string[];
  /** Answers that were cut short: the details below them are incomplete. */
  cut?: string[];
}

export interface ExecutionReport extends Execution {
  consoleUrl: string;
  durationSeconds?: number;
}

/** One batch of at most 1000 instances: one execution with its own ClientToken. */
export interface BatchReport {
  /** 1-based, in the order the batches ran. */
  index: number;
  instanceCount: number;
  clientToken: string;
  /** Absent when the batch was not started. */
  execution?: ExecutionReport;
  /** Failed instances of an execution that ended: child executions Failed, else failed patches (report/failed-instances.ts). */
  errors?: number;
  /** The wait ended before the execution did. */
  timedOut?: boolean;
}

/** Everything a run found out; the summary, the outputs and the report file are all rendered from it. */
export interface PatchReport {
  action: PatchAction;
  region: string;
  /** The first batch's ClientToken (the only one unless the run has several batches). */
  clientToken: string;
  install?: InstallOptions;
  /** The verified approval an install started on; absent for a scan. */
  approval?: ApprovalRecord;
  /** max-concurrency and max-errors as given. */
  rateControl?: RateControl;
  /** The tags that named the instances, when tags did. */
  tags?: TargetTag[];
  /** The first batch's execution (the only one unless the run has several batches). */
  execution: ExecutionReport;
  /** Success when every batch ran and ended Success; otherwise the status of the first batch that did not. */
  status: string;
  /** Every batch in order, one execution each; a single entry for up to 1000 instances. */
  batches: BatchReport[];
  /** Why the later batches were not started, when they were not. */
  stoppedEarly?: string;
  instances: InstanceReport[];
  totals: PatchCounts;
  /** IDs with missing, failed, pending-reboot or installed rejected patches. */
  nonCompliant: string[];
  /** IDs with no patch state from this execution (none at all, or older than the execution). */
  unreported: string[];
  /** Instances left out by pre-flight (on-unavailable: skip), with the reason. Not in `instances`. */
  skipped: InstanceCheck[];
  /** Every pre-flight check, of the instances sent and of the skipped ones. */
  preflight?: PreflightReport;
  /** Why the run did not finish normally (wait stopped, states unreadable, job cancelled), and what was done about it. */
  problem?: string;
  /** IDs whose child execution ended Failed; for an instance no child execution names, whose patch state shows failed patches. */
  failedInstances: string[];
  /** Instances no child execution named, so their failure was judged from their patch states; absent when none. */
  failuresFromPatchStates?: number;
  /** Instance ID -> the snapshot ID to roll back to (install with create-snapshot). */
  snapshotIds: Record<string, string>;
  /** Present when details were collected after the execution. */
  details?: DetailCoverage;
  /** How executions were found by their tags (a re-run, a start whose answers were lost). */
  lookups?: RequestLookup[];
  /** Executions earlier attempts of the run started for the same requests, newest first, other than those reported. */
  earlierExecutions?: EarlierExecution[];
}

/** What buildReport joins into one batch's report: the facts the report repeats, the execution and its patch states. */
export interface ReportInput extends Pick<
  PatchReport,
  'action' | 'region' | 'clientToken' | 'install' | 'approval' | 'rateControl' | 'tags' | 'preflight'
> {
  instanceIds: readonly string[];
  /** Which console the execution's link opens (default china). */
  consoleSite?: ConsoleSite;
  execution: Execution;
  states: readonly InstancePatchState[];
  /** The wait ended before the execution did. */
  timedOut?: boolean;
  /** Per-execution details (one per execution of a batched run). */
  details?: readonly ExecutionDetails[];
}

/** A batch that was not started, for combineReports. */
export interface NotStartedBatch {
  clientToken: string;
  instanceIds: readonly string[];
}

/** How the action found a request's executions by their tags (execution/find-executions.ts) instead of by an ID. */
export interface RequestLookup {
  /**
   * 'rerun': before starting on a later attempt of the run; 'lost-start': after every StartExecution answer was lost;
   * 'report': `action: report` by client-token or run-id.
   */
  reason: 'rerun' | 'lost-start' | 'report';
  /** The tags looked for, as `key=value`. */
  tags: string;
  /** OOS filtered by the tags ('honoured'), or listed the template's executions and the action matched the tags ('ignored'). */
  tagFilter: 'honoured' | 'ignored';
  /** What the action did with what it found, as one sentence. */
  outcome: string;
  /** The batch (1-based) of a run of several batches. */
  batch?: number;
}

/** An execution an earlier attempt of the run started for the same request, other than the one reported. */
export interface EarlierExecution {
  executionId: string;
  status: string;
  startDate?: string;
  /** The run attempt that started it, from its tags. */
  runAttempt?: number;
  consoleUrl: string;
  /** The batch (1-based) of a run of several batches. */
  batch?: number;
}

/**
 * The layout version of every file this action writes (docs/report.schema.json). A change that a reader of version
 * 1 would misread raises it; `action: summarize` refuses a file of another version.
 */
export const REPORT_SCHEMA_VERSION = 1;

/** The report file of a run (`kind: report`): the report, with the schema version. */
export type PatchReportFile = { schemaVersion: typeof REPORT_SCHEMA_VERSION; kind: 'report' } & PatchReport;

/** One report file of a merge, in brief: its row of the per-report table. */
export interface MergedPart {
  /** The file as given (relative to the workspace). */
  file: string;
  action: PatchAction;
  region: string;
  status: string;
  executionIds: string[];
  instanceCount: number;
  totals: PatchCounts;
  nonCompliant: number;
  unreported: number;
  problem?: string;
}

/** An instance of a merged report: which report (index into `reports`) and region it came from. */
export interface MergedInstance extends InstanceReport {
  region: string;
  report: number;
}

/** `action: summarize`: several report files as one (`kind: summary`), instances worst first across all. */
export interface MergedReport {
  schemaVersion: typeof REPORT_SCHEMA_VERSION;
  kind: 'summary';
  reports: MergedPart[];
  /** Success when every report's status is; otherwise the first other status. */
  status: string;
  instanceCount: number;
  totals: PatchCounts;
  /** IDs with missing, failed or pending-reboot patches, across all reports. */
  nonCompliant: string[];
  unreported: string[];
  instances: MergedInstance[];
}

/** An execution started with `wait: false` and left running: what the outputs and the summary say about it. */
export interface DetachedStart {
  action: PatchAction;
  region: string;
  execution: Execution;
  clientToken: string;
  consoleUrl: string;
  instanceCount: number;
}
