/**
 * `npm run bench`: the built action (dist/) end to end against the emulator, as the runner runs it, for fleets
 * of 10, 1,000 and 10,000 instances (scan and install; 10,000 through instance-ids-file), plus one long
 * execution to see the polling schedule after the first minute. Prints one table.
 *
 * How each figure is taken:
 * - spawn time: Date.now() in this process right after spawn() returned (onSpawn);
 * - request times: the emulator records Date.now() as each request arrives (same clock, same process);
 * - exit time and peak RSS: a preload (NODE_OPTIONS=--import) in the action's process writes Date.now() and
 *   process.resourceUsage().maxRSS (getrusage: the kernel's high-water mark of resident memory) on exit;
 * - execution duration: the emulator's own start and end of each execution;
 * - detection lag: the first status request (ListExecutions by ExecutionId) at or after an execution ended,
 *   minus its end.
 * A second table: action: summarize merging 10 report files of 1,000 instances each (written by the action's own
 * report code into a workspace), spawn to exit and peak RSS, taken the same way.
 * Options: --quick (no 10,000 and no long execution), --sizes=10,1000, --long-seconds=130, --only=summarize.
 */
import { mkdir, mkdtemp, readFile, stat, writeFile } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Emulator, type InstanceSpec, startEmulator } from '../test/emulator/index.js';
import { approvedWorld, runAgainst } from '../test/e2e/fixtures.js';
import { runAction, type RunResult } from '../test/e2e/harness.js';
import { buildReport } from '../src/report/build.js';
import { reportFileContent } from '../src/report/report-file.js';
import { writeJsonFile } from '../src/runner/json-file.js';

interface Scenario {
  label: string;
  size: number;
  action: 'scan' | 'install';
  /** How long each execution runs in the emulator. */
  executionMs: number;
}

interface Measured {
  scenario: Scenario;
  code: number | null;
  wallMs: number;
  executionsMs: number;
  lagsMs: number[];
  firstRequestMs: number;
  calls: Map<string, number>;
  githubCalls: number;
  patchStateBound: number;
  statusCallsAfterMinute?: { perMinute: number; minutes: number };
  peakRssMb: number;
  summaryBytes: number;
  reportBytes: number;
  executions: number;
}

const args = new Map(
  process.argv.slice(2).map((a) => {
    const [k, v] = a.replace(/^--/, '').split('=');
    return [k ?? '', v ?? 'true'] as const;
  }),
);
const quick = args.has('quick');
const sizes = (args.get('sizes') ?? (quick ? '10,1000' : '10,1000,10000')).split(',').map(Number);
const longSeconds = Number(args.get('long-seconds') ?? '132.5');
/**
 * Short executions: the action's own cost is what is measured, not the emulator's patience. Both lengths end
 * half-way between two status checks (1 s apart early on, 5 s apart after a minute), so the lag measured is the
 * schedule's average, not a lucky zero.
 */
const EXECUTION_MS = 2500;
const STARTED_MS = 300;
const PROBE = `
import { writeFileSync } from 'node:fs';
process.on('exit', () => {
  writeFileSync(process.env.BENCH_PROBE_FILE, JSON.stringify({ exitAt: Date.now(), maxRssKb: process.resourceUsage().maxRSS }));
});
`;

function fleetOf(n: number): Record<string, InstanceSpec> {
  const fleet: Record<string, InstanceSpec> = {};
  for (let i = 0; i < n; i++) {
    fleet[`i-bench${String(i).padStart(6, '0')}`] = {
      installed: 100 + (i % 17),
      missing: i % 4,
      needReboot: i % 8 === 0 ? 1 : 0,
      failing: i % 97 === 0 ? 1 : 0,
      os: i % 5 === 0 ? 'windows' : 'linux',
      name: `bench-${i}`,
    };
  }
  return fleet;
}

async function measure(scenario: Scenario, probe: string): Promise<Measured> {
  const fleet = fleetOf(scenario.size);
  const ids = Object.keys(fleet);
  const emulator = await startEmulator({ fleet, timings: { startedMs: STARTED_MS, runningMs: scenario.executionMs - STARTED_MS } });
  const approval = scenario.action === 'install' ? await approvedWorld() : undefined;
  const workspace = await mkdtemp(join(tmpdir(), 'patch-bench-'));
  const probeFile = join(workspace, 'probe.json');
  // 10,000 IDs do not fit one environment variable (128 KiB): the inventory file, as a real fleet would use.
  const byFile = scenario.size > 5000;
  if (byFile) await writeFile(join(workspace, 'fleet.txt'), `${ids.join('\n')}\n`);
  let spawnedAt = NaN;
  let result: RunResult;
  try {
    result = await runAgainst(
      emulator,
      {
        action: scenario.action,
        'instance-ids': byFile ? '' : ids.join(','),
        ...(byFile ? { 'instance-ids-file': 'fleet.txt' } : {}),
        // The default ceiling: the schedule, not the input, sets the pace of a short execution.
        'poll-interval-seconds': '10',
        ...(scenario.action === 'install' ? { 'reboot-if-need': 'true' } : {}),
      },
      {
        ...(approval ? { approval } : {}),
        env: {
          GITHUB_WORKSPACE: workspace,
          NODE_OPTIONS: `--import=${probe}${process.env.BENCH_NODE_OPTIONS ? ` ${process.env.BENCH_NODE_OPTIONS}` : ''}`,
          BENCH_PROBE_FILE: probeFile,
        },
        onSpawn: () => {
          spawnedAt = Date.now();
        },
        timeoutMs: 15 * 60_000,
        ...(process.env.BENCH_NODE_ARGS ? { nodeArgs: process.env.BENCH_NODE_ARGS.split(' ') } : {}),
      },
    );
    const probed = JSON.parse(await readFile(probeFile, 'utf8')) as { exitAt: number; maxRssKb: number };
    const github = approval?.github.requests ?? [];
    return summarize(scenario, emulator, result, spawnedAt, probed, github.length, github[0]?.time);
  } finally {
    await Promise.all([emulator.close(), approval?.close()]);
  }
}

async function summarize(
  scenario: Scenario,
  emulator: Emulator,
  result: RunResult,
  spawnedAt: number,
  probed: { exitAt: number; maxRssKb: number },
  githubCalls: number,
  firstGithubRequest: number | undefined,
): Promise<Measured> {
  const executions = emulator.executions();
  const statusCalls = emulator.requests.filter((r) => r.action === 'ListExecutions' && r.params['ExecutionId']);
  const lagsMs = executions.map((e) => {
    const seen = statusCalls.find((r) => r.params['ExecutionId'] === e.executionId && r.time >= (e.endedAt ?? Infinity));
    return seen && e.endedAt !== undefined ? seen.time - e.endedAt : NaN;
  });
  const calls = new Map<string, number>();
  for (const r of emulator.requests) calls.set(r.action ?? '?', (calls.get(r.action ?? '?') ?? 0) + 1);
  // The target: ceil(N/100) calls, plus one per extra page of 100 results (a page that carried a NextToken).
  const pages = emulator.requests.filter((r) => r.action === 'ListInstancePatchStates' && r.params['NextToken']).length;
  const patchStateBound = executions.reduce((n, e) => n + Math.ceil(e.instanceIds.length / 100), 0) + pages;
  const measured: Measured = {
    scenario,
    code: result.code,
    wallMs: probed.exitAt - spawnedAt,
    executionsMs: executions.reduce((n, e) => n + ((e.endedAt ?? e.createdAt) - e.createdAt), 0),
    lagsMs,
    // The first request to any API: an install asks GitHub about its approval before anything else.
    firstRequestMs: Math.min(emulator.requests[0]?.time ?? Infinity, firstGithubRequest ?? Infinity) - spawnedAt,
    calls,
    githubCalls,
    patchStateBound,
    peakRssMb: probed.maxRssKb / 1024,
    summaryBytes: Buffer.byteLength(result.summary, 'utf8'),
    reportBytes: (await stat(result.outputs['report-file'] ?? '').catch(() => ({ size: NaN }))).size,
    executions: executions.length,
  };
  const [first] = executions;
  if (first?.endedAt !== undefined && first.endedAt - first.createdAt > 90_000) {
    // Status checks per minute once the execution has run a minute: the busiest whole minute after the first.
    const times = statusCalls.filter((r) => r.params['ExecutionId'] === first.executionId).map((r) => r.time - first.createdAt);
    let busiest = 0;
    for (let from = 60_000; from + 60_000 <= first.endedAt - first.createdAt; from += 250) {
      busiest = Math.max(busiest, times.filter((t) => t >= from && t < from + 60_000).length);
    }
    measured.statusCallsAfterMinute = { perMinute: busiest, minutes: (first.endedAt - first.createdAt - 60_000) / 60_000 };
  }
  return measured;
}

const ms = (n: number): string => (Number.isFinite(n) ? `${Math.round(n)} ms` : 'n/a');
const s = (n: number): string => (Number.isFinite(n) ? `${(n / 1000).toFixed(2)} s` : 'n/a');
const kb = (n: number): string =>
  Number.isFinite(n) ? (n >= 1024 * 1024 ? `${(n / 1024 / 1024).toFixed(2)} MiB` : `${(n / 1024).toFixed(1)} KiB`) : 'n/a';
const sum = (xs: number[]): number => xs.reduce((a, b) => a + b, 0);

const OPERATIONS = [
  'DescribeInstances',
  'DescribeCloudAssistantStatus',
  'StartExecution',
  'ListExecutions',
  'ListInstancePatchStates',
  'ListTaskExecutions',
  'ListExecutionLogs',
  'ListInstancePatches',
  'DescribeSnapshots',
];

function table(results: Measured[]): string {
  const rows: Array<[string, (m: Measured) => string]> = [
    ['exit code', (m) => String(m.code)],
    ['executions (batches of ≤ 1000)', (m) => String(m.executions)],
    ['wall time, spawn to exit', (m) => s(m.wallMs)],
    ['executions running (sum)', (m) => s(m.executionsMs)],
    ['**own time beyond the executions**', (m) => `**${s(m.wallMs - m.executionsMs)}**`],
    ['… of which detection lag (sum)', (m) => s(sum(m.lagsMs))],
    ['… own work without the lag', (m) => s(m.wallMs - m.executionsMs - sum(m.lagsMs))],
    ['**spawn to first API request** (GitHub for an install)', (m) => `**${ms(m.firstRequestMs)}**`],
    ['**detection lag** (mean / worst per execution)', (m) => `**${ms(sum(m.lagsMs) / m.lagsMs.length)} / ${ms(Math.max(...m.lagsMs))}**`],
    [
      'status checks per minute after the first minute',
      (m) => (m.statusCallsAfterMinute ? `${m.statusCallsAfterMinute.perMinute} (busiest minute)` : '–'),
    ],
    ...OPERATIONS.map((op): [string, (m: Measured) => string] => [
      `API calls: ${op}`,
      (m) => {
        const n = m.calls.get(op) ?? 0;
        return op === 'ListInstancePatchStates' ? `${n} (bound ${m.patchStateBound})` : String(n);
      },
    ]),
    ['API calls: GitHub (approval gate)', (m) => String(m.githubCalls)],
    ['**peak RSS**', (m) => `**${m.peakRssMb.toFixed(0)} MB**`],
    ['job summary', (m) => kb(m.summaryBytes)],
    ['report file', (m) => kb(m.reportBytes)],
  ];
  const header = ['', ...results.map((m) => m.scenario.label)];
  const line = (cells: string[]): string => `| ${cells.join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(([name, f]) => line([name, ...results.map(f)]))].join('\n');
}

/** Report files merged by the summarize row, and instances in each. */
const SUMMARIZE_FILES = 10;
const SUMMARIZE_INSTANCES = 1000;

interface SummarizeMeasured {
  code: number | null;
  wallMs: number;
  peakRssMb: number;
  inputBytes: number;
  reportBytes: number;
  summaryBytes: number;
}

/** action: summarize of SUMMARIZE_FILES report files of SUMMARIZE_INSTANCES instances, as a region matrix leaves them. */
async function measureSummarize(probe: string): Promise<SummarizeMeasured> {
  const workspace = await mkdtemp(join(tmpdir(), 'patch-bench-summarize-'));
  const probeFile = join(workspace, 'probe.json');
  let inputBytes = 0;
  for (let f = 0; f < SUMMARIZE_FILES; f++) {
    const fleet = fleetOf(SUMMARIZE_INSTANCES);
    const ids = Object.keys(fleet).map((id) => `${id}r${f}`);
    const report = buildReport({
      action: 'scan',
      region: `bench-region-${f}`,
      clientToken: `patch-bench-${f}`,
      instanceIds: ids,
      execution: { executionId: `exec-bench${f}`, status: 'Success', statusMessage: '', startDate: '2026-11-30T00:00:00Z' },
      states: ids.map((instanceId, i) => ({
        instanceId,
        baselineId: 'pb-bench',
        operationType: 'Scan',
        operationStartTime: '2026-11-30T00:01:00Z',
        operationEndTime: '2026-11-30T00:02:00Z',
        counts: {
          installed: 100 + (i % 17),
          installedOther: 0,
          installedPendingReboot: i % 8 === 0 ? 1 : 0,
          installedRejected: 0,
          missing: i % 4,
          failed: i % 97 === 0 ? 1 : 0,
        },
      })),
    });
    const file = join(workspace, 'reports', `region-${f}`, 'patch-report.json');
    await mkdir(join(workspace, 'reports', `region-${f}`), { recursive: true });
    await writeJsonFile(file, reportFileContent(report));
    inputBytes += (await stat(file)).size;
  }
  const spawned: number[] = [];
  const result = await runAction({
    inputs: { action: 'summarize', 'report-files': 'reports/**/*.json' },
    env: { GITHUB_WORKSPACE: workspace, NODE_OPTIONS: `--import=${probe}`, BENCH_PROBE_FILE: probeFile },
    onSpawn: () => spawned.push(Date.now()),
    timeoutMs: 5 * 60_000,
  });
  const probed = JSON.parse(await readFile(probeFile, 'utf8')) as { exitAt: number; maxRssKb: number };
  return {
    code: result.code,
    wallMs: probed.exitAt - (spawned[0] ?? NaN),
    peakRssMb: probed.maxRssKb / 1024,
    inputBytes,
    reportBytes: (await stat(result.outputs['report-file'] ?? '')).size,
    summaryBytes: Buffer.byteLength(result.summary),
  };
}

function summarizeTable(m: SummarizeMeasured): string {
  const label = `summarize ${SUMMARIZE_FILES} × ${SUMMARIZE_INSTANCES.toLocaleString('en-US')}`;
  return [
    `| | ${label} |`,
    '| --- | --- |',
    `| exit code | ${m.code} |`,
    `| report files read | ${kb(m.inputBytes)} |`,
    `| **wall time, spawn to exit** | **${s(m.wallMs)}** |`,
    `| **peak RSS** | **${m.peakRssMb.toFixed(0)} MB** |`,
    `| merged report file | ${kb(m.reportBytes)} |`,
    `| job summary | ${kb(m.summaryBytes)} |`,
  ].join('\n');
}

async function main(): Promise<void> {
  // Other work on the machine skews every time below: say how busy it was before the bench began.
  const load = loadavg();
  const only = args.get('only');
  const scenarios: Scenario[] = [];
  for (const size of only === 'summarize' ? [] : sizes) {
    for (const action of ['scan', 'install'] as const) {
      scenarios.push({ label: `${size.toLocaleString('en-US')} ${action}`, size, action, executionMs: EXECUTION_MS });
    }
  }
  if (!quick && only !== 'summarize')
    scenarios.push({ label: `10 scan, ${longSeconds} s execution`, size: 10, action: 'scan', executionMs: longSeconds * 1000 });
  const dir = await mkdtemp(join(tmpdir(), 'patch-bench-probe-'));
  const probe = join(dir, 'probe.mjs');
  await writeFile(probe, process.env.BENCH_PROBE ? await readFile(process.env.BENCH_PROBE, 'utf8') : PROBE);
  const results: Measured[] = [];
  for (const scenario of scenarios) {
    process.stderr.write(`bench: ${scenario.label} ...`);
    const m = await measure(scenario, probe);
    process.stderr.write(` exit ${m.code}, ${s(m.wallMs)}\n`);
    results.push(m);
  }
  const cpu = cpus();
  process.stdout.write(
    `\nnpm run bench${process.argv.length > 2 ? ` -- ${process.argv.slice(2).join(' ')}` : ''}: dist/ against the emulator, ` +
      `each execution ${EXECUTION_MS / 1000} s unless noted; Node ${process.version}, ${cpu.length} × ${cpu[0]?.model ?? 'CPU'}, ` +
      `load average before the bench ${load.map((l) => l.toFixed(1)).join(' ')}\n\n`,
  );
  if (results.length > 0) process.stdout.write(`${table(results)}\n`);
  process.stderr.write(`bench: summarize ${SUMMARIZE_FILES} reports ...`);
  const merged = await measureSummarize(probe);
  process.stderr.write(` exit ${merged.code}, ${s(merged.wallMs)}\n`);
  process.stdout.write(`\n${summarizeTable(merged)}\n`);
  if (results.some((m) => m.code !== 0) || merged.code !== 0) process.exitCode = 1;
}

main().catch((err: unknown) => {
  process.stderr.write(`bench failed: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
