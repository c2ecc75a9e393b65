/**
 * Rules that every workflow of the project and every example a user copies must follow. They work on the YAML
 * syntax tree so that each finding carries its line. Pure: text in, findings out.
 */
import { isMap, isPair, isScalar, isSeq, LineCounter, parseDocument, type Node, type YAMLMap } from 'yaml';
import type { ActionMetadata } from './action-metadata.js';

export interface Finding {
  file: string;
  line: number;
  message: string;
}

/** How a workflow refers to this action: from its own checkout, or as `<owner>/alibaba-ecs-patch-action@<ref>`. */
export const THIS_ACTION = /^(\.\/?|[\w.-]+\/alibaba-ecs-patch-action@\S+)$/;

/** A full-length commit SHA: the only reference to a third-party action that cannot be moved under you. */
const PINNED = /^[^@\s]+@[0-9a-f]{40}$/;

/** Scopes a workflow may grant at its top level, where every job inherits them: read access only. */
const TOP_LEVEL_LEVELS = new Set(['read', 'none']);

interface Context {
  file: string;
  lines: LineCounter;
  findings: Finding[];
}

export function checkWorkflow(file: string, text: string, action: ActionMetadata): Finding[] {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, uniqueKeys: true });
  const ctx: Context = { file, lines, findings: [] };
  if (doc.errors.length > 0) {
    for (const e of doc.errors) ctx.findings.push({ file, line: e.linePos?.[0].line ?? 1, message: e.message });
    return ctx.findings;
  }
  const root = doc.contents;
  if (!isMap(root)) return [{ file, line: 1, message: 'a workflow is a YAML mapping' }];

  checkTopLevelPermissions(ctx, root);
  const jobs = root.get('jobs', true);
  if (!isMap(jobs)) return [...ctx.findings, { file, line: 1, message: 'no jobs' }];
  for (const pair of jobs.items) {
    if (!isScalar(pair.key) || !isMap(pair.value)) continue;
    checkJob(ctx, String(pair.key.value), pair.value, root, action);
  }
  return ctx.findings;
}

function report(ctx: Context, node: Node | null | undefined, message: string): void {
  const offset = node?.range?.[0] ?? 0;
  ctx.findings.push({ file: ctx.file, line: ctx.lines.linePos(offset).line, message });
}

function checkTopLevelPermissions(ctx: Context, root: YAMLMap): void {
  const permissions = root.get('permissions', true) as Node | undefined;
  if (permissions === undefined) {
    report(
      ctx,
      root,
      'set `permissions:` at the top of the workflow (for example `contents: read`): the default token may be able to write',
    );
    return;
  }
  if (isScalar(permissions)) {
    if (permissions.value === 'write-all') report(ctx, permissions, 'top-level write-all: grant write scopes per job, not to every job');
    if (permissions.value === 'read-all') report(ctx, permissions, 'read-all grants every scope: list the ones the jobs need');
    return;
  }
  if (!isMap(permissions)) return;
  for (const pair of permissions.items) {
    if (isScalar(pair.value) && !TOP_LEVEL_LEVELS.has(String(pair.value.value)))
      report(
        ctx,
        pair.value,
        `top-level \`${String((pair.key as { value?: unknown }).value)}: ${String(pair.value.value)}\`: grant write scopes in the job that needs them`,
      );
  }
}

function checkJob(ctx: Context, name: string, job: YAMLMap, root: YAMLMap, action: ActionMetadata): void {
  const permissions = job.get('permissions', true) as Node | undefined;
  if (isScalar(permissions) && (permissions.value === 'write-all' || permissions.value === 'read-all'))
    report(ctx, permissions, `job ${name}: ${String(permissions.value)} is not least privilege: list the scopes it needs`);
  if (permissions === undefined && !root.has('permissions'))
    report(ctx, job, `job ${name} has no permissions and neither has the workflow`);

  const reusable = job.get('uses', true) as Node | undefined;
  if (reusable !== undefined) checkUses(ctx, reusable);

  const steps = job.get('steps', true);
  if (!isSeq(steps)) return;
  for (const step of steps.items) {
    if (!isMap(step)) continue;
    const uses = step.get('uses', true) as Node | undefined;
    if (uses !== undefined) checkUses(ctx, uses);
    const run = step.get('run', true) as Node | undefined;
    if (isScalar(run) && typeof run.value === 'string' && run.value.includes('${{'))
      report(
        ctx,
        run,
        `job ${name}: \${{ }} inside run: is pasted into the script before it runs (script injection); pass it through env: instead`,
      );
    if (isScalar(uses) && THIS_ACTION.test(String(uses.value))) checkThisActionStep(ctx, name, job, step, action);
  }
}

function checkUses(ctx: Context, uses: Node): void {
  if (!isScalar(uses)) return;
  const ref = String(uses.value);
  if (ref.startsWith('./') || ref.startsWith('docker://') || THIS_ACTION.test(ref)) return;
  if (!PINNED.test(ref))
    report(ctx, uses, `${ref}: pin third-party actions to a full 40-character commit SHA (add the version as a comment)`);
}

function checkThisActionStep(ctx: Context, jobName: string, job: YAMLMap, step: YAMLMap, action: ActionMetadata): void {
  const known = new Map(action.inputs.map((i) => [i.name, i]));
  const withMap = step.get('with', true);
  const given = new Map<string, Node | null>();
  if (isMap(withMap)) {
    for (const pair of withMap.items) {
      if (!isPair(pair) || !isScalar(pair.key)) continue;
      const key = String(pair.key.value);
      given.set(key, pair.value as Node | null);
      if (!known.has(key)) report(ctx, pair.key, `job ${jobName}: input ${key} does not exist in action.yml`);
    }
  }
  for (const input of action.inputs) {
    if (input.required && !given.has(input.name)) report(ctx, step, `job ${jobName}: required input ${input.name} is missing`);
  }
  // An install changes production machines: the job must be gated by an environment with required reviewers.
  const mode = given.get('action');
  // scan, report (read only: it attaches to executions) and summarize (reads files) never install.
  const installFree = isScalar(mode) && ['scan', 'report', 'summarize'].includes(String(mode.value));
  if (installFree) return;
  const environment = job.get('environment', true);
  const envName = isMap(environment) ? environment.get('name', true) : environment;
  if (environment === undefined)
    report(ctx, step, `job ${jobName} may install patches: give it an environment: whose required reviewers approve the run`);
  // The action refuses an install unless approval-environment names the environment that gated the job.
  if (!known.has('approval-environment')) return;
  const approval = given.get('approval-environment');
  if (approval === undefined) report(ctx, step, `job ${jobName} may install patches: set approval-environment to the job's environment`);
  else if (isScalar(approval) && isScalar(envName) && String(approval.value) !== String(envName.value))
    report(
      ctx,
      approval,
      `job ${jobName}: approval-environment ${String(approval.value)} is not the job's environment ${String(envName.value)}`,
    );
}
