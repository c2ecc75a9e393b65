import { CloudError } from '../cloud-error.js';
import { readPages, withNextToken } from '../../lib/paging.js';
import { type Body, createRpcCaller, type RpcOptions } from '../rpc.js';
import { nonEmptyText, presentFields, text } from '../wire.js';
import { TEMPLATE_NAME, templateParameters } from './template.js';
import type {
  ChildExecution,
  Execution,
  ExecutionCounters,
  InstancePatchState,
  LogLine,
  ExecutionDescription,
  OosClient,
  PatchCounts,
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

export function createOosClient(options: OosClientOptions): OosClient {
  const call = createRpcCaller({ ...options, version: VERSION });

  return {
    async startExecution({ spec, clientToken }: StartRequest): Promise<Execution> {
      const body = await call('StartExecution', {
        TemplateName: TEMPLATE_NAME,
        Mode: 'Automatic',
        SafetyCheck: 'Skip',
        ClientToken: clientToken,
        Parameters: JSON.stringify(templateParameters(spec)),
      });
      return toExecution('StartExecution', body, body.Execution);
    },

    async getExecution(executionId: string): Promise<Execution> {
      const { body, found } = await listExecution(executionId);
      return toExecution('ListExecutions', body, found);
    },

    async describeExecution(executionId: string): Promise<ExecutionDescription> {
      const { body, found } = await listExecution(executionId);
      return {
        execution: toExecution('ListExecutions', body, found),
        templateName: text(found.TemplateName),
        parameters: parametersOf(found.Parameters),
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
        await readPages(async (nextToken) => {
          const query = { InstanceIds: JSON.stringify(batch), MaxResults: PATCH_STATE_BATCH };
          const body = await call('ListInstancePatchStates', withNextToken(query, nextToken));
          const items = body.InstancePatchStates;
          if (!Array.isArray(items)) throw malformed('ListInstancePatchStates', body, 'InstancePatchStates is not an array');
          for (const item of items) states.push(toPatchState(body, item));
          return nonEmptyText(body.NextToken);
        });
      }
      return states;
    },

    async listChildExecutions(parentExecutionId: string): Promise<ChildExecution[]> {
      const children: ChildExecution[] = [];
      await pages(
        'ListTaskExecutions',
        { ExecutionId: parentExecutionId, IncludeChildTaskExecution: true },
        'TaskExecutions',
        Infinity,
        (item) => {
          // The loop task's items: one per instance, naming the instance (LoopItem) and its child execution.
          const instanceId = loopItem(item.LoopItem);
          if (typeof item.ChildExecutionId !== 'string' || item.ChildExecutionId === '' || instanceId === undefined) return;
          children.push({
            instanceId,
            executionId: item.ChildExecutionId,
            status: text(item.Status),
            statusMessage: text(item.StatusMessage),
            ...presentFields({ startDate: item.StartDate, endDate: item.EndDate }),
          });
        },
      );
      return children;
    },

    async listTaskExecutions(executionId: string): Promise<TaskExecution[]> {
      const tasks: TaskExecution[] = [];
      await pages('ListTaskExecutions', { ExecutionId: executionId }, 'TaskExecutions', Infinity, (item) => {
        tasks.push({
          taskExecutionId: text(item.TaskExecutionId),
          taskName: text(item.TaskName),
          taskAction: text(item.TaskAction),
          status: text(item.Status),
          statusMessage: text(item.StatusMessage),
        });
      });
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

    async listInstancePatches(instanceId, statuses, { maxPages }) {
      const patches: PatchInfo[] = [];
      const query = { InstanceId: instanceId, PatchStatuses: JSON.stringify(statuses) };
      const truncated = await pages('ListInstancePatches', query, 'Patches', maxPages, (item) => {
        patches.push({
          kbId: text(item.KBId),
          title: text(item.Title),
          classification: text(item.Classification),
          severity: text(item.Severity),
          status: text(item.Status),
          ...presentFields({ installedTime: item.InstalledTime }),
        });
      });
      return { items: patches, truncated };
    },
  };

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
      const body = await call(action, withNextToken({ ...query, MaxResults: PAGE }, nextToken));
      const items = body[field];
      if (!Array.isArray(items)) throw malformed(action, body, `${field} is not an array`);
      for (const item of items) if (typeof item === 'object' && item !== null) each(item as Body);
      return nonEmptyText(body.NextToken);
    }, maxPages);
  }
}

/** Execution `Parameters`: an object (ListExecutions' model) or a JSON string (StartExecution's); {} otherwise. */
export function parametersOf(raw: unknown): Record<string, unknown> {
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
