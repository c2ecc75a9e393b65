import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

/*
 * The layering of src/ (docs/architecture.md): which folder may import what. Each restriction says what the rule is
 * and where the import belongs. Flat config replaces a rule's options instead of merging them, so every layer below
 * lists all the restrictions that apply to its files; the layers after `src` cover disjoint sets of files.
 */
const ALIBABA_SDK = {
  regex: '^@(alicloud|darabonba)/',
  message:
    'Only src/alibaba/ talks to Alibaba Cloud: put this call in src/alibaba/ (a client in oos/ or ecs/, sign-in in credential.ts) and import it from there.',
};
const GITHUB_TOOLKIT = {
  regex: '^@(actions|octokit)/',
  message:
    'Only the runner edge (src/runner/, index.ts, main.ts, post.ts, sign-in/sign-in.ts) and the GitHub API edges (approval/github.ts, pr-comment/github.ts) use the GitHub toolkit: put this call in src/runner/ and pass it in through a small interface (see src/lib/log.ts).',
};
const IO_MODULES = {
  regex: '^(node:)?(fs|child_process|net|http|https|http2|tls|dgram|dns)(/|$)',
  message:
    'src/report/ and src/summary/ are pure (values in, values out): do the I/O in src/runner/ or in the phase that calls this, and pass the result in.',
};
const RUNNER = {
  regex: '^(\\.\\./)+runner(/|$)',
  message:
    'src/report/ and src/summary/ are pure and do not reach the runner: return the value and let main.ts or the phase publish it through src/runner/.',
};
const CLIENTS = {
  regex: '^(\\.\\./)+(alibaba/(rpc|connect|credential|sts-oidc|(.+/)?client)|approval/github|pr-comment/github)(\\.js)?$',
  message:
    'src/report/ and src/summary/ are pure: take only types and pure helpers from other folders (such as alibaba/oos/types), never a client of Alibaba Cloud or GitHub; the phase makes the call and passes the answer in.',
};
const READ_ONLY = {
  regex:
    '^(\\.\\./)+(alibaba/(rpc|connect|credential|sts-oidc|(.+/)?client)|execution/(run-execution|cancel-execution|detach|phase|batches))(\\.js)?$',
  message:
    'src/attach/ (action: report) is read only by construction: it works on the ReadOnlyOos it is given (alibaba/oos/read-only.ts), never on a client or the code that starts or cancels executions; main.ts connects it.',
};
const NO_CLOUD = {
  regex: '^(\\.\\./)+(alibaba/(rpc|connect|credential|sts-oidc|(.+/)?client)|sign-in/|approval/github|pr-comment/github)',
  message: 'src/summarize/ (action: summarize) makes no cloud call and needs no credentials: it reads report files only.',
};
const OTHER_FOLDERS = {
  regex: '^(\\.\\./)+(?!lib/)[^./]',
  message:
    'src/lib/ is the bottom layer and imports nothing from the other folders of src/: move the shared piece into src/lib/, or move this code to the folder that needs it.',
};

const restrict = (...patterns) => ({ 'no-restricted-imports': ['error', { patterns }] });

const RUNNER_EDGE = [
  'src/runner/**/*.ts',
  'src/index.ts',
  'src/main.ts',
  'src/post.ts',
  'src/sign-in/sign-in.ts',
  'src/approval/github.ts',
  'src/pr-comment/github.ts',
];

const layering = [
  { name: 'layering/src', files: ['src/**/*.ts'], rules: restrict(ALIBABA_SDK, GITHUB_TOOLKIT) },
  { name: 'layering/alibaba', files: ['src/alibaba/**/*.ts'], rules: restrict(GITHUB_TOOLKIT) },
  { name: 'layering/runner-edge', files: RUNNER_EDGE, rules: restrict(ALIBABA_SDK) },
  {
    name: 'layering/pure',
    files: ['src/report/**/*.ts', 'src/summary/**/*.ts'],
    rules: restrict(ALIBABA_SDK, GITHUB_TOOLKIT, IO_MODULES, RUNNER, CLIENTS),
  },
  { name: 'layering/lib', files: ['src/lib/**/*.ts'], rules: restrict(ALIBABA_SDK, GITHUB_TOOLKIT, OTHER_FOLDERS) },
  { name: 'layering/attach', files: ['src/attach/**/*.ts'], rules: restrict(ALIBABA_SDK, GITHUB_TOOLKIT, READ_ONLY) },
  { name: 'layering/summarize', files: ['src/summarize/**/*.ts'], rules: restrict(ALIBABA_SDK, GITHUB_TOOLKIT, NO_CLOUD) },
];

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', 'build/', 'coverage/'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      globals: globals.node,
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
    },
  },
  ...layering,
  {
    files: ['**/*.js'],
    ...tseslint.configs.disableTypeChecked,
  },
);
