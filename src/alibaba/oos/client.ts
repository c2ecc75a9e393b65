import { CloudError, endless } from '../cloud-error.js';
import { isExecutionId, isInstanceId } from '../ids.js';
import { pagesFor, readPages, withNextToken } from '../../lib/paging.js';
import { type Body, createRpcCaller, type RpcOptions } from '../rpc.js';
import { nonEmptyText, presentFields, text } from '../wire.js';
import {
  isInvalidParameter,
  PageSizes,
  PATCH_STATUS_FORMS,
  type PatchStatusForm,
  parametersMismatch,
  patchStatusValues,
  sameParameters,
} from './readings.js';
import { MAX_INSTANCES_PER_EXECUTION, TEMPLATE_NAME, templateParameters } from './template.js';
import type {
  ChildExecution,
  Execution,
  ExecutionCounters,
  InstancePatchState,
  ListedExecution,
  LogLine,
  ExecutionDescription,
  OosClient,
  PatchCounts,
  Bounded,
  PatchInfo,
  StartRequest,
  TaskExecution,
} from './types.js';

/** The only module that knows OOS wire names. Built on openapi-core's generic callApi, as the generated SDK is. */
export type OosClientOptions = Omit<RpcOptions, 'version'>;

const VERSION = '2019-06-01';
const PATCH_STATE_BATCH = 100;
/** The largest page the list operations take (ListTaskExecutions 20..100, ListExecutions 10..100). */
const PAGE = 100;
/** Tasks of one child execution (ACS::ECS::ApplyPatchBaseline runs a handful): far fewer than this. */
const MAX_CHILD_TASKS = 100;
/** Task executions of a parent: one per instance of its loop task, plus the template's own few tasks. */
const MAX_PARENT_TASKS = MAX_INSTANCES_PER_EXECUTION + 20;

/**
 * What grows with the fleet travels in the signed form body, never in the URL: StartExecution `Parameters` (about
 * 31 KB for 1000 instances) and ListInstancePatchStates `InstanceIds`. The small fixed parameters stay in the query.
 */
export function createOosClient(options: OosClientOptions): OosClient {
  const call = createRpcCaller({ ...options, version: VERSION });
  // What this run has learnt about the service (docs/cloud-facts.md): page sizes, the PatchStatuses form.
  const pageSizes = new PageSizes();
  let patchStatusForm: PatchStatusForm = PATCH_STATUS_FORMS[0];

  return {
    async startExecution({ spec, clientToken, tags }: StartRequest): Promise<Execution> {
      const parameters = templateParameters(spec);
      const body = await call(
        'StartExecution',
        {
          TemplateName: TEMPLATE_NAME,
          Mode: 'Automatic',
          SafetyCheck: 'Skip',
          ClientToken: clientToken,
          ...(tags ? { Tags: JSON.stringify(tags) } : {}),
        },
        { Parameters: JSON.stringify(parameters) },
      );
      const execution = toExecution('StartExecution', body, body.Execution);
      // A reused ClientToken with other parameters: OOS may refuse it, or return the earlier execution. Same error.
      if (!sameParameters(parameters, (body.Execution as Body).Parameters)) {
        throw parametersMismatch(requestIdOf(body), execution.executionId);
      }
      return execution;
    },

    async getExecution(executionId: string): Promise<Execution> {
      const { body, found } = await listExecution(executionId);
      return toExecution('ListExecutions', body, found);
    },

    async listExecutions(filter, { maxPages }) {
      const listed: ListedExecution[] = [];
      const query: Record<string, unknown> = {};
      if (filter.tags) query.Tags = JSON.stringify(filter.tags);
      if (filter.templateName !== undefined) query.TemplateName = filter.templateName;
      if (filter.startedAfter !== undefined) query.StartDateAfter = isoSeconds(filter.startedAfter);
      const truncated = await pages('ListExecutions', query, 'Executions', maxPages, (item) => {
        // An item without an ID or a status cannot be followed: skip it rather than fail the lookup.
        if (typeof item.ExecutionId !== 'string' || typeof item.Status !== 'string') return;
        listed.push({ ...toExecution('ListExecutions', {}, item), templateName: text(item.TemplateName), tags: toTags(item.Tags) });
      });
      return { items: listed, truncated };
    },

    async describeExecution(executionId: string): Promise<ExecutionDescription> {
      const { body, found } = await listExecution(executionId);
      return {
        execution: toExecution('ListExecutions', body, found),
        templateName: text(found.TemplateName),
        parameters: jsonObjectOf(found.Parameters),
      };
    },

    async cancelExecution(executionId: string): Promise<{ requestId?: string }> {
      const body = await call('CancelExecution', { ExecutionId: executionId });
      const requestId = requestIdOf(body);
      return requestId ? { requestId } : {};
    },

    async listInstancePatchStates(instanceIds: readonly string[]): Promise<InstancePatchState[]> {
      const states: InstancePatchState[] = [];
      for (let i = 0; i < instanceIds.length; i += PATCH_STATE_BATCH) {
        const batch = instanceIds.slice(i, i + PATCH_STATE_BATCH);
        const form = { InstanceIds: JSON.stringify(batch) };
        // Pages of 50 at the least (the smaller MaxResults reading), whatever the size asked for.
        const maxPages = pagesFor(batch.length, 50);
        const cut = await readPages(async (nextToken) => {
          const body = await pageSizes.read('ListInstancePatchStates', (size) =>
            call('ListInstancePatchStates', withNextToken({ MaxResults: size }, nextToken), form),
          );
          const items = body.InstancePatchStates;
          if (!Array.isArray(items)) throw malformed('ListInstancePatchStates', body, 'InstancePatchStates is not an array');
          for (const item of items) states.push(toPatchState(body, item));
          return nonEmptyText(body.NextToken);
        }, maxPages);
        if (cut) throw endless('ListInstancePatchStates', maxPages);
      }
      return states;
    },

    async listChildExecutions(parentExecutionId: string): Promise<ChildExecution[]> {
      const children: ChildExecution[] = [];
      const maxPages = pagesFor(MAX_PARENT_TASKS, PAGE);
      const cut = await pages(
        'ListTaskExecutions',
        { ExecutionId: parentExecutionId, IncludeChildTaskExecution: true },
        'TaskExecutions',
        maxPages,
        (item) => {
          // The loop task's items: one per instance, naming the instance (LoopItem) and its child execution.
          const child = childExecution('ListTaskExecutions', item.ChildExecutionId, loopItem(item.LoopItem), item);
          if (child) children.push(child);
        },
      );
      if (cut) throw endless('ListTaskExecutions', maxPages);
      return children;
    },

    async listChildExecutionsByParent(parentExecutionId: string): Promise<ChildExecution[]> {
      const children: ChildExecution[] = [];
      // One child per loop item, in pages of 50 at the least (ListExecutions takes MaxResults 10..100).
      const maxPages = pagesFor(MAX_INSTANCES_PER_EXECUTION, 50);
      const cut = await pages('ListExecutions', { ParentExecutionId: parentExecutionId }, 'Executions', maxPages, (item) => {
        // The child names its instance only in its own template parameters.
        const child = childExecution('ListExecutions', item.ExecutionId, childInstanceId(item.Parameters), item);
        if (child) children.push(child);
      });
      if (cut) throw endless('ListExecutions', maxPages);
      return children;
    },

    async listTaskExecutions(executionId: string): Promise<TaskExecution[]> {
      const tasks: TaskExecution[] = [];
      const maxPages = pagesFor(MAX_CHILD_TASKS, PAGE);
      const cut = await pages('ListTaskExecutions', { ExecutionId: executionId }, 'TaskExecutions', maxPages, (item) => {
        tasks.push({
          taskExecutionId: text(item.TaskExecutionId),
          taskName: text(item.TaskName),
          taskAction: text(item.TaskAction),
          status: text(item.Status),
          statusMessage: text(item.StatusMessage),
        });
      });
      if (cut) throw endless('ListTaskExecutions', maxPages);
      return tasks;
    },

    async listExecutionLogs(executionId, { tail, maxPages }) {
      const lines: LogLine[] = [];
      const truncated = await pages('ListExecutionLogs', { ExecutionId: executionId }, 'ExecutionLogs', maxPages, (item) => {
        lines.push({ timestamp: text(item.Timestamp), message: text(item.Message), logType: text(item.LogType) });
        if (lines.length > tail) lines.shift();
      });
      return { items: lines, truncated };
    },

    async listInstancePatches(instanceId, statuses, { maxPages, expectPatches = false }) {
      // The form that worked so far first; on InvalidParameter, or an empty answer where the patch counts say there
      // are such patches, the next form. A form that answered with patches (or was the last left) sticks.
      for (const form of PATCH_STATUS_FORMS.slice(PATCH_STATUS_FORMS.indexOf(patchStatusForm))) {
        let list: Bounded<PatchInfo>;
        try {
          list = await patchesInForm(instanceId, statuses, form, maxPages);
        } catch (err) {
          if (!isInvalidParameter(err) || form === 'unfiltered') throw err;
          patchStatusForm = nextForm(form);
          continue;
        }
        if (list.items.length > 0 || !expectPatches || form === 'unfiltered') {
          if (list.items.length > 0) patchStatusForm = form;
          return list;
        }
      }
      return { items: [], truncated: false };
    },
  };

  /** One instance's patches with one form of the PatchStatuses filter (one request per status when plain). */
  async function patchesInForm(
    instanceId: string,
    statuses: readonly string[],
    form: PatchStatusForm,
    maxPages: number,
  ): Promise<Bounded<PatchInfo>> {
    const patches: PatchInfo[] = [];
    let truncated = false;
    for (const value of patchStatusValues(form, statuses)) {
      const query = { InstanceId: instanceId, ...(value === undefined ? {} : { PatchStatuses: value }) };
      const more = await pages('ListInstancePatches', query, 'Patches', maxPages, (item) => {
        const status = text(item.Status);
        if (form === 'unfiltered' && !statuses.includes(status)) return;
        patches.push({
          kbId: text(item.KBId),
          title: text(item.Title),
          classification: text(item.Classification),
          severity: text(item.Severity),
          status,
          ...presentFields({ installedTime: item.InstalledTime }),
        });
      });
      truncated ||= more;
    }
    return { items: patches, truncated };
  }

  /** The ListExecutions item of one execution; EntityNotExists.Execution when OOS does not list it. */
  async function listExecution(executionId: string): Promise<{ body: Body; found: Body }> {
    const body = await call('ListExecutions', { ExecutionId: executionId });
    const list = body.Executions;
    if (!Array.isArray(list)) throw malformed('ListExecutions', body, 'Executions is not an array');
    const found: unknown = (list as unknown[]).find((e) => (e as Body | null)?.ExecutionId === executionId);
    if (typeof found !== 'object' || found === null) {
      throw new CloudError(
        'ListExecutions',
        'EntityNotExists.Execution',
        `execution ${executionId} was not found`,
        undefined,
        requestIdOf(body),
      );
    }
    return { body, found: found as Body };
  }

  /** Reads up to `maxPages` pages of a list operation, item by item; true when pages were left unread. */
  async function pages(
    action: string,
    query: Record<string, unknown>,
    field: string,
    maxPages: number,
    each: (item: Body) => void,
  ): Promise<boolean> {
    return readPages(async (nextToken) => {
      const body = await pageSizes.read(action, (size) => call(action, withNextToken({ ...query, MaxResults: size }, nextToken)));
      const items = body[field];
      if (!Array.isArray(items)) throw malformed(action, body, `${field} is not an array`);
      for (const item of items) if (typeof item === 'object' && item !== null) each(item as Body);
      return nonEmptyText(body.NextToken);
    }, maxPages);
  }
}

function nextForm(form: PatchStatusForm): PatchStatusForm {
  return PATCH_STATUS_FORMS[PATCH_STATUS_FORMS.indexOf(form) + 1] ?? form;
}

/**
 * A child execution named by `action`'s answer: none when the item names no child or no instance; a child or an
 * instance ID of an unknown form makes the answer malformed (it is never used).
 */
function childExecution(action: string, executionId: unknown, instanceId: string | undefined, item: Body): ChildExecution | undefined {
  if (typeof executionId !== 'string' || executionId === '' || instanceId === undefined) return undefined;
  if (!isExecutionId(executionId) || !isInstanceId(instanceId)) {
    throw malformed(action, {}, 'a child execution or its instance has an ID of an unknown form');
  }
  return {
    instanceId,
    executionId,
    status: text(item.Status),
    statusMessage: text(item.StatusMessage),
    ...presentFields({ startDate: item.StartDate, endDate: item.EndDate }),
  };
}

/** `instanceId` of a child execution's `Parameters` (an object, or a JSON string). */
function childInstanceId(parameters: unknown): string | undefined {
  const p = jsonObjectOf(parameters);
  const id = p.instanceId ?? p.InstanceId;
  return typeof id === 'string' && id !== '' ? id : undefined;
}

/** A map the API returns as an object or as a JSON string (an execution's `Parameters` or `Tags`); {} otherwise. */
export function jsonObjectOf(raw: unknown): Record<string, unknown> {
  let value = raw;
  if (typeof raw === 'string') {
    try {
      value = JSON.parse(raw) as unknown;
    } catch {
      return {};
    }
  }
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

/** The loop item of a child task: the instance ID, as a bare string or JSON-encoded. */
function loopItem(v: unknown): string | undefined {
  if (typeof v !== 'string' || v === '') return undefined;
  if (v.startsWith('"')) {
    try {
      const parsed: unknown = JSON.parse(v);
      return typeof parsed === 'string' ? parsed : undefined;
    } catch {
      return undefined;
    }
  }
  return v;
}

function toExecution(operation: string, body: Body, raw: unknown): Execution {
  const e = raw as Body | null | undefined;
  if (typeof e !== 'object' || e === null || typeof e.ExecutionId !== 'string' || typeof e.Status !== 'string') {
    throw malformed(operation, body, 'the execution has no ExecutionId or Status');
  }
  if (!isExecutionId(e.ExecutionId)) throw malformed(operation, body, 'the ExecutionId is not of the form exec-<letters and digits>');
  const execution: Execution = {
    executionId: e.ExecutionId,
    status: e.Status,
    statusMessage: text(e.StatusMessage),
  };
  Object.assign(execution, presentFields({ startDate: e.StartDate, endDate: e.EndDate }));
  const requestId = requestIdOf(body);
  if (requestId) execution.requestId = requestId;
  const counters = toCounters(e.Counters);
  if (counters) execution.counters = counters;
  return execution;
}

/** Execution `Tags`: a JSON map (a JSON string of one is read too); values that are not strings are left out. */
function toTags(raw: unknown): Record<string, string> {
  return Object.fromEntries(Object.entries(jsonObjectOf(raw)).filter((e): e is [string, string] => typeof e[1] === 'string'));
}

/** OOS dates: ISO 8601 in UTC, whole seconds (2019-05-16T10:26:14Z). */
function isoSeconds(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}

/** `Counters` such as `{"Total":2,"Success":1,"Failed":1}`; undefined unless Total is a count. */
function toCounters(raw: unknown): ExecutionCounters | undefined {
  if (typeof raw !== 'object' || raw === null) return undefined;
  const c = raw as Body;
  const count = (v: unknown): number | undefined => {
    const n = typeof v === 'number' ? v : typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : NaN;
    return Number.isSafeInteger(n) && n >= 0 ? n : undefined;
  };
  const total = count(c.Total);
  if (total === undefined) return undefined;
  return { total, success: count(c.Success) ?? 0, failed: count(c.Failed) ?? 0 };
}

const COUNT_FIELDS: Record<keyof PatchCounts, string> = {
  installed: 'InstalledCount',
  installedOther: 'InstalledOtherCount',
  installedPendingReboot: 'InstalledPendingRebootCount',
  installedRejected: 'InstalledRejectedCount',
  missing: 'MissingCount',
  failed: 'FailedCount',
};

function toPatchState(body: Body, raw: unknown): InstancePatchState {
  const s = raw as Body | null;
  if (typeof s !== 'object' || s === null || typeof s.InstanceId !== 'string') {
    throw malformed('ListInstancePatchStates', body, 'a patch state has no InstanceId');
  }
  if (!isInstanceId(s.InstanceId))
    throw malformed('ListInstancePatchStates', body, 'an InstanceId is not of the form i-<letters and digits>');
  const counts = {} as PatchCounts;
  for (const [key, field] of Object.entries(COUNT_FIELDS) as Array<[keyof PatchCounts, string]>) {
    // Counts arrive as strings; a missing field means none.
    const value = s[field] ?? '0';
    const n = typeof value === 'number' ? value : typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : NaN;
    if (!Number.isSafeInteger(n)) throw malformed('ListInstancePatchStates', body, `${field} is not a count: ${JSON.stringify(value)}`);
    counts[key] = n;
  }
  const state: InstancePatchState = { instanceId: s.InstanceId, counts };
  for (const [key, field] of [
    ['baselineId', 'BaselineId'],
    ['patchGroup', 'PatchGroup'],
    ['operationType', 'OperationType'],
    ['operationStartTime', 'OperationStartTime'],
    ['operationEndTime', 'OperationEndTime'],
  ] as const) {
    const v = s[field];
    if (typeof v === 'string' && v !== '') state[key] = v;
  }
  return state;
}

function requestIdOf(body: Body): string | undefined {
  return typeof body.RequestId === 'string' ? body.RequestId : undefined;
}

function malformed(operation: string, body: Body, what: string): CloudError {
  return new CloudError(operation, 'MalformedResponse', `unexpected response: ${what}`, undefined, requestIdOf(body));
}
