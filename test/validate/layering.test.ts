import { ESLint, type Linter } from 'eslint';
import tseslint from 'typescript-eslint';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../e2e/harness.js';

/*
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
