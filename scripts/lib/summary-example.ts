/**
 * docs/summary-example.md: the job summaries that `npm run demo` produces, kept as a rendered example for the
 * README. Written by `npm run docs:summary` (the demo with `--summary-file`), so the example is always what the
 * built action writes, never a hand-made imitation.
 */
export interface SummaryRun {
  title: string;
  summary: string;
}

export function summaryExample(runs: readonly SummaryRun[], generatedBy: string): string {
  const header = [
    '# Job summary examples',
    '',
    `These are the job summaries the built action (\`dist/\`) wrote when \`${generatedBy}\` ran it against the local`,
    'emulator and its six sample instances. Execution IDs, ClientTokens, times and durations change from run to',
    'run; everything else is what a workflow run shows on its summary page.',
  ];
  const sections = runs.flatMap((r) => ['', '---', '', `<!-- ${r.title} -->`, '', r.summary.trim()]);
  return `${[...header, ...sections].join('\n')}\n`;
}
