/**
 * What a published action carries besides its code (issue 15), checked where a check applies: the release workflow
 * verifies before it writes, the integration workflow never installs, Dependabot groups every dependency, the bug
 * report asks for what a maintainer needs and warns about account IDs, and the docs name the development commands.
 * The workflow rules every workflow follows (actionlint, schema, pinned SHAs, permissions) are workflows.test.ts.
 * Reads files only.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { projectWorkflows } from './files.js';
import { ROOT } from '../e2e/harness.js';

const read = (path: string): string => readFileSync(join(ROOT, path), 'utf8');
const yaml = <T>(path: string): T => parse(read(path)) as T;

interface Step {
  uses?: string;
  run?: string;
  with?: Record<string, unknown>;
}
interface Job {
  needs?: string | string[];
  if?: string;
  environment?: string | { name: string };
  permissions?: Record<string, string> | string;
  steps?: Step[];
}
interface Workflow {
  on: Record<string, unknown>;
  permissions: Record<string, string>;
  jobs: Record<string, Job>;
}

const pkg = JSON.parse(read('package.json')) as {
  license: string;
  scripts: Record<string, string>;
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
};

const runs = (job: Job | undefined): string => (job?.steps ?? []).map((s) => s.run ?? '').join('\n');
const writeScopes = (job: Job): string[] =>
  typeof job.permissions === 'object'
    ? Object.entries(job.permissions)
        .filter(([, v]) => v === 'write')
        .map(([k]) => k)
    : [];

describe('the workflows a published action carries', () => {
  it('are where the workflow checks look', () => {
    expect(projectWorkflows().map((f) => f.path)).toEqual(
      expect.arrayContaining(['.github/workflows/codeql.yml', '.github/workflows/integration.yml', '.github/workflows/release.yml']),
    );
  });

  it('release: on a version tag only, verifies before the one job that may write', () => {
    const wf = yaml<Workflow>('.github/workflows/release.yml');
    expect(wf.on).toEqual({ push: { tags: ['v*.*.*'] } });
    const { verify, release } = wf.jobs;
    // The checks of CONTRIBUTING.md's release by hand, in the job without a write scope.
    for (const command of [
      'scripts/release-notes.ts "$TAG"',
      'npm run build',
      'git diff --exit-code -- dist',
      'npm test',
      'npm run test:slow',
    ])
      expect(runs(verify)).toContain(command);
    expect(writeScopes(verify ?? {})).toEqual([]);
    // The release and the major tag: after the checks, the only write scope, and no code of the repository run.
    expect(release?.needs).toBe('verify');
    expect(Object.entries(wf.jobs).filter(([, job]) => writeScopes(job).length > 0)).toEqual([['release', release]]);
    expect(writeScopes(release ?? {})).toEqual(['contents']);
    expect((release?.steps ?? []).filter((s) => s.uses !== undefined)).toEqual([]);
    expect(runs(release)).not.toMatch(/\bnpm\b|\bnpx\b/);
    expect(runs(release)).toContain('gh release create "$TAG" --verify-tag');
    expect(runs(release)).toContain('refs/tags/$MAJOR');
  });

  it('integration: every run of the action is a scan or a dry run behind the environment, and waits for the variables', () => {
    const text = read('.github/workflows/integration.yml');
    const wf = parse(text) as Workflow;
    const configured = wf.jobs.configured;
    const checked = [...runs(configured).matchAll(/missing\+=\((\w+)\)/g)].map((m) => m[1]);
    expect(checked.length).toBeGreaterThan(0);
    expect(runs(configured)).toContain('::notice');
    // Every variable the workflow uses is one the first job checks, so a missing one skips the run with a notice.
    expect([...new Set([...text.matchAll(/vars\.(\w+)/g)].map((m) => m[1]))].sort()).toEqual([...checked].sort());

    const actionSteps = Object.entries(wf.jobs).flatMap(([name, job]) =>
      (job.steps ?? []).filter((s) => s.uses === './').map((s) => [name, job, s] as const),
    );
    expect(actionSteps.map(([, , s]) => s.with?.action).sort()).toEqual(['install', 'scan']);
    for (const [name, job, step] of actionSteps) {
      expect(job.needs, name).toBe('configured');
      expect(job.if, name).toContain("needs.configured.outputs.ready == 'true'");
      if (step.with?.action === 'scan') continue;
      expect(step.with?.['dry-run'], `${name}: no real install in this workflow`).toBe(true);
      expect(job.environment, name).toBe(step.with?.['approval-environment']);
    }
  });
});

/** Dependabot's pattern: `*` stands for any run of characters. */
const matches = (pattern: string, name: string): boolean =>
  new RegExp(
    `^${pattern
      .split('*')
      .map((p) => p.replace(/[.+?^${}()|[\]\\/@-]/g, '\\$&'))
      .join('.*')}$`,
  ).test(name);

interface Group {
  'dependency-type'?: 'production' | 'development';
  patterns?: string[];
  'exclude-patterns'?: string[];
}

describe('.github/dependabot.yml', () => {
  const config = yaml<{ updates: { 'package-ecosystem': string; groups?: Record<string, Group> }[] }>('.github/dependabot.yml');
  const npm = config.updates.find((u) => u['package-ecosystem'] === 'npm');

  /** The group Dependabot puts a dependency in: the first whose rules it meets. */
  const groupOf = (name: string, type: 'production' | 'development'): string | undefined =>
    Object.entries(npm?.groups ?? {}).find(
      ([, g]) =>
        (g['dependency-type'] === undefined || g['dependency-type'] === type) &&
        (g.patterns ?? ['*']).some((p) => matches(p, name)) &&
        !(g['exclude-patterns'] ?? []).some((p) => matches(p, name)),
    )?.[0];

  it('updates npm packages and the GitHub Actions the workflows pin', () => {
    expect(config.updates.map((u) => u['package-ecosystem']).sort()).toEqual(['github-actions', 'npm']);
  });

  it('groups the toolkit, the Alibaba SDKs and the dev tooling, every dependency of package.json in one', () => {
    expect(groupOf('@actions/core', 'production')).toBe('actions-toolkit');
    expect(groupOf('@alicloud/openapi-core', 'production')).toBe('alibaba-sdks');
    expect(groupOf('@darabonba/typescript', 'production')).toBe('alibaba-sdks');
    expect(groupOf('@alicloud/ecs20140526', 'development')).toBe('alibaba-sdks');
    expect(groupOf('vitest', 'development')).toBe('dev-tooling');
    expect(groupOf('left-pad', 'production'), 'a runtime package outside the three families').toBeUndefined();
    const ungrouped = [
      ...Object.keys(pkg.dependencies).map((n) => [n, groupOf(n, 'production')] as const),
      ...Object.keys(pkg.devDependencies).map((n) => [n, groupOf(n, 'development')] as const),
    ].filter(([, group]) => group === undefined);
    expect(ungrouped, 'add a group (or a pattern) for these in .github/dependabot.yml').toEqual([]);
  });
});

describe('issue and pull request templates', () => {
  interface Field {
    type: string;
    id?: string;
    attributes: { label?: string; value?: string; description?: string };
    validations?: { required?: boolean };
  }
  const bug = yaml<{ body: Field[] }>('.github/ISSUE_TEMPLATE/bug_report.yml');
  const required = bug.body.filter((f) => f.validations?.required).map((f) => f.id);

  it('the bug report requires the action version and the step log, asks for the summary, and says to redact', () => {
    expect(required).toEqual(expect.arrayContaining(['version', 'log']));
    expect(bug.body.map((f) => f.id)).toContain('summary');
    const intro = bug.body.find((f) => f.type === 'markdown')?.attributes.value ?? '';
    expect(intro).toMatch(/redact/i);
    expect(intro).toMatch(/account IDs/);
    expect(intro).toMatch(/ARNs/);
  });

  it('there is a feature request, no blank issue, and a PR template with the build and changelog steps', () => {
    expect(yaml<{ name: string }>('.github/ISSUE_TEMPLATE/feature_request.yml').name).toBe('Feature request');
    expect(yaml<{ blank_issues_enabled: boolean }>('.github/ISSUE_TEMPLATE/config.yml').blank_issues_enabled).toBe(false);
    const pr = read('.github/pull_request_template.md');
    for (const step of ['npm test', 'npm run build', 'CHANGELOG.md', 'npm run docs']) expect(pr).toContain(step);
  });
});

describe('licence and contributor docs', () => {
  it('LICENSE is the licence package.json names', () => {
    expect(pkg.license).toBe('MIT');
    expect(read('LICENSE')).toMatch(/^MIT License\n\nCopyright \(c\) \d{4} The alibaba-ecs-patch-action contributors\n/);
  });

  it('CONTRIBUTING.md names every npm script, the emulator variants and the release steps', () => {
    const contributing = read('CONTRIBUTING.md');
    const missing = Object.keys(pkg.scripts).filter((s) => !contributing.includes(s === 'test' ? 'npm test' : `npm run ${s}`));
    expect(missing, 'document these scripts in CONTRIBUTING.md').toEqual([]);
    for (const text of [
      'test/emulator/variants.ts',
      '--variant',
      'docs/architecture.md',
      'scripts/release-notes.ts',
      'git diff --exit-code -- dist',
    ])
      expect(contributing).toContain(text);
  });

  it('the README links the licence, the changelog and the contributor guide', () => {
    const readme = read('README.md');
    for (const file of ['LICENSE', 'THIRD-PARTY', 'CHANGELOG.md', 'CONTRIBUTING.md']) expect(readme).toContain(`](${file})`);
  });
});
