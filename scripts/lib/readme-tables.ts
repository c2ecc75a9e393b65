/**
 * The README's inputs and outputs tables, rendered from action.yml and spliced between marker comments
 * (`<!-- inputs:start -->` ... `<!-- inputs:end -->`). Pure functions: `scripts/docs.ts` does the file I/O.
 */
import type { ActionMetadata } from './action-metadata.js';

export const GENERATED_NOTE = '<!-- Generated from action.yml by `npm run docs`: edit action.yml, not this table. -->';

export type Section = 'inputs' | 'outputs';

/** Text for a Markdown table cell: one line, pipes escaped. */
export function cell(text: string): string {
  return text
    .trim()
    .replace(/\s*\n\s*/g, ' ')
    .replace(/\|/g, '\\|');
}

/** A description as table text: action.yml descriptions are plain text, so `<region>` must not turn into an HTML tag. */
export function prose(text: string): string {
  return cell(text).replace(/[<>]/g, '\\$&');
}

/** A code span that survives backticks inside the value (the CommonMark rule: a longer fence). */
export function code(text: string): string {
  const longest = Math.max(0, ...[...text.matchAll(/`+/g)].map((m) => m[0].length));
  const fence = '`'.repeat(longest + 1);
  const pad = text.startsWith('`') || text.endsWith('`') ? ' ' : '';
  return `${fence}${pad}${text}${pad}${fence}`;
}

export function renderInputsTable(meta: ActionMetadata): string {
  const rows = meta.inputs.map(
    (i) =>
      `| ${code(i.name)} | ${i.required ? 'yes' : 'no'} | ${i.default === undefined || i.default === '' ? '' : cell(code(i.default))} | ${prose(i.description ?? '')} |`,
  );
  return ['| Input | Required | Default | Description |', '|---|---|---|---|', ...rows].join('\n');
}

export function renderOutputsTable(meta: ActionMetadata): string {
  const rows = meta.outputs.map((o) => `| ${code(o.name)} | ${prose(o.description ?? '')} |`);
  return ['| Output | Description |', '|---|---|', ...rows].join('\n');
}

export function markers(section: Section): { start: string; end: string } {
  return { start: `<!-- ${section}:start -->`, end: `<!-- ${section}:end -->` };
}

/** Replaces what lies between the section's markers; throws when they are missing, duplicated or out of order. */
export function replaceSection(readme: string, section: Section, content: string): string {
  const { start, end } = markers(section);
  const from = readme.indexOf(start);
  const to = readme.indexOf(end);
  if (from < 0 || to < 0) throw new Error(`README.md lacks the markers ${start} and ${end} around the ${section} table`);
  if (readme.indexOf(start, from + 1) >= 0 || readme.indexOf(end, to + 1) >= 0)
    throw new Error(`README.md has the ${section} markers more than once`);
  if (to < from) throw new Error(`README.md has ${end} before ${start}`);
  return `${readme.slice(0, from + start.length)}\n${GENERATED_NOTE}\n\n${content}\n\n${readme.slice(to)}`;
}

/** The README as `npm run docs` would write it. */
export function generateReadme(readme: string, meta: ActionMetadata): string {
  return replaceSection(replaceSection(readme, 'inputs', renderInputsTable(meta)), 'outputs', renderOutputsTable(meta));
}
