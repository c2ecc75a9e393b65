import { spawn } from 'node:child_process';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const DIST = join(ROOT, 'dist', 'index.js');

export interface RunOptions {
  /** Inputs by their action.yml names; become INPUT_<NAME> variables exactly as the runner sets them. */
  inputs: Record<string, string>;
  /** Extra environment (credentials, GITHUB_RUN_ID, ...). Nothing else leaks in from the test's own environment. */
  env?: Record<string, string>;
  /** Saved state handed back as STATE_<name> variables, as the runner does for a post step. */
  state?: Record<string, string>;
  /** Called with the child process once it started (to send signals). */
  onSpawn?: (pid: number) => void;
  timeoutMs?: number;
  /** Node options before the script (npm run bench: --cpu-prof and the like, which NODE_OPTIONS refuses). */
  nodeArgs?: string[];
}

export interface RunResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  outputs: Record<string, string>;
  summary: string;
  /** RUNNER_TEMP of the run. */
  runnerTemp: string;
  /** The GITHUB_OUTPUT file's raw text. */
  outputFile: string;
  /** The GITHUB_STATE file's raw text. */
  state: string;
  /** What the step saved with core.saveState (the GITHUB_STATE file, parsed), to pass to a post step. */
  savedState: Record<string, string>;
}

/** Runs the built action as the runner does: `node dist/index.js`, inputs in INPUT_*, files for outputs and summary. */
export async function runAction(options: RunOptions): Promise<RunResult> {
  const dir = await mkdtemp(join(tmpdir(), 'patch-action-e2e-'));
  const outputPath = join(dir, 'github_output');
  const summaryPath = join(dir, 'step_summary');
  const stateFile = join(dir, 'github_state');
  await Promise.all([writeFile(outputPath, ''), writeFile(summaryPath, ''), writeFile(stateFile, '')]);
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    HOME: dir,
    GITHUB_ACTIONS: 'true',
    GITHUB_OUTPUT: outputPath,
    GITHUB_STEP_SUMMARY: summaryPath,
    GITHUB_STATE: stateFile,
    RUNNER_TEMP: dir,
    GITHUB_RUN_ID: '1001',
    GITHUB_RUN_ATTEMPT: '1',
    GITHUB_REPOSITORY: 'octo-org/patching',
    ...options.env,
  };
  for (const [name, value] of Object.entries(options.inputs)) {
    env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] = value;
  }
  for (const [name, value] of Object.entries(options.state ?? {})) env[`STATE_${name}`] = value;
  const child = spawn(process.execPath, [...(options.nodeArgs ?? []), DIST], { env, cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
  if (child.pid !== undefined) options.onSpawn?.(child.pid);
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 60_000);
  const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((done) => child.on('close', (c, s) => done([c, s])));
  clearTimeout(timer);
  const outputFile = await readFile(outputPath, 'utf8');
  return {
    code,
    signal,
    stdout,
    stderr,
    outputs: parseOutputFile(outputFile),
    summary: await readFile(summaryPath, 'utf8'),
    runnerTemp: env.RUNNER_TEMP ?? dir,
    outputFile,
    state: await readFile(stateFile, 'utf8'),
    savedState: parseOutputFile(await readFile(stateFile, 'utf8')),
  };
}

/** Reads the `name<<delimiter ... delimiter` blocks that @actions/core writes to GITHUB_OUTPUT (and GITHUB_STATE). */
export function parseOutputFile(text: string): Record<string, string> {
  const outputs: Record<string, string> = {};
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const m = /^([^<]+)<<(.+)$/.exec(lines[i] ?? '');
    if (!m) continue;
    const [, name, delimiter] = m as unknown as [string, string, string];
    const value: string[] = [];
    for (i++; i < lines.length && lines[i] !== delimiter; i++) value.push(lines[i] ?? '');
    outputs[name] = value.join('\n');
  }
  return outputs;
}

/** The ::error:: annotations the run printed. */
export function errorsOf(result: RunResult): string[] {
  return result.stdout
    .split('\n')
    .filter((l) => l.startsWith('::error'))
    .map((l) => l.replace(/^::error[^:]*::/, ''));
}
