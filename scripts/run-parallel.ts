/**
 * Runs package.json scripts side by side and fails if any of them fails; `npm test` runs its static checks so:
 *
 *   tsx scripts/run-parallel.ts typecheck-and-lint format:check [-- arguments for the last script]
 *
 * The type check with ESLint and Prettier together take little more than the longer of them. vitest runs after them,
 * not beside them: its end-to-end tests wait on the emulator's clock, and sharing 2 cores with two CPU-bound checks
 * made every run of dist/ slower and the whole costlier (measured: 136 s of CPU and 70 s side by side, 102 s of CPU
 * and 59 s one after the other). Each script's output
 * is held back and printed in one piece when it ends (never interleaved), under a line that says how it ended.
 * Every script runs to its end even when another fails; the exit code is 1 if any failed, with each failure named
 * in the last line. Ctrl-C stops them all.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { delimiter, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

interface Outcome {
  name: string;
  /** Exit code, or the signal that ended the script. */
  code: number | NodeJS.Signals;
  seconds: number;
}

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const scripts = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;

const args = process.argv.slice(2);
const dashes = args.indexOf('--');
const names = dashes === -1 ? args : args.slice(0, dashes);
const extra = dashes === -1 ? [] : args.slice(dashes + 1);
if (names.length === 0) fail('usage: tsx scripts/run-parallel.ts <script>... [-- arguments for the last script]');
const unknown = names.filter((n) => scripts[n] === undefined);
if (unknown.length > 0) fail(`package.json has no script ${unknown.join(', ')}`);

/** Quotes one argument for sh, as npm does for `npm run x -- args`. */
const quote = (arg: string): string => `'${arg.replace(/'/g, `'\\''`)}'`;

/** Environment as `npm run` gives it: node_modules/.bin first; colours kept when the output is a terminal. */
const env: NodeJS.ProcessEnv = {
  ...process.env,
  PATH: [join(root, 'node_modules', '.bin'), process.env.PATH ?? ''].join(delimiter),
  ...(process.stdout.isTTY && process.env.NO_COLOR === undefined ? { FORCE_COLOR: '1' } : {}),
};

const children = new Set<ReturnType<typeof spawn>>();
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    for (const child of children) child.kill(signal);
  });
}

function run(name: string, command: string): Promise<Outcome> {
  const started = Date.now();
  const child = spawn('sh', ['-c', command], { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
  children.add(child);
  const output: Buffer[] = [];
  child.stdout.on('data', (d: Buffer) => output.push(d));
  child.stderr.on('data', (d: Buffer) => output.push(d));
  return new Promise((done) => {
    child.on('close', (code, signal) => {
      children.delete(child);
      const outcome: Outcome = { name, code: code ?? signal ?? 1, seconds: (Date.now() - started) / 1000 };
      const verdict =
        outcome.code === 0 ? 'passed' : typeof outcome.code === 'number' ? `FAILED (exit ${outcome.code})` : `killed by ${outcome.code}`;
      process.stdout.write(`\n━━ ${name}: ${verdict} in ${outcome.seconds.toFixed(1)} s  (${command})\n`);
      process.stdout.write(Buffer.concat(output));
      done(outcome);
    });
  });
}

const started = Date.now();
process.stdout.write(`Running side by side: ${names.join(', ')}\n`);
const outcomes = await Promise.all(
  names.map((name, i) => {
    const last = i === names.length - 1 && extra.length > 0;
    return run(name, last ? `${scripts[name]} ${extra.map(quote).join(' ')}` : (scripts[name] ?? ''));
  }),
);
const failed = outcomes.filter((o) => o.code !== 0);
const took = `${((Date.now() - started) / 1000).toFixed(1)} s`;
const each = outcomes.map((o) => `${o.name} ${o.seconds.toFixed(1)} s`).join(', ');
if (failed.length === 0) {
  process.stdout.write(`\n${names.length} of ${names.length} passed in ${took} (${each})\n`);
} else {
  process.stdout.write(`\nFAILED: ${failed.map((o) => o.name).join(', ')} (${failed.length} of ${names.length}; ${took}: ${each})\n`);
  process.exitCode = 1;
}

function fail(message: string): never {
  process.stderr.write(`${message}\n`);
  process.exit(2);
}
