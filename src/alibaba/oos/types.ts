/** OOS domain types as the rest of the action sees them: camelCase, numbers as numbers. */

export const TERMINAL_STATUSES = ['Success', 'Failed', 'Cancelled'] as const;
export type TerminalStatus = (typeof TERMINAL_STATUSES)[number];

export function isTerminal(status: string): status is TerminalStatus {
  return (TERMINAL_STATUSES as readonly string[]).includes(status);
}

/** Every status OOS documents; any other is logged and treated as still running. */
export const KNOWN_STATUSES: readonly string[] = ['Started', 'Queued', 'Running', 'Waiting', ...TERMINAL_STATUSES];

export function isKnownStatus(status: string): boolean {
  return KNOWN_STATUSES.includes(status);
}

export interface Execution {
  executionId: string;
  /** Started, Queued, Running, Waiting, Success, Failed, Cancelled; anything else is treated as still running. */
  status: string;
  statusMessage: string;
  startDate?: string;
  endDate?: string;
  /** The request that returned this state, for messages and support tickets. */
  requestId?: string;
  /** Tasks by status, when OOS reports them: tasks of the template, not instances (only a cross-check). */
  counters?: ExecutionCounters;
}

/**
 * ListExecutions `Counters`: "the number of tasks that are counted by execution status" (OOS models). The parent
 * template has four tasks, so these are no count of instances: report/failed-instances.ts counts those.
 */
export interface ExecutionCounters {
  total: number;
  success: number;
  failed: number;
}

export interface PatchCounts {
  installed: number;
  installedOther: number;
  installedPendingReboot: number;
  installedRejected: number;
  missing: number;
  failed: number;
}

export interface InstancePatchState {
  instanceId: string;
  baselineId?: string;
  patchGroup?: string;
  operationType?: string;
  operationStartTime?: string;
  operationEndTime?: string;
  counts: PatchCounts;
}

/** A tag an instance must carry to be targeted. */
export interface TargetTag {
  key: string;
  value: string;
}

/** How many failed instances an execution tolerates: a count, or a percentage of its instances. */
export type MaxErrors = { count: number } | { percent: number };

/** The template's rateControl, as an ExecutionSpec carries it. */
export interface RateControl {
  /** Instances patched at the same time. */
  maxConcurrency: number;
  maxErrors: MaxErrors;
}

/** What one execution is asked to do: validated settings, not wire names. */
export interface ExecutionSpec {
  region: string;
  action: 'scan' | 'install';
  /** The instances, sent as targets Type ResourceIds unless `tags` is set. */
  instanceIds: string[];
  /** When set, the targets are Type Tags: every instance carrying all of them (instanceIds is then not sent). */
  tags?: readonly TargetTag[];
  install?: { rebootIfNeed: boolean; createSnapshot: boolean; retentionDays: number };
  /** Absent: the template's default (Concurrency 10, MaxErrors 0). */
  rateControl?: RateControl;
}

export interface StartRequest {
  spec: ExecutionSpec;
  clientToken: string;
  /** StartExecution `Tags` (sent as a JSON map): how the execution can be found again (execution/request-tags.ts). */
  tags?: Readonly<Record<string, string>>;
}

/** ListExecutions filters. OOS may not honour `tags` (unconfirmed): callers match the tags in the answer themselves. */
export interface ExecutionFilter {
  /** Executions carrying every one of these tags. */
  tags?: Readonly<Record<string, string>>;
  /** OOS lists templates whose name contains this one: match the name in the answer too. */
  templateName?: string;
  /** Executions started at or after this time (epoch ms). */
  startedAfter?: number;
}

/** An execution as ListExecutions lists it, with what identifies whose it is. */
export interface ListedExecution extends Execution {
  templateName: string;
  /** The execution's tags; empty when it has none. */
  tags: Record<string, string>;
}

/** One instance's child execution (template ACS::ECS::ApplyPatchBaseline) of a bulk execution. */
export interface ChildExecution extends Pick<Execution, 'executionId' | 'status' | 'statusMessage' | 'startDate' | 'endDate'> {
  /** The loop item: the instance this child patched. */
  instanceId: string;
}

/** A task execution inside an execution. */
export interface TaskExecution {
  taskExecutionId: string;
  taskName: string;
  taskAction: string;
  status: string;
  statusMessage: string;
}

export interface LogLine {
  timestamp: string;
  message: string;
  logType: string;
}

/** A page-bounded read: `truncated` when more existed than was read. */
export interface Bounded<T> {
  items: T[];
  truncated: boolean;
}

/** A patch on an instance, as ListInstancePatches describes it. */
export interface PatchInfo {
  /** KB number (Windows) or advisory/package ID (Linux). */
  kbId: string;
  title: string;
  classification: string;
  severity: string;
  /** Missing, Failed, InstalledPendingReboot, Installed, ... */
  status: string;
  installedTime?: string;
}

/** The OOS operations the action uses. One implementation talks to the API; tests point it at the emulator. */
export interface OosApi {
  startExecution(request: StartRequest): Promise<Execution>;
  getExecution(executionId: string): Promise<Execution>;
  /** Parent executions matching the filter, newest first, at most `maxPages` pages of 100. */
  listExecutions(filter: ExecutionFilter, options: { maxPages: number }): Promise<Bounded<ListedExecution>>;
  /** Asks OOS to cancel; resolves with the request ID. */
  cancelExecution(executionId: string): Promise<{ requestId?: string }>;
  /** All states for these instances; batches of 100 and pages are handled inside. */
  listInstancePatchStates(instanceIds: readonly string[]): Promise<InstancePatchState[]>;
  /** Every child execution of a bulk execution, one per instance, from its loop task's items (paged inside). */
  listChildExecutions(parentExecutionId: string): Promise<ChildExecution[]>;
  /** The same, from ListExecutions `ParentExecutionId` (the instance from each child's `Parameters.instanceId`). */
  listChildExecutionsByParent(parentExecutionId: string): Promise<ChildExecution[]>;
  /** The task executions of one execution (a child's own tasks), every page. */
  listTaskExecutions(executionId: string): Promise<TaskExecution[]>;
  /** The last `tail` log lines of an execution, reading at most `maxPages` pages of 100 from the start. */
  listExecutionLogs(executionId: string, options: { tail: number; maxPages: number }): Promise<Bounded<LogLine>>;
  /**
   * An instance's patches with these statuses, at most `maxPages` pages (per status, when the service takes one status
   * at a time). `expectPatches`: the instance's patch counts say it has such patches, so an empty answer means the
   * filter was not understood and another form of it is tried.
   */
  listInstancePatches(
    instanceId: string,
    statuses: readonly string[],
    options: { maxPages: number; expectPatches?: boolean },
  ): Promise<Bounded<PatchInfo>>;
}

/** An execution with what it was asked to do: ListExecutions' `TemplateName` and `Parameters` (action report). */
export interface ExecutionDescription {
  execution: Execution;
  templateName: string;
  /**
   * The execution's Parameters as an object. ListExecutions documents them as an object, StartExecution as a JSON
   * string: the client accepts both (docs/cloud-facts.md). Empty when OOS returned none or they do not parse.
   */
  parameters: Record<string, unknown>;
}

/** The OOS client: the operations of a run, and reading an execution's template and parameters. */
export interface OosClient extends OosApi {
  /** ListExecutions by ExecutionId, with TemplateName and Parameters; EntityNotExists.Execution when it is not listed. */
  describeExecution(executionId: string): Promise<ExecutionDescription>;
}

/** The OOS operations that only read: what `action: report` gets (src/attach/read-only.ts), never Start/CancelExecution. */
export const READ_ONLY_OOS_METHODS = [
  'getExecution',
  'describeExecution',
  'listInstancePatchStates',
  'listChildExecutions',
  'listChildExecutionsByParent',
  'listExecutions',
  'listTaskExecutions',
  'listExecutionLogs',
  'listInstancePatches',
] as const satisfies ReadonlyArray<keyof OosClient>;

export type ReadOnlyOos = Pick<OosClient, (typeof READ_ONLY_OOS_METHODS)[number]>;
