/** The emulator CLI's arguments and the line it prints (cli.ts is the process around them). */
import { DEFAULT_CREDENTIALS, type Emulator, formatVariant, parseVariant, sampleFleet, startEmulator } from './index.js';

function argValue(args: readonly string[], name: string): string | undefined {
  const i = args.indexOf(name);
  if (i >= 0) return args[i + 1];
  const prefixed = args.find((a) => a.startsWith(`${name}=`));
  return prefixed?.slice(name.length + 1);
}

/**
 * Starts the emulator the arguments describe (`--port N`, `--fleet sample|empty`, `--variant ...`) and returns it with
 * the one JSON line the CLI prints: `{"url","endpoint","accessKeyId","variant"}` (never a secret).
 */
export async function startFromArgs(args: readonly string[]): Promise<{ emulator: Emulator; line: string }> {
  const portArg = argValue(args, '--port');
  const port = portArg === undefined ? 0 : Number(portArg);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`invalid --port ${portArg ?? ''}`);
  const fleetArg = argValue(args, '--fleet') ?? 'sample';
  if (fleetArg !== 'sample' && fleetArg !== 'empty') throw new Error(`unknown --fleet ${fleetArg} (sample|empty)`);
  const variant = parseVariant(argValue(args, '--variant') ?? 'default');
  const emulator = await startEmulator({ port, fleet: fleetArg === 'sample' ? sampleFleet() : {}, variant });
  const line = JSON.stringify({
    url: emulator.url,
    endpoint: emulator.endpoint,
    accessKeyId: DEFAULT_CREDENTIALS.accessKeyId,
    variant: formatVariant(emulator.readings),
  });
  return { emulator, line };
}
