/**
 * The per-instance side of an ACS-ECS-BulkyApplyPatchBaseline execution: its loop task runs one child
 * execution of ACS::ECS::ApplyPatchBaseline per instance (ID from `childExecutionId`). Seen through
 * ListExecutions `ParentExecutionId`, ListTaskExecutions (the loop's items carry `LoopItem` and
 * `ChildExecutionId`; a child's own tasks) and ListExecutionLogs. Pure views over what the parent recorded.
 */
import { childExecutionId, isoDate } from './util.js';

export const CHILD_TEMPLATE = 'ACS::ECS::ApplyPatchBaseline';
/** The parent's loop task over the targets. */
export const LOOP_TASK = 'applyPatchBaseline';
/** The child's task that runs the patch command through Cloud Assistant. */
export const PATCH_TASK = 'runPatchCommand';
export const SNAPSHOT_TASK = 'createSnapshot';
export const DEFAULT_FAILURE_MESSAGE = 'Command execution failed: the patch command exited with code 1.';
export const DEFAULT_FAILURE_LOG = [
  'Start to apply patch baseline.',
  'Error: Failed to download metadata for repo: Cannot download repomd.xml.',
  'Patch operation failed, exit code 1.',
];

export type ChildStatus = 'Running' | 'Success' | 'Failed' | 'Cancelled';

/** What a parent execution knows about itself, as the child views need it. */
export interface ParentView {
  executionId: string;
  regionId: string;
  /** Parent status at the time of the request. */
  status: 'Started' | 'Running' | 'Success' | 'Failed' | 'Cancelled';
  /** When the loop started (the parent went Running), epoch ms. */
  loopStartMs: number;
  /** When the parent ended, if it has. */
  endMs: number | undefined;
  instanceIds: readonly string[];
  action: 'scan' | 'install';
  snapshot: boolean;
  /** Per instance outcome, recorded when the parent settled with Success/Failed; absent for Cancelled. */
  outcomes: ReadonlyMap<string, ChildOutcome> | undefined;
}

export interface ChildOutcome {
  status: 'Success' | 'Failed';
  message: string;
  log: readonly string[];
}

export interface Child {
  executionId: string;
  instanceId: string;
  status: ChildStatus;
  message: string;
  log: readonly string[];
}

/** The children that exist at the parent's current status: none before the loop starts. */
export function childrenOf(parent: ParentView): Child[] {
  if (parent.status === 'Started') return [];
  if (parent.instanceIds.length > 0 && parent.outcomes === undefined && parent.status !== 'Running' && parent.status !== 'Cancelled') {
    return []; // the loop never ran (e.g. too many items)
  }
  return parent.instanceIds.map((instanceId) => {
    const executionId = childExecutionId(parent.executionId, instanceId);
    const outcome = parent.outcomes?.get(instanceId);
    if (outcome) return { executionId, instanceId, status: outcome.status, message: outcome.message, log: outcome.log };
    const status: ChildStatus = parent.status === 'Running' ? 'Running' : 'Cancelled';
    return { executionId, instanceId, status, message: status === 'Cancelled' ? 'Execution is cancelled by user.' : '', log: [] };
  });
}

/** A child as ListExecutions returns it. */
export function childExecutionView(parent: ParentView, child: Child): Record<string, unknown> {
  const ended = child.status !== 'Running';
  return {
    ExecutionId: child.executionId,
    TemplateName: CHILD_TEMPLATE,
    TemplateId: 't-emulatorapplypatch',
    TemplateVersion: 'v1',
    Mode: 'Automatic',
    LoopMode: 'Automatic',
    SafetyCheck: 'Skip',
    Status: child.status,
    StatusMessage: child.message,
    StatusReason: '',
    WaitingStatus: '',
    Outputs: ended && child.status === 'Success' ? JSON.stringify({ instanceId: child.instanceId }) : '{}',
    Parameters: { regionId: parent.regionId, instanceId: child.instanceId, action: parent.action, whetherCreateSnapshot: parent.snapshot },
    StartDate: isoDate(parent.loopStartMs),
    CreateDate: isoDate(parent.loopStartMs),
    UpdateDate: isoDate(ended && parent.endMs !== undefined ? parent.endMs : parent.loopStartMs),
    ...(ended && parent.endMs !== undefined ? { EndDate: isoDate(parent.endMs) } : {}),
    IsParent: false,
    ParentExecutionId: parent.executionId,
    Counters: {},
    CurrentTasks: [],
    Tags: {},
  };
}

/**
 * The parent's task executions: the loop task, and (with children included) one item per instance, naming its child
 * execution unless `namesChildren` is false (variant children=list-executions or none: the items carry `LoopItem`
 * but an empty `ChildExecutionId`).
 */
export function parentTasks(parent: ParentView, includeChildren: boolean, namesChildren = true): Record<string, unknown>[] {
  if (parent.status === 'Started') return [];
  const children = childrenOf(parent);
  const loopId = taskId(parent.executionId, LOOP_TASK);
  const loopStatus = parent.status;
  const loop = taskView(parent, {
    id: loopId,
    name: LOOP_TASK,
    action: 'ACS::Template',
    status: loopStatus,
    message: parent.status === 'Failed' ? failedSummary(children) : '',
  });
  loop.Loop = { Items: parent.instanceIds.length, Concurrency: 10, MaxErrors: 0 };
  if (!includeChildren) return [loop];
  const items = children.map((c) => ({
    ...taskView(parent, {
      id: taskId(c.executionId, LOOP_TASK),
      name: LOOP_TASK,
      action: 'ACS::Template',
      status: c.status,
      message: c.message,
    }),
    ParentTaskExecutionId: loopId,
    ChildExecutionId: namesChildren ? c.executionId : '',
    LoopItem: c.instanceId,
  }));
  return [loop, ...items];
}

/** A child's own tasks: the snapshot (install with snapshot), then the patch command. */
export function childTasks(parent: ParentView, child: Child): Record<string, unknown>[] {
  const tasks: Record<string, unknown>[] = [];
  if (parent.action === 'install' && parent.snapshot) {
    // The template snapshots first, so the snapshot task has succeeded whatever happens to the patch command.
    const snapshot = { id: taskId(child.executionId, SNAPSHOT_TASK), name: SNAPSHOT_TASK, action: 'ACS::ECS::CreateSnapshot' };
    tasks.push(taskView(parent, { ...snapshot, status: 'Success', message: '' }, child.executionId));
  }
  tasks.push(
    taskView(
      parent,
      {
        id: taskId(child.executionId, PATCH_TASK),
        name: PATCH_TASK,
        action: 'ACS::ECS::RunCommand',
        status: child.status,
        message: child.message,
      },
      child.executionId,
    ),
  );
  return tasks;
}

/** The log of a parent or a child execution, oldest first. */
export function executionLog(parent: ParentView, child: Child | undefined): Array<Record<string, unknown>> {
  const t0 = parent.loopStartMs;
  const end = parent.endMs ?? t0;
  const lines: Array<{ at: number; type: string; message: string; task?: string }> = [];
  const push = (at: number, type: string, message: string, task?: string): void => {
    lines.push({ at, type, message, ...(task ? { task } : {}) });
  };
  if (!child) {
    push(t0, 'ExecutionStarted', `Execution ${parent.executionId} started.`);
    if (parent.endMs !== undefined) push(end, 'ExecutionCompleted', `Execution ${parent.executionId} ended ${parent.status}.`);
  } else {
    const patchTask = taskId(child.executionId, PATCH_TASK);
    push(t0, 'ExecutionStarted', `Execution ${child.executionId} started for instance ${child.instanceId}.`);
    if (parent.action === 'install' && parent.snapshot) {
      const id = taskId(child.executionId, SNAPSHOT_TASK);
      push(t0, 'TaskStarted', `Task ${SNAPSHOT_TASK} started.`, id);
      push(t0, 'TaskCompleted', `Task ${SNAPSHOT_TASK} succeeded.`, id);
    }
    push(t0, 'TaskStarted', `Task ${PATCH_TASK} started.`, patchTask);
    for (const line of child.log) push(end, 'TaskLog', line, patchTask);
    if (child.status !== 'Running') {
      const verb = child.status === 'Success' ? 'succeeded' : child.status === 'Failed' ? `failed: ${child.message}` : 'was cancelled';
      push(end, child.status === 'Success' ? 'TaskCompleted' : 'TaskFailed', `Task ${PATCH_TASK} ${verb}`, patchTask);
      push(end, 'ExecutionCompleted', `Execution ${child.executionId} ended ${child.status}.`);
    }
  }
  return lines.map((l) => ({
    Timestamp: isoDate(l.at),
    LogType: l.type,
    Message: l.message,
    TaskExecutionId: l.task ?? '',
  }));
}

/** `task-` + 20 hex characters derived from the execution and the task name. */
export function taskId(executionId: string, task: string): string {
  return `task-${childExecutionId(executionId, task).slice('exec-'.length)}`;
}

function failedSummary(children: readonly Child[]): string {
  const failed = children.filter((c) => c.status === 'Failed').length;
  return failed > 0 ? `${failed} loop item(s) failed.` : '';
}

function taskView(
  parent: ParentView,
  t: { id: string; name: string; action: string; status: string; message: string },
  executionId = parent.executionId,
): Record<string, unknown> {
  const ended = t.status !== 'Running' && t.status !== 'Started';
  return {
    TaskExecutionId: t.id,
    ExecutionId: executionId,
    TaskName: t.name,
    TaskAction: t.action,
    TemplateId: 't-emulatorbulkypatch',
    Status: t.status,
    StatusMessage: t.message,
    Properties: '{}',
    Outputs: '{}',
    StartDate: isoDate(parent.loopStartMs),
    CreateDate: isoDate(parent.loopStartMs),
    UpdateDate: isoDate(ended && parent.endMs !== undefined ? parent.endMs : parent.loopStartMs),
    ...(ended && parent.endMs !== undefined ? { EndDate: isoDate(parent.endMs) } : {}),
    ChildExecutionId: '',
    LoopItem: '',
    ParentTaskExecutionId: '',
    ExtraData: {},
    LoopBatchNumber: 0,
  };
}
