/**
 * Rules for action.yml beyond its schema (which @actions/workflow-parser checks): what the runner and the
 * Marketplace need from this action. Each returns human-readable problems; none means the file is fine.
 */
import type { ActionMetadata } from './action-metadata.js';

/** The runtime this action is built for (hosted runners drop Node 20 in 2026). */
export const RUNTIME = 'node24';

/** GitHub's badge colours (the action schema's `branding-color`). */
export const BRANDING_COLORS = ['white', 'yellow', 'blue', 'green', 'orange', 'red', 'purple', 'gray-dark'] as const;

export function checkActionMetadata(meta: ActionMetadata, fileExists: (relativePath: string) => boolean): string[] {
  const problems: string[] = [];
  if (!nonEmpty(meta.name)) problems.push('name is required');
  if (!nonEmpty(meta.description)) problems.push('description is required');
  if (!meta.runs) {
    problems.push('runs is required');
  } else {
    if (meta.runs.using !== RUNTIME) problems.push(`runs.using must be ${RUNTIME}, found ${JSON.stringify(meta.runs.using)}`);
    for (const key of ['main', 'pre', 'post'] as const) {
      const file = meta.runs[key];
      if (key === 'main' && !nonEmpty(file)) problems.push('runs.main is required');
      else if (file !== undefined && (!nonEmpty(file) || !fileExists(file)))
        problems.push(`runs.${key} names ${JSON.stringify(file)}, which does not exist: run npm run build`);
    }
  }
  for (const input of meta.inputs) {
    if (!nonEmpty(input.description)) problems.push(`input ${input.name} has no description`);
    if (!input.defaultIsString) problems.push(`input ${input.name}: quote its default (the runner passes every input as a string)`);
    if (input.required && input.default !== undefined)
      problems.push(`input ${input.name} is required and has a default: one of the two is wrong`);
    if (!/^[a-z][a-z0-9-]*$/.test(input.name)) problems.push(`input ${input.name}: use lower-case kebab-case names`);
  }
  for (const output of meta.outputs) {
    if (!nonEmpty(output.description)) problems.push(`output ${output.name} has no description`);
  }
  if (!meta.branding) {
    problems.push('branding (icon and color) is needed for the Marketplace');
  } else {
    if (!nonEmpty(meta.branding.icon)) problems.push('branding.icon is required');
    if (!(BRANDING_COLORS as readonly unknown[]).includes(meta.branding.color))
      problems.push(`branding.color must be one of ${BRANDING_COLORS.join(', ')}`);
  }
  return problems;
}

function nonEmpty(value: unknown): value is string {
  return typeof value === 'string' && value.trim() !== '';
}
