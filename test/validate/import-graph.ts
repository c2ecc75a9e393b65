import { readdirSync, readFileSync } from 'node:fs';
import { join, posix } from 'node:path';
import ts from 'typescript';

/** Module -> the modules it imports, by path relative to the repository root (posix separators). */
export type ImportGraph = ReadonlyMap<string, readonly string[]>;

/**
 * The specifiers a TypeScript module imports or re-exports statically: `import`, `import type`, `export ... from`
 * and `import x = require(...)`. Dynamic `import()` is left out: it does not take part in loading order.
 */
export function staticImports(text: string): string[] {
  const source = ts.createSourceFile('module.ts', text, ts.ScriptTarget.Latest, false, ts.ScriptKind.TS);
  const specifiers: string[] = [];
  for (const statement of source.statements) {
    if (ts.isImportDeclaration(statement) || ts.isExportDeclaration(statement)) {
      const specifier = statement.moduleSpecifier;
      if (specifier && ts.isStringLiteral(specifier)) specifiers.push(specifier.text);
    } else if (ts.isImportEqualsDeclaration(statement) && ts.isExternalModuleReference(statement.moduleReference)) {
      const specifier = statement.moduleReference.expression;
      if (ts.isStringLiteral(specifier)) specifiers.push(specifier.text);
    }
  }
  return specifiers;
}

/**
 * The module a relative specifier names, among `modules`, the way the bundler resolves it (`./x.js` is `./x.ts`), or
 * the way the type check does for a JavaScript module declared beside it (`./x.js` is `./x.d.ts`); undefined if none
 * matches. Package specifiers are not resolved here.
 */
export function resolveRelative(from: string, specifier: string, modules: ReadonlySet<string>): string | undefined {
  const base = posix.join(posix.dirname(from), specifier);
  const stem = base.replace(/\.(js|mjs|cjs)$/, '');
  const candidates = [base, `${stem}.ts`, `${stem}.mts`, `${stem}.cts`, `${stem}.d.ts`, `${base}/index.ts`];
  return candidates.find((candidate) => modules.has(candidate));
}

export const isRelative = (specifier: string): boolean => specifier === '.' || /^\.\.?\//.test(specifier);

/** Every `.ts` file under `dir` (relative to `root`), sorted, with posix separators. */
export function typeScriptFiles(root: string, dir: string): string[] {
  return readdirSync(join(root, dir), { recursive: true, encoding: 'utf8' })
    .map((name) => posix.join(dir, name.split('\\').join('/')))
    .filter((path) => path.endsWith('.ts'))
    .sort();
}

export interface ReadGraph {
  graph: ImportGraph;
  /** `module: specifier` for each relative import that names no module of the set. */
  unresolved: string[];
}

/** The graph of relative imports between `files`, read from disk under `root`. */
export function readImportGraph(root: string, files: readonly string[]): ReadGraph {
  const modules = new Set(files);
  const graph = new Map<string, string[]>();
  const unresolved: string[] = [];
  for (const file of files) {
    const targets: string[] = [];
    for (const specifier of staticImports(readFileSync(join(root, file), 'utf8')).filter(isRelative)) {
      const target = resolveRelative(file, specifier, modules);
      if (target === undefined) unresolved.push(`${file}: ${specifier}`);
      else if (!targets.includes(target)) targets.push(target);
    }
    graph.set(file, targets);
  }
  return { graph, unresolved };
}

/**
 * One cycle per strongly connected component that has one (Tarjan), each the shortest cycle through the
 * component's first module in sorted order, written from that module back to it: `[a, b, a]`. Sorted, so the answer
 * does not depend on the order the files were read in.
 */
export function findCycles(graph: ImportGraph): string[][] {
  const edges = (node: string): readonly string[] => graph.get(node) ?? [];
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const components: string[][] = [];

  const connect = (node: string): void => {
    index.set(node, index.size);
    low.set(node, index.get(node)!);
    stack.push(node);
    onStack.add(node);
    for (const next of edges(node)) {
      if (!index.has(next)) {
        connect(next);
        low.set(node, Math.min(low.get(node)!, low.get(next)!));
      } else if (onStack.has(next)) {
        low.set(node, Math.min(low.get(node)!, index.get(next)!));
      }
    }
    if (low.get(node) !== index.get(node)) return;
    const component: string[] = [];
    let member: string;
    do {
      member = stack.pop()!;
      onStack.delete(member);
      component.push(member);
    } while (member !== node);
    components.push(component);
  };

  for (const node of [...graph.keys()].sort()) if (!index.has(node)) connect(node);

  return components
    .filter((component) => component.length > 1 || edges(component[0]!).includes(component[0]!))
    .map((component) => shortestCycle(new Set(component), edges))
    .sort((a, b) => a[0]!.localeCompare(b[0]!));
}

function shortestCycle(component: ReadonlySet<string>, edges: (node: string) => readonly string[]): string[] {
  const start = [...component].sort()[0]!;
  const previous = new Map<string, string>();
  const queue = [start];
  for (let i = 0; i < queue.length; i++) {
    const node = queue[i]!;
    for (const next of [...edges(node)].sort()) {
      if (next === start) {
        const path = [start];
        for (let at = node; at !== start; at = previous.get(at)!) path.splice(1, 0, at);
        return [...path, start];
      }
      if (component.has(next) && !previous.has(next)) {
        previous.set(next, node);
        queue.push(next);
      }
    }
  }
  throw new Error(`no cycle through ${start}`);
}
