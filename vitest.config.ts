import { readFileSync } from 'node:fs';
import { defineConfig, type Plugin } from 'vitest/config';

/**
 * @actions/workflow-parser imports its JSON schemas without import attributes, which plain Node rejects.
 * Inlining it lets Vite transform those imports; its published source maps name files it does not ship,
 * so they are dropped here instead of printing a warning per module.
 */
const WORKFLOW_PARSER = '/node_modules/@actions/workflow-parser/';

function dropWorkflowParserSourceMaps(): Plugin {
  return {
    name: 'drop-workflow-parser-source-maps',
    enforce: 'pre',
    load(id) {
      if (!id.includes(WORKFLOW_PARSER) || !id.endsWith('.js')) return null;
      return { code: readFileSync(id, 'utf8').replace(/^\/\/# sourceMappingURL=.*$/m, ''), map: null };
    },
  };
}

/**
 * Two projects: `quick` is what `npm test` runs; `slow` holds the scenarios that need real minutes or a full ncc build
 * (`*.slow.test.ts`), run by `npm run test:slow`. Plain `npx vitest run` runs both.
 */
const SLOW = 'test/**/*.slow.test.ts';

export default defineConfig({
  plugins: [dropWorkflowParserSourceMaps()],
  test: {
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Most test files spend their time waiting on a spawned dist/ or on the emulator's clock, not on the CPU: run
    // more files at once than there are cores (vitest's default is cores - 1: one file at a time on 2 cores).
    maxWorkers: 4,
    // Test files share a worker's module cache: each file's modules are not loaded again (half the CPU of the unit
    // tests). Safe because no test mocks modules or leaves global state behind; every file starts its own servers.
    isolate: false,
    server: { deps: { inline: ['@actions/workflow-parser'] } },
    projects: [
      { extends: true, test: { name: 'quick', include: ['test/**/*.test.ts'], exclude: [SLOW] } },
      { extends: true, test: { name: 'slow', include: [SLOW], testTimeout: 300_000 } },
    ],
  },
});
