/**
 * The emulator's command line (`npx tsx test/emulator/cli.ts`) as a process, in `npm run test:slow`: it starts tsx, about
 * a second and a half of CPU, for what the process adds (stdout, SIGTERM). Its arguments and its line are tested in
 * process in variants.test.ts (cli-args.ts).
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { describe, expect, it } from 'vitest';
import { DEFAULT_CREDENTIALS, ERR_MISSING_AUTHORIZATION } from './index.js';

type Body = Record<string, unknown>;

describe('the emulator CLI', () => {
  it('cli prints one JSON line with url and endpoint and serves until SIGTERM', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'test/emulator/cli.ts', '--port', '0', '--fleet', 'sample'], {
      cwd: new URL('../..', import.meta.url).pathname,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    try {
      const lines = createInterface({ input: child.stdout });
      const [line] = (await once(lines, 'line')) as [string];
      const info = JSON.parse(line) as { url: string; endpoint: string };
      expect(info.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(line).not.toContain(DEFAULT_CREDENTIALS.accessKeySecret);
      const res = await fetch(`${info.url}/`, {
        method: 'POST',
        headers: { 'x-acs-version': '2019-06-01', 'x-acs-action': 'ListExecutions' },
      });
      expect(res.status).toBe(400);
      expect(((await res.json()) as Body)['Code']).toBe(ERR_MISSING_AUTHORIZATION);
      const exited = once(child, 'exit');
      child.kill('SIGTERM');
      const [code] = (await exited) as [number | null];
      expect(code).toBe(0);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  }, 20_000);
});
