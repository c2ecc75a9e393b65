/**
 * Run the emulator standalone: `npx tsx test/emulator/cli.ts [--port N] [--fleet sample|empty] [--variant default|every-alternative|k=v,...]`.
 * Prints one JSON line `{"url","endpoint","accessKeyId","variant"}` on stdout (cli-args.ts), then serves until
 * SIGINT/SIGTERM.
 */
import { startFromArgs } from './cli-args.js';

async function main(): Promise<void> {
  const { emulator, line } = await startFromArgs(process.argv.slice(2));
  process.stdout.write(`${line}\n`);
  const stop = (): void => {
    emulator.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((err: unknown) => {
  process.stderr.write(`emulator: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
