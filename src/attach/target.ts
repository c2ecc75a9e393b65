import { consoleUrl } from '../alibaba/oos/console.js';
import { TEMPLATE_NAME } from '../alibaba/oos/template.js';
import type { ExecutionDescription, MaxErrors, RateControl, TargetTag } from '../alibaba/oos/types.js';
import type { InstallOptions, PatchAction } from '../inputs/parse.js';
import { ActionError } from '../lib/errors.js';

/** What an existing execution was asked to do, read back from its own Parameters (pure). */
export interface AttachTarget {
  executionId: string;
  action: PatchAction;
  /** The instances its targets list; empty when it targets tags (the child executions name them once it ran). */
  instanceIds: string[];
  tags?: TargetTag[];
  install?: InstallOptions;
  rateControl?: RateControl;
}

/**
 * The execution's target, or an ActionError that says why the action cannot report on it: another template (a
 * child execution, or a different automation), instances in another region, or targets it cannot read.
 */
export function attachTarget(d: ExecutionDescription, region: string): AttachTarget {
  const id = d.execution.executionId;
  const url = consoleUrl(region, id);
  if (d.templateName !== TEMPLATE_NAME) {
    throw new ActionError(
      `Execution ${id} is an execution of ${JSON.stringify(d.templateName || 'an unnamed template')}, not ${TEMPLATE_NAME}: ` +
        `action: report reads only the patch runs this action (or the console) starts with that template. Check the execution-id: ${url}`,
    );
  }
  const p = d.parameters;
  const targets = asObject(p.targets);
  const regions = [p.regionId, targets?.RegionId].filter((r): r is string => typeof r === 'string' && r !== '');
  const other = regions.find((r) => r !== region);
  if (other !== undefined) {
    throw new ActionError(
      `Execution ${id} patches instances in ${other}, but region is ${region}: patch states are regional. Set region: ${other} ` +
        `(and run the report where the execution was started).`,
    );
  }
  const action: PatchAction = p.action === 'scan' ? 'scan' : 'install';
  const target: AttachTarget = { executionId: id, action, instanceIds: [] };
  if (targets?.Type === 'ResourceIds' && Array.isArray(targets.ResourceIds)) {
    target.instanceIds = [...new Set(targets.ResourceIds.filter((v): v is string => typeof v === 'string'))];
  } else if (targets?.Type === 'Tags' && Array.isArray(targets.Tags)) {
    target.tags = targets.Tags.flatMap((t) => {
      const tag = asObject(t);
      return typeof tag?.Key === 'string' && typeof tag.Value === 'string' ? [{ key: tag.Key, value: tag.Value }] : [];
    });
  } else {
    throw new ActionError(
      `Execution ${id} has targets this action cannot read (${JSON.stringify(targets?.Type ?? 'none')}; expected ResourceIds or Tags): ${url}`,
    );
  }
  if (action === 'install') {
    target.install = {
      rebootIfNeed: p.rebootIfNeed === true || p.rebootIfNeed === 'true',
      createSnapshot: p.whetherCreateSnapshot === true || p.whetherCreateSnapshot === 'true',
      retentionDays: typeof p.retentionDays === 'number' ? p.retentionDays : Number(p.retentionDays ?? 7) || 7,
    };
  }
  const rate = asObject(p.rateControl);
  if (rate) target.rateControl = { maxConcurrency: Number(rate.Concurrency ?? 10) || 10, maxErrors: maxErrorsOf(rate.MaxErrors) };
  return target;
}

function maxErrorsOf(v: unknown): MaxErrors {
  if (typeof v === 'string' && /^\d+%$/.test(v)) return { percent: Number(v.slice(0, -1)) };
  const n = Number(v ?? 0);
  return { count: Number.isSafeInteger(n) && n >= 0 ? n : 0 };
}

function asObject(v: unknown): Record<string, unknown> | undefined {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
}
