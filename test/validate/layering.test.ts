import { ESLint, type Linter } from 'eslint';
import tseslint from 'typescript-eslint';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../e2e/harness.js';
import { findCycles, type ImportGraph, readImportGraph, resolveRelative, staticImports, typeScriptFiles } from './import-graph.js';

/*
 * The layering of src/ (docs/architecture.md): the rules of eslint.config.js fire, and src/ has no import cycle. One
 * file for both, because both load TypeScript (typescript-eslint's parser, import-graph.ts): once per vitest worker.
 *
 * The layering rules of eslint.config.js, run on small snippets placed at paths inside src/. The rules come from the
 * real config; only type information is switched off for these calls, because the snippets' files do not exist and
 * the project service would refuse them (no rule of the layering needs types).
 */
const eslint = new ESLint({ cwd: ROOT, overrideConfig: tseslint.configs.disableTypeChecked });

async function lint(filePath: string, code: string): Promise<Linter.LintMessage[]> {
  const [result] = await eslint.lintText(code, { filePath });
  if (!result) throw new Error(`ESLint returned no result for ${filePath}`);
  return result.messages;
}

const use = (line: string): string => `${line}\nexport const used = [x];\n`;

/** One line of each rule's message, enough to tell which rule fired and that it says where the import belongs. */
const ALIBABA = 'Only src/alibaba/ talks to Alibaba Cloud: put this call in src/alibaba/';
const TOOLKIT = 'use the GitHub toolkit: put this call in src/runner/';
const IO = 'are pure (values in, values out): do the I/O in src/runner/';
const RUNNER = 'do not reach the runner: return the value';
const CLIENTS = 'never a client of Alibaba Cloud or GitHub; the phase makes the call';
const LIB = 'src/lib/ is the bottom layer and imports nothing from the other folders of src/';
const READ_ONLY = 'src/attach/ (action: report) is read only by construction';
const NO_CLOUD = 'src/summarize/ (action: summarize) makes no cloud call and needs no credentials';

const forbidden: [file: string, code: string, rule: string][] = [
  ['src/report/x.ts', "import { readFileSync as x } from 'node:fs';", IO],
  ['src/report/x.ts', "import { readFile as x } from 'fs/promises';", IO],
  ['src/summary/x.ts', "import { spawn as x } from 'node:child_process';", IO],
  ['src/summary/x.ts', "import { request as x } from 'node:https';", IO],
  ['src/summary/x.ts', "import * as x from '@actions/core';", TOOLKIT],
  ['src/report/x.ts', "import type { Octokit as x } from '@octokit/core';", TOOLKIT],
  ['src/report/x.ts', "import type x from '@alicloud/credentials';", ALIBABA],
  ['src/report/x.ts', "import { createLog as x } from '../runner/log.js';", RUNNER],
  ['src/report/x.ts', "import { callRpc as x } from '../alibaba/rpc.js';", CLIENTS],
  ['src/summary/x.ts', "import { connectOos as x } from '../alibaba/connect.js';", CLIENTS],
  ['src/summary/x.ts', "import { createOosClient as x } from '../alibaba/oos/client.js';", CLIENTS],
  ['src/summary/x.ts', "export { createEcsClient as x } from '../alibaba/ecs/client.js';", CLIENTS],
  ['src/summary/x.ts', "import { createApprovalSource as x } from '../approval/github.js';", CLIENTS],
  ['src/report/x.ts', "import type { CommentApi as x } from '../pr-comment/github.js';", CLIENTS],
  ['src/execution/x.ts', "import type x from '@alicloud/credentials';", ALIBABA],
  ['src/execution/x.ts', "import * as x from '@darabonba/typescript';", ALIBABA],
  ['src/execution/x.ts', "import * as x from '@actions/core';", TOOLKIT],
  ['src/preflight/phase.ts', "import * as x from '@actions/core';", TOOLKIT],
  ['src/approval/gate.ts', "import * as x from '@actions/core';", TOOLKIT],
  ['src/pr-comment/phase.ts', "import { getOctokit as x } from '@actions/github';", TOOLKIT],
  ['src/alibaba/x.ts', "import * as x from '@actions/core';", TOOLKIT],
  ['src/main.ts', "import type x from '@alicloud/credentials';", ALIBABA],
  ['src/runner/x.ts', "import OpenApi from '@alicloud/openapi-core';\nconst x = OpenApi;", ALIBABA],
  ['src/lib/x.ts', "import { createLog as x } from '../runner/log.js';", LIB],
  ['src/lib/x.ts', "import type { Settings as x } from '../inputs/parse.js';", LIB],
  ['src/lib/x.ts', "import * as x from '@actions/core';", TOOLKIT],
  ['src/lib/x.ts', "import type x from '@alicloud/credentials';", ALIBABA],
  ['src/attach/x.ts', "import { createOosClient as x } from '../alibaba/oos/client.js';", READ_ONLY],
  ['src/attach/x.ts', "import { connectOos as x } from '../alibaba/connect.js';", READ_ONLY],
  ['src/attach/x.ts', "import { runExecution as x } from '../execution/run-execution.js';", READ_ONLY],
  ['src/attach/x.ts', "import { cancelExecution as x } from '../execution/cancel-execution.js';", READ_ONLY],
  ['src/summarize/x.ts', "import { signIn as x } from '../sign-in/sign-in.js';", NO_CLOUD],
  ['src/summarize/x.ts', "import { createOosClient as x } from '../alibaba/oos/client.js';", NO_CLOUD],
];

const allowed: [file: string, code: string][] = [
  ['src/alibaba/oos/x.ts', "import OpenApi from '@alicloud/openapi-core';\nconst x = OpenApi;"],
  ['src/alibaba/x.ts', "import * as x from '@darabonba/typescript';"],
  [
    'src/runner/x.ts',
    "import * as core from '@actions/core';\nimport { writeFile } from 'node:fs/promises';\nconst x = [core, writeFile];",
  ],
  ['src/main.ts', "import * as x from '@actions/core';"],
  ['src/post.ts', "import * as x from '@actions/core';"],
  ['src/index.ts', "import { run as x } from './main.js';"],
  ['src/sign-in/sign-in.ts', "import * as x from '@actions/core';"],
  ['src/approval/github.ts', "import { getOctokit as x } from '@actions/github';"],
  ['src/pr-comment/github.ts', "import { getOctokit as x } from '@actions/github';"],
  ['src/report/x.ts', "import { isTerminal as x } from '../alibaba/oos/types.js';"],
  ['src/summary/x.ts', "import { maxErrorsValue as x } from '../alibaba/oos/template.js';"],
  ['src/summary/x.ts', "import type { PatchReport as x } from '../report/build.js';"],
  ['src/report/x.ts', "import { ActionError as x } from '../lib/errors.js';"],
  ['src/report/x.ts', "import { approvedBy as x } from '../approval/render.js';"],
  ['src/report/x.ts', "import { createHash as x } from 'node:crypto';"],
  ['src/execution/x.ts', "import { systemClock as x } from '../lib/clock.js';"],
  ['src/lib/x.ts', "import { systemClock as x } from './clock.js';"],
  ['src/lib/x.ts', "import { setTimeout as x } from 'node:timers/promises';"],
];

describe('the layering rules of eslint.config.js', () => {
  it.each(forbidden)('refuse in %s: %s', async (file, code, rule) => {
    const messages = await lint(file, use(code));
    expect(messages.filter((m) => m.fatal)).toEqual([]);
    const restricted = messages.filter((m) => m.ruleId === 'no-restricted-imports');
    expect(restricted).toHaveLength(1);
    expect(restricted[0]?.severity).toBe(2);
    expect(restricted[0]?.message).toContain(rule);
  });

  it.each(allowed)('allow in %s: %s', async (file, code) => {
    expect(await lint(file, use(code))).toEqual([]);
  });
});

describe('the imports of src/', () => {
  const files = typeScriptFiles(ROOT, 'src');
  const { graph, unresolved } = readImportGraph(ROOT, files);

  it('are read from every module', () => {
    expect(files).toContain('src/main.ts');
    expect(graph.get('src/index.ts')).toContain('src/main.ts');
    expect(unresolved).toEqual([]);
  });

  it('form no cycle', () => {
    expect(findCycles(graph).map((cycle) => cycle.join(' -> '))).toEqual([]);
  });
});

const graphOf = (edges: Record<string, string[]>): ImportGraph => new Map(Object.entries(edges));

describe('findCycles', () => {
  it('finds none in a graph without one', () => {
    expect(findCycles(graphOf({ a: ['b', 'c'], b: ['c'], c: [], d: ['a'] }))).toEqual([]);
  });

  it('names a cycle of two from its first module back to it', () => {
    expect(findCycles(graphOf({ b: ['a'], a: ['c', 'b'], c: [] }))).toEqual([['a', 'b', 'a']]);
  });

  it('finds a module that imports itself', () => {
    expect(findCycles(graphOf({ a: ['a'], b: ['a'] }))).toEqual([['a', 'a']]);
  });

  it('finds a long cycle behind a chain, and its shortest way round', () => {
    const graph = graphOf({ x: ['a'], a: ['b'], b: ['c'], c: ['d', 'a'], d: ['b'] });
    expect(findCycles(graph)).toEqual([['a', 'b', 'c', 'a']]);
  });

  it('finds each separate cycle', () => {
    const graph = graphOf({ a: ['b'], b: ['a'], c: ['d'], d: ['e'], e: ['c'], f: ['a', 'c'] });
    expect(findCycles(graph)).toEqual([
      ['a', 'b', 'a'],
      ['c', 'd', 'e', 'c'],
    ]);
  });
});

describe('staticImports', () => {
  it('reads imports, type imports and re-exports, not dynamic imports or text', () => {
    const text = [
      "import { a } from './a.js';",
      "import type { B } from '../b.js';",
      "import './side-effect.js';",
      "export { c } from './c.js';",
      "export type * from './d.js';",
      "import e = require('./e.js');",
      "const f = await import('./f.js');",
      "// import { g } from './g.js';",
      'const h = "import { h } from \'./h.js\'";',
      'export const used = [a, e, f, h];',
    ].join('\n');
    expect(staticImports(text)).toEqual(['./a.js', '../b.js', './side-effect.js', './c.js', './d.js', './e.js']);
  });
});

describe('resolveRelative', () => {
  const modules = new Set(['src/report/build.ts', 'src/alibaba/oos/index.ts', 'src/main.ts']);

  it('resolves a .js specifier to its .ts module, across folders', () => {
    expect(resolveRelative('src/execution/details.ts', '../report/build.js', modules)).toBe('src/report/build.ts');
    expect(resolveRelative('src/index.ts', './main.js', modules)).toBe('src/main.ts');
  });

  it('resolves a folder to its index', () => {
    expect(resolveRelative('src/main.ts', './alibaba/oos', modules)).toBe('src/alibaba/oos/index.ts');
  });

  it('says when nothing matches', () => {
    expect(resolveRelative('src/main.ts', './missing.js', modules)).toBeUndefined();
  });
});
