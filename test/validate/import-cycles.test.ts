import { describe, expect, it } from 'vitest';
import { ROOT } from '../e2e/harness.js';
import { findCycles, type ImportGraph, readImportGraph, resolveRelative, staticImports, typeScriptFiles } from './import-graph.js';

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
