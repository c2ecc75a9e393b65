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

export default defineConfig({
  plugins: [dropWorkflowParserSourceMaps()],
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    server: { deps: { inline: ['@actions/workflow-parser'] } },
  },
});
