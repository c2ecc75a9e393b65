/**
 * `npm run demo`: the built action end to end against the embedded emulator, as the runner would run it:
 * a compliance scan of a sample fleet, then an install that goes through the approval gate against a local
 * fake of the GitHub API and of the runner's OIDC token service. Prints each job summary and the step outputs.
 */
import { writeFileSync } from 'node:fs';
import { sampleFleet, startEmulator } from '../test/emulator/index.js';
import { APPROVAL, approvedWorld, runAgainst } from '../test/e2e/fixtures.js';
import type { RunResult } from '../test/e2e/harness.js';
import { summaryExample } from './lib/summary-example.js';

const rule = '─'.repeat(100);

function show(title: string, result: RunResult): void {
  process.stdout.write(`\n${rule}\n${title}: exit code ${result.code}\n${rule}\n`);
  process.stdout.write('\nLog:\n');
  process.stdout.write(result.stdout.replace(/^/gm, '  '));
  process.stdout.write('\nJob summary (GITHUB_STEP_SUMMARY):\n\n');
  process.stdout.write(result.summary);
  process.stdout.write('\nOutputs (GITHUB_OUTPUT):\n');
  for (const [name, value] of Object.entries(result.outputs)) process.stdout.write(`  ${name} = ${value}\n`);
}

async function main(): Promise<void> {
  const emulator = await startEmulator({ fleet: sampleFleet(), timings: { startedMs: 500, runningMs: 2500 } });
  process.stdout.write(`OOS emulator listening at ${emulator.url} with ${Object.keys(sampleFleet()).length} sample instances\n`);
  const approval = await approvedWorld();
  process.stdout.write(
    `GitHub API fake at ${approval.github.url}: environment '${APPROVAL.environment}' requires a review; run ${APPROVAL.runId} ` +
      `was approved by @${APPROVAL.reviewer}; the job's OIDC token (fake at ${new URL(approval.oidc.requestUrl).origin}) names '${APPROVAL.environment}'\n`,
  );
  try {
    const scan = await runAgainst(emulator, { action: 'scan', 'poll-interval-seconds': '2' });
    show('1. Compliance scan (action: scan)', scan);
    const install = await runAgainst(
      emulator,
      {
        action: 'install',
        'reboot-if-need': 'true',
        'create-snapshot': 'true',
        'retention-days': '7',
        'poll-interval-seconds': '2',
      },
      { approval },
    );
    show('2. Install (action: install, reboot-if-need, create-snapshot), after the approval gate', install);
    const executions = emulator.executions().length;
    process.stdout.write(`\n${rule}\nThe emulator saw ${emulator.requests.length} API requests and ${executions} executions.\n`);
    process.stdout.write(`The GitHub API fake saw ${approval.github.requests.map((r) => `GET ${r.path} (${r.status})`).join(', ')}.\n`);
    if (scan.code !== 0 || install.code !== 0) process.exitCode = 1;
    // `--summary-file <path>` (npm run docs:summary) keeps these summaries as the README's rendered example.
    const flag = process.argv.indexOf('--summary-file');
    const summaryFile = flag > 0 ? process.argv[flag + 1] : undefined;
    if (summaryFile) {
      const runs = [
        { title: 'scan', summary: scan.summary },
        { title: 'install', summary: install.summary },
      ];
      writeFileSync(summaryFile, summaryExample(runs, 'npm run docs:summary'));
    }
  } finally {
    await Promise.all([emulator.close(), approval.close()]);
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`demo failed: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
