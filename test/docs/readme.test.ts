import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseActionMetadata } from '../../scripts/lib/action-metadata.js';
import {
  code,
  generateReadme,
  GENERATED_NOTE,
  renderInputsTable,
  renderOutputsTable,
  replaceSection,
} from '../../scripts/lib/readme-tables.js';
import { ROOT } from '../e2e/harness.js';
import { actionMetadata } from '../validate/files.js';

const readme = (): string => readFileSync(join(ROOT, 'README.md'), 'utf8');

function firstDifference(a: string, b: string): string {
  const x = a.split('\n');
  const y = b.split('\n');
  const i = x.findIndex((line, n) => line !== y[n]);
  const at = i < 0 ? Math.min(x.length, y.length) : i;
  return `line ${at + 1}:\n  README.md: ${x[at] ?? '(end)'}\n  generated: ${y[at] ?? '(end)'}`;
}

describe('README tables', () => {
  it('match action.yml', () => {
    const current = readme();
    const generated = generateReadme(current, actionMetadata());
    expect(
      current === generated,
      `README.md is out of step with action.yml: run npm run docs (${firstDifference(current, generated)})`,
    ).toBe(true);
  });

  it('list every input and output of action.yml once in its table', () => {
    const meta = actionMetadata();
    const text = readme();
    // A name may be both an input and an output (execution-id: the output of wait: false, the input of report).
    const names = [...meta.inputs, ...meta.outputs].map((x) => x.name);
    for (const name of new Set(names)) {
      expect(
        text.split('\n').filter((line) => line.startsWith(`| ${code(name)} |`)),
        name,
      ).toHaveLength(names.filter((n) => n === name).length);
    }
  });
});

describe('table rendering', () => {
  const meta = parseActionMetadata(`
name: t
description: d
runs: { using: node24, main: dist/index.js }
inputs:
  token:
    description: |
      A token,
      for <owner>/<repo> | pipes.
    default: \${{ github.token }}
  id:
    description: Backticks \`here\`.
    required: true
  tick:
    description: A default with a backtick.
    default: "a\`b"
outputs:
  out:
    description: Out.
`);

  it('renders one row per input with required, default and a one-line, escaped description', () => {
    expect(renderInputsTable(meta).split('\n')).toEqual([
      '| Input | Required | Default | Description |',
      '|---|---|---|---|',
      '| `token` | no | `${{ github.token }}` | A token, for \\<owner\\>/\\<repo\\> \\| pipes. |',
      '| `id` | yes |  | Backticks `here`. |',
      '| `tick` | no | ``a`b`` | A default with a backtick. |',
    ]);
    expect(renderOutputsTable(meta).split('\n')).toEqual(['| Output | Description |', '|---|---|', '| `out` | Out. |']);
  });

  it('replaces only what lies between the markers, and is idempotent', () => {
    const doc = 'intro\n<!-- inputs:start -->\nold\n<!-- inputs:end -->\nmiddle\n<!-- outputs:start -->\n<!-- outputs:end -->\nend\n';
    const once = generateReadme(doc, meta);
    expect(once.startsWith('intro\n<!-- inputs:start -->\n')).toBe(true);
    expect(once).not.toContain('old');
    expect(once).toContain(`\n${GENERATED_NOTE}\n`);
    expect(once).toContain('\nmiddle\n');
    expect(once.endsWith('<!-- outputs:end -->\nend\n')).toBe(true);
    expect(generateReadme(once, meta)).toBe(once);
  });

  it('notices a change in action.yml', () => {
    const doc = '<!-- inputs:start -->\n<!-- inputs:end -->\n<!-- outputs:start -->\n<!-- outputs:end -->\n';
    const before = generateReadme(doc, meta);
    const changed = { ...meta, inputs: [...meta.inputs.slice(1)] };
    expect(generateReadme(before, changed)).not.toBe(before);
  });

  it('refuses a README without markers, with duplicated or reversed ones', () => {
    expect(() => replaceSection('no markers', 'inputs', 'x')).toThrow(/lacks the markers <!-- inputs:start -->/);
    expect(() => replaceSection('<!-- inputs:start --><!-- inputs:end --><!-- inputs:start -->', 'inputs', 'x')).toThrow(/more than once/);
    expect(() => replaceSection('<!-- inputs:end --><!-- inputs:start -->', 'inputs', 'x')).toThrow(/before/);
  });
});
