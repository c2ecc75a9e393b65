import { DEFAULT_CREDENTIALS, type Emulator, type EmulatorOptions, sampleFleet, startEmulator } from '../emulator/index.js';
import { runAction, type RunOptions, type RunResult } from './harness.js';

export const SAMPLE_IDS = Object.keys(sampleFleet());

export const CREDENTIAL_ENV = {
  ALIBABA_CLOUD_ACCESS_KEY_ID: DEFAULT_CREDENTIALS.accessKeyId,
  ALIBABA_CLOUD_ACCESS_KEY_SECRET: DEFAULT_CREDENTIALS.accessKeySecret,
};

/** An emulator with the sample fleet and fast executions. */
export function sampleEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
  return startEmulator({ fleet: sampleFleet(), timings: { startedMs: 100, runningMs: 300 }, ...options });
}

/** Runs dist/ against an emulator with working credentials; inputs and env override the defaults. */
export function runAgainst(emulator: Emulator, inputs: Record<string, string>, options: Partial<RunOptions> = {}): Promise<RunResult> {
  return runAction({
    ...options,
    inputs: {
      region: 'cn-hangzhou',
      'instance-ids': SAMPLE_IDS.join(','),
      action: 'scan',
      'oos-endpoint': emulator.url,
      'ecs-endpoint': emulator.url,
      'poll-interval-seconds': '1',
      ...inputs,
    },
    env: { ...CREDENTIAL_ENV, ...options.env },
  });
}
