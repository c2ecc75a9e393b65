/**
 * Run the emulator standalone: `npx tsx test/emulator/cli.ts [--port N] [--fleet sample|empty] [--variant default|every-alternative|k=v,...]`.
 * Prints one JSON line `{"url","endpoint","accessKeyId"}` on stdout, then serves until SIGINT/SIGTERM.
 */
import { DEFAULT_CREDENTIALS, formatVariant, parseVariant, sampleFleet, startEmulator } from './index.js';

function argValue(args: readonly string[], name: string): string | undefined {
  const i = args.indexOf(name);
  if (i >= 0) return args[i + 1];
  const prefixed = args.find((a) => a.startsWith(`${name}=`));
  return prefixed?.slice(name.length + 1);
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const portArg = argValue(args, '--port');
  const port = portArg === undefined ? 0 : Number(portArg);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`invalid --port ${portArg ?? ''}`);
  const fleetArg = argValue(args, '--fleet') ?? 'sample';
  if (fleetArg !== 'sample' && fleetArg !== 'empty') throw new Error(`unknown --fleet ${fleetArg} (sample|empty)`);

  const variant = parseVariant(argValue(args, '--variant') ?? 'default');
  const emulator = await startEmulator({ port, fleet: fleetArg === 'sample' ? sampleFleet() : {}, variant });
  process.stdout.write(
    `${JSON.stringify({
      url: emulator.url,
      endpoint: emulator.endpoint,
      accessKeyId: DEFAULT_CREDENTIALS.accessKeyId,
      variant: formatVariant(emulator.readings),
    })}\n`,
  );

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
