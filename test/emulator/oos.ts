/**
 * OOS (2019-06-01) handlers: StartExecution, ListExecutions (parents, and children by ParentExecutionId),
 * CancelExecution, ListInstancePatchStates, ListInstancePatches, ListTaskExecutions, ListExecutionLogs.
 * Execution status is computed lazily from the clock: Started for `startedMs`, Running for `runningMs`,
 * then Success/Failed; the terminal effect on patch states is applied once, in end-time order.
 */
import {
  childExecutionView,
  childrenOf,
  childTasks,
  DEFAULT_FAILURE_LOG,
  DEFAULT_FAILURE_MESSAGE,
  executionLog,
  parentTasks,
  type Child,
  type ChildOutcome,
  type ParentView,
} from './children.js';
import { ApiError, invalidParameter, parameterMissing } from './errors.js';
import type { Fleet } from './fleet.js';
import { PATCH_STATUSES, patchesOf, type PatchStatus } from './patches.js';
import { DEFAULT_RETENTION_DAYS, SnapshotStore } from './snapshots.js';
import type { ActionContext, ServiceDefinition } from './server.js';
import { canonicalJson, childExecutionId, intParam, isoDate, newId, paginate } from './util.js';
import { DEFAULT_READINGS, type Readings } from './variants.js';

export const OOS_VERSION = '2019-06-01';
export const PATCH_TEMPLATE = 'ACS-ECS-BulkyApplyPatchBaseline';
export const ERR_TEMPLATE_NOT_FOUND = 'EntityNotExists.Template';
export const ERR_EXECUTION_NOT_FOUND = 'EntityNotExists.Execution';
export const ERR_IDEMPOTENT_MISMATCH = 'IdempotentParameterMismatch';
export const MAX_LOOP_ITEMS = 1000;
export const MAX_PATCH_STATE_IDS = 100;

export interface Timings {
  startedMs: number;
  runningMs: number;
  /**
   * End an execution at the first ListExecutions that names it by ExecutionId (its status check), instead of after
   * `startedMs + runningMs`: StartExecution still answers Started, and the first check sees the end. End-to-end tests
   * use it so that a run does not wait out the action's first poll pause.
   */
  endAtFirstCheck?: boolean;
}
export const DEFAULT_TIMINGS: Readonly<Timings> = { startedMs: 100, runningMs: 300 };

export type ExecutionStatus = 'Started' | 'Running' | 'Success' | 'Failed' | 'Cancelled';
const TERMINAL: ReadonlySet<ExecutionStatus> = new Set(['Success', 'Failed', 'Cancelled']);

/** Public snapshot of an execution (what `emulator.executions()` returns). */
export interface ExecutionRecord {
  executionId: string;
  templateName: string;
  status: ExecutionStatus;
  statusMessage: string;
  mode: string;
  safetyCheck: string;
  clientToken: string | undefined;
  regionId: string | undefined;
  /** The Parameters JSON string as received. */
  parameters: string;
  parsedParameters: Record<string, unknown>;
  instanceIds: string[];
  action: 'install' | 'scan';
  rebootIfNeed: boolean;
  accessKeyId: string | undefined;
  createdAt: number;
  endedAt: number | undefined;
  /** StartExecution `Tags`, as a map. */
  tags: Record<string, string>;
}

interface Settled {
  status: 'Success' | 'Failed' | 'Cancelled';
  message: string;
  failed: number;
  endAt: number;
  /** Each instance's child execution, when the loop ran to its end. */
  outcomes?: Map<string, ChildOutcome>;
}

interface Execution {
  seq: number;
  executionId: string;
  templateName: string;
  parametersRaw: string;
  parameters: Record<string, unknown>;
  mode: string;
  safetyCheck: string;
  clientToken: string | undefined;
  fingerprint: string;
  regionId: string | undefined;
  description: string;
  accessKeyId: string | undefined;
  createdAt: number;
  timings: Timings;
  instanceIds: string[];
  action: 'install' | 'scan';
  rebootIfNeed: boolean;
  settled: Settled | undefined;
  tags: Record<string, string>;
}

/** Declared parameters of ACS-ECS-BulkyApplyPatchBaseline; anything else is rejected. */
const TEMPLATE_PARAMETERS = new Set([
  'regionId',
  'resourceType',
  'targets',
  'action',
  'whetherCreateSnapshot',
  'retentionDays',
  'rebootIfNeed',
  'rateControl',
  'OOSAssumeRole',
  'timeout',
]);
const RESOURCE_TYPES = new Set(['ALIYUN::ECS::Instance', 'ALIYUN::ECS::ManagedInstance', 'ALIYUN::ECD::Desktop']);

export class OosService {
  private readonly executionsById = new Map<string, Execution>();
  private readonly byClientToken = new Map<string, string>();
  /** Child execution ID -> its parent and instance. */
  private readonly childIndex = new Map<string, { parentId: string; instanceId: string }>();
  private seq = 0;
  timings: Timings;

  constructor(
    private readonly fleet: Fleet,
    private readonly now: () => number,
    timings: Partial<Timings> = {},
    /** Where installs with `whetherCreateSnapshot` put their snapshots (read by ECS DescribeSnapshots). */
    private readonly snapshots: SnapshotStore = new SnapshotStore(),
    /** The reading of each unconfirmed fact to play (variants.ts). */
    private readonly readings: Readonly<Readings> = DEFAULT_READINGS,
  ) {
    this.timings = { ...DEFAULT_TIMINGS, ...timings };
  }

  definition(): ServiceDefinition {
    return {
      product: 'Oos',
      version: OOS_VERSION,
      hostId: 'oos.aliyuncs.com',
      actions: {
        StartExecution: (ctx) => this.startExecution(ctx),
        ListExecutions: (ctx) => this.listExecutions(ctx),
        CancelExecution: (ctx) => this.cancelExecution(ctx),
        ListInstancePatchStates: (ctx) => this.listInstancePatchStates(ctx),
        ListInstancePatches: (ctx) => this.listInstancePatches(ctx),
        ListTaskExecutions: (ctx) => this.listTaskExecutions(ctx),
        ListExecutionLogs: (ctx) => this.listExecutionLogs(ctx),
      },
    };
  }

  /** Snapshots of all executions, oldest first, with status as of `now()`. */
  executions(): ExecutionRecord[] {
    const t = this.now();
    this.settleAll(t);
    return this.sorted(false).map((e) => this.snapshot(e, t));
  }

  /** Apply every execution that has reached its end by time `t`, in end-time order. */
  settleAll(t: number): void {
    const due = [...this.executionsById.values()]
      .filter((e) => !e.settled && endOf(e) <= t)
      .sort((a, b) => endOf(a) - endOf(b) || a.seq - b.seq);
    for (const e of due) this.settle(e);
  }

  // ---- handlers -------------------------------------------------------------------------------

  private startExecution(ctx: ActionContext): Record<string, unknown> {
    const p = ctx.params;
    this.settleAll(ctx.now);
    const templateName = p['TemplateName'];
    if (templateName === undefined || templateName === '') throw parameterMissing('TemplateName');
    const clientToken = p['ClientToken'] || undefined;
    if (clientToken !== undefined && !/^[A-Za-z0-9_-]{1,64}$/.test(clientToken)) {
      throw invalidParameter('The parameter ClientToken is invalid: at most 64 letters, digits, "-" or "_".');
    }
    if (templateName !== PATCH_TEMPLATE) {
      throw new ApiError(404, ERR_TEMPLATE_NOT_FOUND, `The specified template ${templateName} does not exist.`);
    }
    const mode = p['Mode'] || 'Automatic';
    if (mode !== 'Automatic' && mode !== 'Debug') throw invalidParameter(`The parameter Mode has an invalid value: ${mode}.`);
    const safetyCheck = p['SafetyCheck'] || 'ConfirmEveryHighRiskAction';
    if (safetyCheck !== 'Skip' && safetyCheck !== 'ConfirmEveryHighRiskAction') {
      throw invalidParameter(`The parameter SafetyCheck has an invalid value: ${safetyCheck}.`);
    }
    const parametersRaw = p['Parameters'] ?? '';
    const parameters = parseTemplateParameters(parametersRaw);
    const tags = parseTags(p['Tags']);
    // Tags are left out of the fingerprint: whether OOS compares them for a reused ClientToken is unconfirmed.
    const fingerprint = `${templateName}\n${mode}\n${canonicalJson(parameters)}`;

    if (clientToken !== undefined) {
      const existingId = this.byClientToken.get(clientToken);
      const existing = existingId === undefined ? undefined : this.executionsById.get(existingId);
      if (existing) {
        // tokenReuse=return-earlier: the earlier execution comes back whatever the parameters.
        if (existing.fingerprint !== fingerprint && this.readings.tokenReuse === 'mismatch-error') {
          throw new ApiError(
            400,
            ERR_IDEMPOTENT_MISMATCH,
            'The request uses the same client token as a previous, but non-identical request.',
          );
        }
        return { Execution: this.startView(existing, ctx.now) };
      }
    }

    const instanceIds = this.resolveTargets(parameters['targets']);
    const execution: Execution = {
      seq: ++this.seq,
      executionId: newId('exec'),
      templateName,
      parametersRaw,
      parameters,
      mode,
      safetyCheck,
      clientToken,
      fingerprint,
      regionId: p['RegionId'] || undefined,
      description: p['Description'] ?? '',
      accessKeyId: ctx.identity?.accessKeyId,
      createdAt: ctx.now,
      timings: { ...this.timings },
      instanceIds,
      action: parameters['action'] === 'scan' ? 'scan' : 'install',
      rebootIfNeed: asBool(parameters['rebootIfNeed']) ?? false,
      settled: undefined,
      tags,
    };
    this.executionsById.set(execution.executionId, execution);
    for (const instanceId of instanceIds) {
      this.childIndex.set(childExecutionId(execution.executionId, instanceId), { parentId: execution.executionId, instanceId });
    }
    if (clientToken !== undefined) this.byClientToken.set(clientToken, execution.executionId);
    this.settleAll(ctx.now); // zero timings finish at once
    return { Execution: this.startView(execution, ctx.now) };
  }

  private listExecutions(ctx: ActionContext): Record<string, unknown> {
    const p = ctx.params;
    const checked = p['ExecutionId'] ? this.executionsById.get(p['ExecutionId']) : undefined;
    if (checked?.timings.endAtFirstCheck && !checked.settled) {
      checked.timings = { startedMs: 0, runningMs: Math.max(0, ctx.now - checked.createdAt) };
    }
    this.settleAll(ctx.now);
    const maxResults = intParam(p, 'MaxResults', 10, 100) ?? 50;
    const filters = {
      ExecutionId: p['ExecutionId'] || undefined,
      ParentExecutionId: p['ParentExecutionId'] || undefined,
      Status: p['Status'] || undefined,
      TemplateName: p['TemplateName'] || undefined,
      Mode: p['Mode'] || undefined,
      StartDateAfter: p['StartDateAfter'] || undefined,
      Tags: p['Tags'] || undefined,
    };
    const startedAfter = filters.StartDateAfter === undefined ? undefined : Date.parse(filters.StartDateAfter);
    if (startedAfter !== undefined && Number.isNaN(startedAfter))
      throw invalidParameter('The parameter StartDateAfter is not a valid date.');
    // Tags: honoured as a filter (every pair must be on the execution), or ignored (the reading switch).
    const tagFilter = filters.Tags !== undefined && this.readings.executionTagsFilter === 'honoured' ? parseTags(filters.Tags) : undefined;
    const children = this.childViews(filters.ParentExecutionId, filters.ExecutionId, ctx.now);
    if (children !== undefined) {
      const matching = children.filter(
        (v) =>
          (filters.Status === undefined || v['Status'] === filters.Status) &&
          (filters.TemplateName === undefined || v['TemplateName'] === filters.TemplateName),
      );
      const page = paginate(matching, maxResults, p['NextToken'], `ListExecutions:${JSON.stringify(filters)}`);
      return { Executions: page.items, MaxResults: maxResults, ...(page.nextToken !== undefined ? { NextToken: page.nextToken } : {}) };
    }
    const all = this.sorted(true).filter((e) => {
      // OOS is regional: an execution is listed only in the region it was started in.
      if (p['RegionId'] && e.regionId !== undefined && e.regionId !== p['RegionId']) return false;
      if (filters.ExecutionId !== undefined && e.executionId !== filters.ExecutionId) return false;
      if (filters.Status !== undefined && statusAt(e, ctx.now) !== filters.Status) return false;
      // "All templates whose names contain the specified template name are queried" (the OOS model).
      if (filters.TemplateName !== undefined && !e.templateName.includes(filters.TemplateName)) return false;
      if (filters.Mode !== undefined && e.mode !== filters.Mode) return false;
      if (startedAfter !== undefined && e.createdAt < startedAfter) return false;
      if (tagFilter && !Object.entries(tagFilter).every(([k, v]) => e.tags[k] === v)) return false;
      return true;
    });
    const page = paginate(all, maxResults, p['NextToken'], `ListExecutions:${JSON.stringify(filters)}`);
    return {
      Executions: page.items.map((e) => this.listView(e, ctx.now)),
      MaxResults: maxResults,
      ...(page.nextToken !== undefined ? { NextToken: page.nextToken } : {}),
    };
  }

  private cancelExecution(ctx: ActionContext): Record<string, unknown> {
    const id = ctx.params['ExecutionId'];
    if (id === undefined || id === '') throw parameterMissing('ExecutionId');
    this.settleAll(ctx.now);
    const e = this.executionsById.get(id);
    if (!e) throw new ApiError(404, ERR_EXECUTION_NOT_FOUND, `The specified execution ${id} does not exist.`);
    if (!e.settled) {
      e.settled = { status: 'Cancelled', message: 'Execution is cancelled by user.', failed: 0, endAt: ctx.now };
    }
    return {};
  }

  private listInstancePatchStates(ctx: ActionContext): Record<string, unknown> {
    const p = ctx.params;
    this.settleAll(ctx.now);
    const maxResults = intParam(p, 'MaxResults', 1, this.maxPage()) ?? 50;
    let ids: string[];
    const raw = p['InstanceIds'];
    if (raw === undefined || raw === '') {
      ids = this.fleet.stateIds();
    } else {
      let parsed: unknown;
      try {
        parsed = JSON.parse(raw);
      } catch {
        throw invalidParameter('The parameter InstanceIds must be a JSON array of instance IDs.');
      }
      if (!Array.isArray(parsed) || !parsed.every((x): x is string => typeof x === 'string')) {
        throw invalidParameter('The parameter InstanceIds must be a JSON array of instance IDs.');
      }
      if (parsed.length > MAX_PATCH_STATE_IDS) {
        throw invalidParameter(`The parameter InstanceIds exceeds the limit of ${MAX_PATCH_STATE_IDS} instance IDs.`);
      }
      ids = [...new Set(parsed)];
    }
    const states = ids.flatMap((id) => {
      const s = this.fleet.state(id);
      return s ? [s] : [];
    });
    const page = paginate(states, maxResults, p['NextToken'], `ListInstancePatchStates:${canonicalJson(ids)}`);
    return {
      InstancePatchStates: page.items.map((s) => ({
        InstanceId: s.instanceId,
        BaselineId: s.baselineId,
        PatchGroup: s.patchGroup,
        OperationType: s.operationType,
        OperationStartTime: isoDate(s.operationStartTime),
        OperationEndTime: isoDate(s.operationEndTime),
        InstalledCount: String(s.installed),
        InstalledOtherCount: String(s.installedOther),
        InstalledPendingRebootCount: String(s.installedPendingReboot),
        InstalledRejectedCount: String(s.installedRejected),
        MissingCount: String(s.missing),
        FailedCount: String(s.failed),
      })),
      MaxResults: maxResults,
      ...(page.nextToken !== undefined ? { NextToken: page.nextToken } : {}),
    };
  }

  private listInstancePatches(ctx: ActionContext): Record<string, unknown> {
    const p = ctx.params;
    this.settleAll(ctx.now);
    const instanceId = p['InstanceId'];
    if (instanceId === undefined || instanceId === '') throw parameterMissing('InstanceId');
    const maxResults = intParam(p, 'MaxResults', 1, this.maxPage()) ?? 50;
    const statuses = this.patchStatusFilter(p['PatchStatuses']);
    const state = this.fleet.state(instanceId);
    const patches = state ? patchesOf(instanceId, this.fleet.get(instanceId), state, statuses) : [];
    const page = paginate(patches, maxResults, p['NextToken'], `ListInstancePatches:${canonicalJson({ instanceId, statuses })}`);
    return { Patches: page.items, MaxResults: maxResults, ...(page.nextToken !== undefined ? { NextToken: page.nextToken } : {}) };
  }

  private listTaskExecutions(ctx: ActionContext): Record<string, unknown> {
    const p = ctx.params;
    this.settleAll(ctx.now);
    const maxResults = intParam(p, 'MaxResults', 20, 100) ?? 50;
    const id = p['ExecutionId'] || undefined;
    if (id === undefined) throw parameterMissing('ExecutionId');
    const found = this.resolve(id, ctx.now);
    const includeChildren = p['IncludeChildTaskExecution'] === 'true' || (p['ParentTaskExecutionId'] ?? '') !== '';
    const named = this.readings.children === 'task-executions';
    let tasks = found.child ? childTasks(found.parent, found.child) : parentTasks(found.parent, includeChildren, named);
    const filters = {
      ParentTaskExecutionId: p['ParentTaskExecutionId'] || undefined,
      Status: p['Status'] || undefined,
      TaskName: p['TaskName'] || undefined,
      TaskExecutionId: p['TaskExecutionId'] || undefined,
    };
    tasks = tasks.filter((t) => Object.entries(filters).every(([k, v]) => v === undefined || t[k] === v));
    const page = paginate(tasks, maxResults, p['NextToken'], `ListTaskExecutions:${canonicalJson({ id, includeChildren, filters })}`);
    return { TaskExecutions: page.items, MaxResults: maxResults, ...(page.nextToken !== undefined ? { NextToken: page.nextToken } : {}) };
  }

  private listExecutionLogs(ctx: ActionContext): Record<string, unknown> {
    const p = ctx.params;
    this.settleAll(ctx.now);
    const id = p['ExecutionId'] || undefined;
    if (id === undefined) throw parameterMissing('ExecutionId');
    const maxResults = intParam(p, 'MaxResults', 10, this.maxPage()) ?? 50;
    const found = this.resolve(id, ctx.now);
    const task = p['TaskExecutionId'] || undefined;
    const type = p['LogType'] || undefined;
    const lines = executionLog(found.parent, found.child).filter(
      (l) => (task === undefined || l['TaskExecutionId'] === task) && (type === undefined || l['LogType'] === type),
    );
    const page = paginate(lines, maxResults, p['NextToken'], `ListExecutionLogs:${canonicalJson({ id, task, type })}`);
    return {
      ExecutionLogs: page.items,
      IsTruncated: false,
      MaxResults: maxResults,
      ...(page.nextToken !== undefined ? { NextToken: page.nextToken } : {}),
    };
  }

  // ---- internals ------------------------------------------------------------------------------

  /** The largest MaxResults of ListInstancePatchStates, ListInstancePatches and ListExecutionLogs (variant maxResults). */
  private maxPage(): number {
    return Number(this.readings.maxResults);
  }

  /**
   * ListInstancePatches `PatchStatuses`: a JSON array string (variant patchStatuses=json-array), or one status as a
   * plain string (plain: a JSON array is refused). Absent: every status.
   */
  private patchStatusFilter(raw: string | undefined): readonly PatchStatus[] {
    if (raw === undefined || raw === '') return PATCH_STATUSES;
    const isStatus = (x: unknown): x is PatchStatus => (PATCH_STATUSES as readonly unknown[]).includes(x);
    if (this.readings.patchStatuses === 'plain') {
      if (!isStatus(raw)) throw invalidParameter(`The parameter PatchStatuses must be one of ${PATCH_STATUSES.join(', ')}.`);
      return [raw];
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(raw);
    } catch {
      throw invalidParameter('The parameter PatchStatuses must be a JSON array of patch statuses.');
    }
    if (!Array.isArray(parsed) || !parsed.every(isStatus)) {
      throw invalidParameter(`The parameter PatchStatuses must be a JSON array of ${PATCH_STATUSES.join(', ')}.`);
    }
    return PATCH_STATUSES.filter((s) => parsed.includes(s));
  }

  /** A parent execution, or a child (with its parent), by ID; EntityNotExists.Execution otherwise. */
  private resolve(id: string, t: number): { parent: ParentView; child: Child | undefined } {
    const own = this.executionsById.get(id);
    if (own) return { parent: this.parentView(own, t), child: undefined };
    const ref = this.childIndex.get(id);
    const parentExecution = ref ? this.executionsById.get(ref.parentId) : undefined;
    if (ref && parentExecution) {
      const parent = this.parentView(parentExecution, t);
      const child = childrenOf(parent).find((c) => c.instanceId === ref.instanceId);
      if (child) return { parent, child };
    }
    throw new ApiError(404, ERR_EXECUTION_NOT_FOUND, `The specified execution ${id} does not exist.`);
  }

  /** ListExecutions items for a ParentExecutionId or a child's ExecutionId; undefined when neither applies. */
  private childViews(parentId: string | undefined, executionId: string | undefined, t: number): Record<string, unknown>[] | undefined {
    if (parentId !== undefined) {
      const parent = this.executionsById.get(parentId);
      // children=none: ListExecutions names no child of a parent either.
      if (!parent || this.readings.children === 'none') return [];
      const view = this.parentView(parent, t);
      return childrenOf(view)
        .filter((c) => executionId === undefined || c.executionId === executionId)
        .map((c) => childExecutionView(view, c));
    }
    if (executionId !== undefined && this.childIndex.has(executionId)) {
      try {
        const { parent, child } = this.resolve(executionId, t);
        return child ? [childExecutionView(parent, child)] : [];
      } catch {
        return [];
      }
    }
    return undefined;
  }

  private parentView(e: Execution, t: number): ParentView {
    return {
      executionId: e.executionId,
      regionId: regionOf(e) ?? '',
      status: statusAt(e, t),
      loopStartMs: e.createdAt + e.timings.startedMs,
      endMs: e.settled?.endAt,
      instanceIds: e.instanceIds,
      action: e.action,
      snapshot: e.action === 'install' && asBool(e.parameters['whetherCreateSnapshot']) === true,
      outcomes: e.settled?.outcomes,
    };
  }

  private resolveTargets(targets: unknown): string[] {
    const t = targets as { Type?: unknown; ResourceIds?: unknown; Tags?: unknown };
    if (t.Type === 'ResourceIds') {
      if (!Array.isArray(t.ResourceIds) || !t.ResourceIds.every((x): x is string => typeof x === 'string')) {
        throw invalidParameter('targets.ResourceIds must be an array of instance IDs.');
      }
      return [...new Set(t.ResourceIds)];
    }
    if (t.Type === 'Tags') {
      const tags = t.Tags;
      if (!Array.isArray(tags) || tags.length === 0 || !tags.every((x) => typeof (x as { Key?: unknown })?.Key === 'string')) {
        throw invalidParameter('targets.Tags must be a non-empty array of {"Key","Value"}.');
      }
      return this.fleet.idsByTags(tags as Array<{ Key: string; Value?: string }>);
    }
    throw invalidParameter(`targets.Type ${JSON.stringify(t.Type)} is not supported (ResourceIds or Tags).`);
  }

  private settle(e: Execution): void {
    const startMs = e.createdAt + e.timings.startedMs;
    const endAt = endOf(e);
    if (e.instanceIds.length > MAX_LOOP_ITEMS) {
      e.settled = { status: 'Failed', message: `The number of loop items exceeds the limit ${MAX_LOOP_ITEMS}.`, failed: 0, endAt };
      return;
    }
    const messages: string[] = [];
    const outcomes = new Map<string, ChildOutcome>();
    const snapshot = e.action === 'install' && asBool(e.parameters['whetherCreateSnapshot']) === true;
    for (const id of e.instanceIds) {
      const spec = this.fleet.get(id);
      if (spec && snapshot) this.createSnapshot(e, id, startMs); // the template snapshots before patching
      if (!spec) {
        messages.push(`Instance ${id} not found`);
        outcomes.set(id, { status: 'Failed', message: `The specified instance ${id} does not exist.`, log: [] });
      } else if (spec.failExecution) {
        messages.push(`Instance ${id}: patch baseline execution failed`);
        const message = spec.failureMessage ?? DEFAULT_FAILURE_MESSAGE;
        outcomes.set(id, { status: 'Failed', message, log: spec.failureLog ?? DEFAULT_FAILURE_LOG });
      } else {
        if (e.action === 'scan') this.fleet.applyScan(id, startMs, endAt);
        else this.fleet.applyInstall(id, e.rebootIfNeed, startMs, endAt);
        outcomes.set(id, { status: 'Success', message: '', log: ['Patch operation finished.'] });
      }
    }
    // rateControl.MaxErrors: the execution fails only when more instances failed than it tolerates.
    const tolerated = maxErrorsOf(e.parameters['rateControl'], e.instanceIds.length);
    e.settled =
      messages.length > tolerated
        ? { status: 'Failed', message: messages.join('; '), failed: messages.length, endAt, outcomes }
        : { status: 'Success', message: '', failed: messages.length, endAt, outcomes };
  }

  private createSnapshot(e: Execution, instanceId: string, at: number): void {
    this.snapshots.add({
      snapshotName: `Snapshot-${childExecutionId(e.executionId, instanceId)}`,
      instanceId,
      regionId: regionOf(e),
      creationTime: at,
      retentionDays: asNumber(e.parameters['retentionDays']) ?? DEFAULT_RETENTION_DAYS,
      executionId: e.executionId,
    });
  }

  private sorted(newestFirst: boolean): Execution[] {
    const list = [...this.executionsById.values()].sort((a, b) => a.seq - b.seq);
    return newestFirst ? list.reverse() : list;
  }

  private snapshot(e: Execution, t: number): ExecutionRecord {
    return {
      executionId: e.executionId,
      templateName: e.templateName,
      status: statusAt(e, t),
      statusMessage: e.settled?.message ?? '',
      mode: e.mode,
      safetyCheck: e.safetyCheck,
      clientToken: e.clientToken,
      regionId: e.regionId,
      parameters: e.parametersRaw,
      parsedParameters: structuredClone(e.parameters),
      instanceIds: [...e.instanceIds],
      action: e.action,
      rebootIfNeed: e.rebootIfNeed,
      accessKeyId: e.accessKeyId,
      createdAt: e.createdAt,
      endedAt: e.settled?.endAt,
      tags: { ...e.tags },
    };
  }

  private common(e: Execution, t: number): Record<string, unknown> {
    const status = statusAt(e, t);
    return {
      ExecutionId: e.executionId,
      TemplateName: e.templateName,
      TemplateId: 't-emulatorbulkypatch',
      TemplateVersion: 'v1',
      Mode: e.mode,
      LoopMode: 'Automatic',
      SafetyCheck: e.safetyCheck,
      Status: status,
      StatusMessage: e.settled?.message ?? '',
      Outputs: '{}',
      StartDate: isoDate(e.createdAt),
      CreateDate: isoDate(e.createdAt),
      UpdateDate: isoDate(updateDate(e, t)),
      ...(TERMINAL.has(status) && e.settled ? { EndDate: isoDate(e.settled.endAt) } : {}),
      ExecutedBy: e.accessKeyId ?? '',
      IsParent: true,
      ParentExecutionId: '',
      Description: e.description,
      RamRole: '',
      ResourceGroupId: '',
      Tags: { ...e.tags },
      Counters: counters(status),
    };
  }

  private startView(e: Execution, t: number): Record<string, unknown> {
    return { ...this.common(e, t), Parameters: e.parametersRaw };
  }

  private listView(e: Execution, t: number): Record<string, unknown> {
    return {
      ...this.common(e, t),
      Parameters: structuredClone(e.parameters),
      StatusReason: '',
      WaitingStatus: '',
      CurrentTasks: [],
    };
  }
}

/** The region the execution works in: the template's regionId, else the request's RegionId. */
function regionOf(e: Execution): string | undefined {
  const regionId = e.parameters['regionId'];
  return typeof regionId === 'string' && regionId !== '' ? regionId : e.regionId;
}

function endOf(e: Execution): number {
  return e.createdAt + e.timings.startedMs + e.timings.runningMs;
}

function statusAt(e: Execution, t: number): ExecutionStatus {
  if (e.settled) return e.settled.status;
  if (t >= e.createdAt + e.timings.startedMs) return 'Running';
  return 'Started';
}

function updateDate(e: Execution, t: number): number {
  if (e.settled) return e.settled.endAt;
  const running = e.createdAt + e.timings.startedMs;
  return t >= running ? running : e.createdAt;
}

/**
 * `Counters` count the parent's tasks, as the OOS models document ("the number of tasks that are counted by
 * execution status"): ACS-ECS-BulkyApplyPatchBaseline has four (getInstance, the applyPatchBaseline loop, and two
 * tasks its `When` conditions skip), whatever the number of instances. The loop task takes the execution's status.
 */
export const PARENT_TASK_COUNT = 4;

function counters(status: ExecutionStatus): Record<string, number> {
  const c = { Total: PARENT_TASK_COUNT, Success: 0, Failed: 0, Running: 0, Cancelled: 0, Waiting: 0, Skipped: 0 };
  const rest = PARENT_TASK_COUNT - 2;
  if (status === 'Started') {
    c.Running = 1; // getInstance
    c.Waiting = 1 + rest;
  } else if (status === 'Running') {
    c.Success = 1;
    c.Running = 1;
    c.Waiting = rest;
  } else {
    c.Success = 1;
    c[status === 'Success' ? 'Success' : status === 'Failed' ? 'Failed' : 'Cancelled'] += 1;
    if (status === 'Cancelled') c.Cancelled += rest;
    else c.Skipped = rest;
  }
  return c;
}

function asBool(v: unknown): boolean | undefined {
  if (typeof v === 'boolean') return v;
  if (v === 'true') return true;
  if (v === 'false') return false;
  return undefined;
}

function asNumber(v: unknown): number | undefined {
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  if (typeof v === 'string' && /^-?\d+(\.\d+)?$/.test(v)) return Number(v);
  return undefined;
}

/** A count or a percentage string ("10%"), as rateControl Concurrency and MaxErrors take them. */
const COUNT_OR_PERCENT = /^(\d+)%$/;

function checkRateControl(rc: Record<string, unknown>): void {
  if (rc['Mode'] !== 'Concurrency' && rc['Mode'] !== 'Batch') {
    throw invalidParameter('The template parameter rateControl.Mode must be "Concurrency" or "Batch".');
  }
  for (const key of ['Concurrency', 'MaxErrors']) {
    const v = rc[key];
    const ok = (typeof v === 'number' && Number.isInteger(v) && v >= 0) || (typeof v === 'string' && COUNT_OR_PERCENT.test(v));
    if (!ok) throw invalidParameter(`The template parameter rateControl.${key} must be a whole number or a percentage such as "10%".`);
  }
  if (rc['Concurrency'] === 0) throw invalidParameter('The template parameter rateControl.Concurrency must be at least 1.');
}

/** How many failed instances an execution tolerates: rateControl.MaxErrors (default 0), a count or a percentage. */
function maxErrorsOf(rateControl: unknown, total: number): number {
  const v = (rateControl as { MaxErrors?: unknown } | undefined)?.MaxErrors;
  if (typeof v === 'number') return v;
  const percent = typeof v === 'string' ? COUNT_OR_PERCENT.exec(v)?.[1] : undefined;
  return percent === undefined ? 0 : Math.floor((Number(percent) * total) / 100);
}

/** StartExecution / ListExecutions `Tags`: a JSON string of a map of strings; absent or '' means none. */
function parseTags(raw: string | undefined): Record<string, string> {
  if (raw === undefined || raw === '') return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw invalidParameter('The parameter Tags is not a valid JSON string.');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
    throw invalidParameter('The parameter Tags must be a JSON object.');
  const tags: Record<string, string> = {};
  for (const [k, v] of Object.entries(parsed as Record<string, unknown>)) {
    if (typeof v !== 'string') throw invalidParameter(`The value of tag ${k} must be a string.`);
    if (k === '' || k.length > 128 || v.length > 128 || /^(aliyun|acs:)/i.test(k) || /^acs:/i.test(v) || /https?:\/\//i.test(k + v)) {
      throw invalidParameter(`The tag ${k} is invalid: keys and values of at most 128 characters, no aliyun/acs: prefix, no http(s)://.`);
    }
    tags[k] = v;
  }
  return tags;
}

/** Parse and validate the Parameters JSON of ACS-ECS-BulkyApplyPatchBaseline. */
export function parseTemplateParameters(raw: string): Record<string, unknown> {
  if (raw === '') throw invalidParameter('The parameter Parameters is required by the template: targets is missing.');
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw invalidParameter('The parameter Parameters is not a valid JSON string.');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw invalidParameter('The parameter Parameters must be a JSON object.');
  }
  const params = parsed as Record<string, unknown>;
  for (const key of Object.keys(params)) {
    if (!TEMPLATE_PARAMETERS.has(key)) {
      throw invalidParameter(`The parameter ${key} is not defined in template ${PATCH_TEMPLATE}.`);
    }
  }
  const targets = params['targets'];
  if (typeof targets !== 'object' || targets === null || Array.isArray(targets)) {
    throw invalidParameter('The template parameter targets is required and must be a JSON object.');
  }
  const action = params['action'];
  if (action !== undefined && action !== 'install' && action !== 'scan') {
    throw invalidParameter(`The template parameter action must be "install" or "scan"; got ${JSON.stringify(action)}.`);
  }
  const resourceType = params['resourceType'];
  if (resourceType !== undefined && (typeof resourceType !== 'string' || !RESOURCE_TYPES.has(resourceType))) {
    throw invalidParameter(`The template parameter resourceType has an invalid value: ${JSON.stringify(resourceType)}.`);
  }
  for (const key of ['whetherCreateSnapshot', 'rebootIfNeed']) {
    if (params[key] !== undefined && asBool(params[key]) === undefined) {
      throw invalidParameter(`The template parameter ${key} must be a Boolean.`);
    }
  }
  const retention = params['retentionDays'];
  if (retention !== undefined) {
    const n = asNumber(retention);
    if (n === undefined || !Number.isInteger(n) || n < 1 || n > 65536) {
      throw invalidParameter('The template parameter retentionDays must be an integer between 1 and 65536.');
    }
  }
  if (params['timeout'] !== undefined && asNumber(params['timeout']) === undefined) {
    throw invalidParameter('The template parameter timeout must be a Number.');
  }
  const rateControl = params['rateControl'];
  if (rateControl !== undefined && (typeof rateControl !== 'object' || rateControl === null || Array.isArray(rateControl))) {
    throw invalidParameter('The template parameter rateControl must be a JSON object.');
  }
  if (rateControl !== undefined) checkRateControl(rateControl as Record<string, unknown>);
  for (const key of ['regionId', 'OOSAssumeRole']) {
    if (params[key] !== undefined && typeof params[key] !== 'string') {
      throw invalidParameter(`The template parameter ${key} must be a String.`);
    }
  }
  return params;
}
