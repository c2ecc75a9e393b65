import { DEFAULT_CREDENTIALS, type Emulator, type EmulatorOptions, sampleFleet, startEmulator } from '../emulator/index.js';
import { type GithubFake, type GithubFakeOptions, startGithubFake } from '../fakes/github.js';
import { type OidcFake, type OidcFakeOptions, startOidcFake } from '../fakes/oidc.js';
import { runAction, type RunOptions, type RunResult } from './harness.js';

export const SAMPLE_IDS = Object.keys(sampleFleet());

export const CREDENTIAL_ENV = {
  ALIBABA_CLOUD_ACCESS_KEY_ID: DEFAULT_CREDENTIALS.accessKeyId,
  ALIBABA_CLOUD_ACCESS_KEY_SECRET: DEFAULT_CREDENTIALS.accessKeySecret,
};

/** An emulator with the sample fleet and fast executions. */
export function sampleEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
  return startEmulator({ fleet: sampleFleet(), timings: { startedMs: 100, runningMs: 300, endAtFirstCheck: true }, ...options });
}

/** The approval every install of the default setup carries; the run ID matches the harness's GITHUB_RUN_ID. */
export const APPROVAL = {
  environment: 'production',
  reviewer: 'release-captain',
  comment: 'Window CHG-1234 <approved> | go',
  runId: '1001',
  checkRunId: '5001',
} as const;

/** A GitHub API and a runner OIDC service that tell the gate one story, plus the inputs and env that reach them. */
export interface ApprovalWorld {
  github: GithubFake;
  oidc: OidcFake;
  inputs: Record<string, string>;
  env: Record<string, string>;
  close(): Promise<void>;
}

/**
 * A repository whose `production` environment requires a review (a user and a team), run 1001 approved for it
 * by a required reviewer, and a job that runs in it (OIDC claim and check run agree). Options replace parts.
 */
export async function approvedWorld(options: { github?: GithubFakeOptions; oidc?: OidcFakeOptions } = {}): Promise<ApprovalWorld> {
  const github = await startGithubFake({
    environments: { [APPROVAL.environment]: { reviewers: [APPROVAL.reviewer, { team: 'sre' }], branchPolicy: true } },
    reviews: {
      [APPROVAL.runId]: [{ user: APPROVAL.reviewer, state: 'approved', environments: [APPROVAL.environment], comment: APPROVAL.comment }],
    },
    checkRuns: { [APPROVAL.checkRunId]: { environment: APPROVAL.environment } },
    // The check run's job is this run's (attempt 1, as the harness sets GITHUB_RUN_ATTEMPT).
    jobs: { [APPROVAL.checkRunId]: { runId: Number(APPROVAL.runId), runAttempt: 1 } },
    ...options.github,
  });
  const oidc = await startOidcFake({ claims: { environment: APPROVAL.environment }, ...options.oidc });
  return {
    github,
    oidc,
    inputs: { 'approval-environment': APPROVAL.environment, 'github-token': github.token, 'check-run-id': APPROVAL.checkRunId },
    env: { GITHUB_API_URL: github.url, ...oidc.env },
    close: async () => {
      await Promise.all([github.close(), oidc.close()]);
    },
  };
}

export interface RunAgainstOptions extends Partial<RunOptions> {
  /** The approval setup to run in; an install without one gets a fresh `approvedWorld()` for this run. */
  approval?: ApprovalWorld;
}

/** Runs dist/ against an emulator with working credentials; inputs and env override the defaults. */
export async function runAgainst(emulator: Emulator, inputs: Record<string, string>, options: RunAgainstOptions = {}): Promise<RunResult> {
  const { approval, ...rest } = options;
  const own = approval === undefined && inputs.action === 'install' ? await approvedWorld() : undefined;
  const world = approval ?? own;
  try {
    return await runAction({
      ...rest,
      inputs: {
        region: 'cn-hangzhou',
        'instance-ids': SAMPLE_IDS.join(','),
        action: 'scan',
        'oos-endpoint': emulator.url,
        'ecs-endpoint': emulator.url,
        'poll-interval-seconds': '1',
        ...world?.inputs,
        ...inputs,
      },
      env: { ...CREDENTIAL_ENV, ...world?.env, ...rest.env },
    });
  } finally {
    await own?.close();
  }
}
