/**
 * Signing in, end to end against dist/: each way, their precedence, the errors users meet, and, in every
 * scenario, that no secret value reaches anything the action writes. credentials.test.ts plays the scenarios of
 * `npm test`; credentials.slow.test.ts plays the ones marked `slow` in `npm run test:slow`: each way's precedence
 * (test/unit/sign-in/method.test.ts) and the errors whose one line test/unit/sign-in/explain.test.ts checks in
 * process (an unknown key ID, a wrong secret: SignatureDoesNotMatch, an expired STS token: InvalidSecurityToken.Expired,
 * a missing OIDC provider: EntityNotExist.OIDCProvider and 'No such OIDC Provider registered.', a bare NoPermission,
 * an ECS denial).
 */
import { mkdtemp, readdir, readFile, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startOidcFake, type OidcFake } from '../fakes/oidc.js';
import {
  DEFAULT_CREDENTIALS,
  DEFAULT_OIDC_PROVIDER_ARN,
  DEFAULT_ROLE_ARN,
  type Emulator,
  type EmulatorCredential,
  type RecordedRequest,
} from '../emulator/index.js';
import { errorsOf, type RunResult } from './harness.js';
import { CREDENTIAL_ENV, runAgainst, sampleEmulator } from './fixtures.js';

const INPUT_KEY: EmulatorCredential = { accessKeyId: 'LTAI5tInputKey0002', accessKeySecret: 'input-secret-do-not-print' };
const ALIAS_KEY: EmulatorCredential = { accessKeyId: 'LTAI5tAliasKey0004', accessKeySecret: 'alias-secret-do-not-print' };
const STATIC_STS: EmulatorCredential = {
  accessKeyId: 'STS.NTstatic0003',
  accessKeySecret: 'static-sts-secret-do-not-print',
  securityToken: 'CAISstatic-security-token-do-not-print',
};
const EXPIRED_STS: EmulatorCredential = {
  accessKeyId: 'STS.NTexpired0005',
  accessKeySecret: 'expired-sts-secret-do-not-print',
  securityToken: 'CAISexpired-security-token-do-not-print',
  expiresAt: 0,
};
const OIDC_INPUTS = { 'role-to-assume': DEFAULT_ROLE_ARN, 'oidc-provider-arn': DEFAULT_OIDC_PROVIDER_ARN };
const NO_ENV_KEYS = { ALIBABA_CLOUD_ACCESS_KEY_ID: '', ALIBABA_CLOUD_ACCESS_KEY_SECRET: '' };

let oidc: OidcFake;
let emulator: Emulator;
let oidcEnv: Record<string, string>;

/** What one scenario did, for its own checks. */
interface Run {
  result: RunResult;
  /** Requests to the emulator during this run. */
  requests: RecordedRequest[];
  /** STS sessions issued during this run. */
  sessions: typeof emulator.stsSessions;
}

interface Scenario {
  name: string;
  inputs?: Record<string, string>;
  /** Environment of the step (evaluated when the scenario runs, after the fakes started). */
  env?: () => Record<string, string>;
  /** Arranges the emulator; returns an undo. */
  arrange?: (runnerTemp: string) => (() => void) | undefined;
  check: (run: Run) => void | Promise<void>;
  /** Played by `npm run test:slow` only: what it shows is also tested in process. */
  slow?: true;
}

const oos = (run: Run): RecordedRequest[] => run.requests.filter((r) => r.version === '2019-06-01');
const failedWith = (run: Run, pattern: RegExp): void => {
  expect(run.result.code, run.result.stdout).toBe(1);
  const errors = errorsOf(run.result);
  expect(errors).toHaveLength(1);
  expect(errors[0]).toMatch(pattern);
};
const signedWith = (run: Run, key: EmulatorCredential): void => {
  expect(oos(run).length).toBeGreaterThan(0);
  for (const r of oos(run)) {
    expect(r.accessKeyId).toBe(key.accessKeyId);
    expect(r.securityToken).toBe(key.securityToken);
  }
};

const scenarios: Scenario[] = [
  {
    name: 'GitHub OIDC: exchanges the token once, then signs every call with the STS key and token',
    inputs: OIDC_INPUTS,
    env: () => oidcEnv,
    arrange: (runnerTemp) =>
      emulator.addInterceptor(async ({ action }) => {
        // While STS works, the token file exists under RUNNER_TEMP, readable by its owner only.
        if (action === 'AssumeRoleWithOIDC') tokenFileModes.push(...(await modesOfFilesHolding(runnerTemp, oidc.issued)));
        return undefined;
      }),
    check: (run) => {
      expect(run.result.code, run.result.stdout).toBe(0);
      expect(run.sessions).toHaveLength(1);
      const session = run.sessions[0];
      expect(session?.roleSessionName).toBe('github-1001-1');
      expect(session?.durationSeconds).toBe(3600);
      expect(session?.subject).toBe('repo:octo-org/patching:ref:refs/heads/main');
      expect(run.requests.filter((r) => r.action === 'AssumeRoleWithOIDC')).toHaveLength(1);
      expect(run.requests[0]?.action).toBe('AssumeRoleWithOIDC');
      signedWith(run, session?.credential ?? INPUT_KEY);
      expect(oidc.requests.at(-1)).toEqual({ audience: 'sts.aliyuncs.com', authorized: true });
      expect(run.result.stdout).toContain('Credentials: GitHub OIDC (role-to-assume)');
      expect(run.result.stdout).toContain(`Temporary credentials from STS: key ${session?.credential.accessKeyId.slice(0, 4)}****`);
      expect(tokenFileModes.splice(0)).toEqual([0o600]);
    },
  },
  {
    name: 'GitHub OIDC with audience, session name and duration',
    slow: true,
    inputs: { ...OIDC_INPUTS, audience: 'patching-audience', 'role-session-name': 'nightly.patch', 'role-duration-seconds': '900' },
    env: () => oidcEnv,
    check: (run) => {
      expect(run.result.code, run.result.stdout).toBe(0);
      expect(oidc.requests.at(-1)?.audience).toBe('patching-audience');
      expect(run.sessions[0]).toMatchObject({ roleSessionName: 'nightly.patch', durationSeconds: 900 });
    },
  },
  {
    name: 'OIDC inputs win over key inputs and env keys',
    slow: true,
    inputs: { ...OIDC_INPUTS, 'access-key-id': INPUT_KEY.accessKeyId, 'access-key-secret': INPUT_KEY.accessKeySecret },
    env: () => oidcEnv,
    check: (run) => {
      expect(run.result.code, run.result.stdout).toBe(0);
      signedWith(run, run.sessions[0]?.credential ?? INPUT_KEY);
    },
  },
  {
    name: 'key inputs win over env keys',
    inputs: { 'access-key-id': INPUT_KEY.accessKeyId, 'access-key-secret': INPUT_KEY.accessKeySecret },
    env: () => ({ ALICLOUD_ACCESS_KEY: ALIAS_KEY.accessKeyId, ALICLOUD_SECRET_KEY: ALIAS_KEY.accessKeySecret }),
    check: (run) => {
      expect(run.result.code, run.result.stdout).toBe(0);
      signedWith(run, INPUT_KEY);
      expect(run.result.stdout).toContain('Credentials: inputs access-key-id, access-key-secret; key LTAI****');
      expect(run.result.stdout).not.toContain(INPUT_KEY.accessKeyId);
    },
  },
  {
    name: 'key inputs with a security token',
    slow: true,
    inputs: {
      'access-key-id': STATIC_STS.accessKeyId,
      'access-key-secret': STATIC_STS.accessKeySecret,
      'security-token': STATIC_STS.securityToken ?? '',
    },
    check: (run) => {
      expect(run.result.code, run.result.stdout).toBe(0);
      signedWith(run, STATIC_STS);
    },
  },
  {
    name: 'ALIBABA_CLOUD_* env wins over ALICLOUD_*',
    slow: true,
    env: () => ({ ALICLOUD_ACCESS_KEY: ALIAS_KEY.accessKeyId, ALICLOUD_SECRET_KEY: ALIAS_KEY.accessKeySecret }),
    check: (run) => {
      expect(run.result.code, run.result.stdout).toBe(0);
      signedWith(run, DEFAULT_CREDENTIALS);
      expect(run.result.stdout).toContain('Credentials: environment ALIBABA_CLOUD_ACCESS_KEY_ID, ALIBABA_CLOUD_ACCESS_KEY_SECRET');
    },
  },
  {
    name: 'ALICLOUD_* env with a security token',
    slow: true,
    env: () => ({
      ...NO_ENV_KEYS,
      ALICLOUD_ACCESS_KEY: STATIC_STS.accessKeyId,
      ALICLOUD_SECRET_KEY: STATIC_STS.accessKeySecret,
      ALICLOUD_SECURITY_TOKEN: STATIC_STS.securityToken ?? '',
    }),
    check: (run) => {
      expect(run.result.code, run.result.stdout).toBe(0);
      signedWith(run, STATIC_STS);
    },
  },
  {
    name: 'an unknown access key ID',
    slow: true,
    inputs: { 'access-key-id': 'LTAI5tNoSuchKey', 'access-key-secret': INPUT_KEY.accessKeySecret },
    check: (run) => failedWith(run, /^Alibaba Cloud does not know the access key LTAI\*{4} \(from inputs .*InvalidAccessKeyId\.NotFound/),
  },
  {
    name: 'a wrong access key secret',
    slow: true,
    inputs: { 'access-key-id': INPUT_KEY.accessKeyId, 'access-key-secret': 'wrong-secret-do-not-print' },
    check: (run) => failedWith(run, /^The access key secret \(from inputs .*\) does not match the access key ID \(SignatureDoesNotMatch/),
  },
  {
    name: 'an expired STS token from the environment',
    slow: true,
    env: () => ({
      ALIBABA_CLOUD_ACCESS_KEY_ID: EXPIRED_STS.accessKeyId,
      ALIBABA_CLOUD_ACCESS_KEY_SECRET: EXPIRED_STS.accessKeySecret,
      ALIBABA_CLOUD_SECURITY_TOKEN: EXPIRED_STS.securityToken ?? '',
    }),
    check: (run) =>
      failedWith(run, /^The STS security token \(from environment .*\) has expired \(InvalidSecurityToken\.Expired.*issue a fresh one/),
  },
  {
    name: 'STS keys from OIDC that expire while the action waits',
    inputs: OIDC_INPUTS,
    env: () => oidcEnv,
    arrange: () =>
      emulator.addInterceptor(({ action, identity }) => {
        if (action === 'ListExecutions' && identity) emulator.expireCredential(identity.accessKeyId);
        return undefined;
      }),
    check: (run) =>
      failedWith(
        run,
        /STS refused the temporary credentials as expired \(InvalidSecurityToken\.Expired.*check the runner's clock, or raise role-duration-seconds/,
      ),
  },
  {
    name: 'an OIDC token with an audience the provider does not accept',
    inputs: { ...OIDC_INPUTS, audience: 'not-a-client-id' },
    env: () => oidcEnv,
    check: (run) => {
      failedWith(
        run,
        /^STS rejected the GitHub OIDC token \(AuthenticationFail\.OIDCToken\.Invalid.*audience \(not-a-client-id\) is a client ID/,
      );
      expect(oos(run)).toEqual([]);
    },
  },
  {
    name: 'an OIDC provider that does not exist',
    slow: true,
    inputs: { ...OIDC_INPUTS, 'oidc-provider-arn': 'acs:ram::1234567890123456:oidc-provider/gitlab' },
    env: () => oidcEnv,
    check: (run) =>
      failedWith(
        run,
        /^STS refused to let this workflow assume .*No such OIDC Provider registered\..*no OIDC provider acs:ram::1234567890123456:oidc-provider\/gitlab is registered .*check oidc-provider-arn/,
      ),
  },
  {
    name: 'an STS error that quotes the OIDC token is scrubbed from the failure',
    inputs: OIDC_INPUTS,
    env: () => oidcEnv,
    arrange: () =>
      emulator.addInterceptor(({ action, params, requestId }) =>
        action === 'AssumeRoleWithOIDC'
          ? {
              status: 400,
              body: {
                RequestId: requestId,
                Code: 'InvalidParameter.OIDCToken',
                Message: `The OIDCToken ${params.OIDCToken ?? ''} is malformed.`,
              },
            }
          : undefined,
      ),
    check: (run) =>
      failedWith(
        run,
        /^Could not sign in with GitHub OIDC: AssumeRoleWithOIDC failed: InvalidParameter\.OIDCToken: The OIDCToken \*\*\* is malformed/,
      ),
  },
  {
    name: 'RAM denies StartExecution (with AccessDeniedDetail)',
    arrange: () => emulator.denyActions(DEFAULT_CREDENTIALS.accessKeyId, ['oos:StartExecution']),
    check: (run) => failedWith(run, /RAM denied oos:StartExecution to .*\(Forbidden\.RAM.*grant oos:StartExecution; .*'RAM policy'/),
  },
  {
    name: 'RAM denies ListExecutions with a bare NoPermission',
    slow: true,
    inputs: OIDC_INPUTS,
    // A run of its own: with the shared run ID, StartExecution would return an execution that already ended.
    env: () => ({ ...oidcEnv, GITHUB_RUN_ID: '7001' }),
    arrange: () => emulator.denyActions('*', ['oos:ListExecutions'], { code: 'NoPermission', detail: false }),
    check: (run) => failedWith(run, /RAM denied oos:ListExecutions to .*\(from GitHub OIDC .*\(NoPermission.*grant oos:ListExecutions/),
  },
  {
    name: 'RAM denies the ECS pre-flight',
    slow: true,
    arrange: () => emulator.denyActions(DEFAULT_CREDENTIALS.accessKeyId, ['ecs:DescribeInstances']),
    check: (run) => {
      failedWith(run, /^RAM denied ecs:DescribeInstances to .*grant ecs:DescribeInstances; .*'RAM policy'/);
      expect(oos(run)).toEqual([]);
    },
  },
];

const tokenFileModes: number[] = [];

/** Registers the scenarios of one project (`quick`: npm test; `slow`: npm run test:slow), with the fakes they share. */
export function describeSignIn(which: 'quick' | 'slow'): void {
  beforeAll(async () => {
    oidc = await startOidcFake();
    emulator = await sampleEmulator({
      credentials: [{ ...DEFAULT_CREDENTIALS }, INPUT_KEY, ALIAS_KEY, STATIC_STS, EXPIRED_STS],
      sts: { publicKey: oidc.publicKey, clientIds: ['sts.aliyuncs.com', 'patching-audience'] },
    });
    const tls = emulator.tls;
    if (!tls) throw new Error('the emulator serves STS over HTTPS');
    oidcEnv = { ...oidc.env, NODE_EXTRA_CA_CERTS: tls.caFile };
  });
  afterAll(async () => {
    await emulator.close();
    await oidc.close();
  });
  describe('signing in: every scenario works as specified and writes no secret anywhere', () => {
    it.each(scenarios.filter((s) => (s.slow === true) === (which === 'slow')).map((s) => [s.name, s] as const))(
      '%s',
      async (_name, scenario) => {
        const runnerTemp = await mkdtemp(join(tmpdir(), 'patch-action-creds-'));
        const undo = scenario.arrange?.(runnerTemp);
        const firstRequest = emulator.requests.length;
        const firstSession = emulator.stsSessions.length;
        const firstToken = oidc.issued.length;
        const env = { ...scenario.env?.(), RUNNER_TEMP: runnerTemp };
        let result: RunResult;
        try {
          // Every run may reach STS at the emulator; only the OIDC way uses it.
          result = await runAgainst(emulator, { 'sts-endpoint': emulator.tls?.url ?? '', ...scenario.inputs }, { env });
        } finally {
          undo?.();
        }
        const run: Run = {
          result,
          requests: emulator.requests.slice(firstRequest),
          sessions: emulator.stsSessions.slice(firstSession),
        };
        await scenario.check(run);

        // What the step was given that is secret, and what STS and the OIDC service handed the action.
        const given = [...Object.entries(scenario.inputs ?? {}), ...Object.entries({ ...CREDENTIAL_ENV, ...env })]
          .filter(([name]) => /secret|security.token/i.test(name))
          .map(([, value]) => value);
        const issued = [
          ...run.sessions.flatMap((s) => [s.credential.accessKeySecret, s.credential.securityToken ?? '']),
          ...oidc.issued.slice(firstToken),
        ];
        const known = [{ ...DEFAULT_CREDENTIALS, securityToken: '' }, INPUT_KEY, ALIAS_KEY, STATIC_STS, EXPIRED_STS].flatMap((k) => [
          k.accessKeySecret,
          k.securityToken ?? '',
        ]);
        await expectNoSecretWritten(result, {
          mustBeMasked: [...given, ...issued].filter((v) => v !== ''),
          neverWritten: [...given, ...issued, ...known, oidc.requestToken].filter((v) => v !== ''),
        });
      },
    );
  });
}

async function expectNoSecretWritten(result: RunResult, secrets: { mustBeMasked: string[]; neverWritten: string[] }): Promise<void> {
  // `::add-mask::<value>` is how a secret is handed to the runner to hide: the one place it must appear.
  const masked = new Set(
    result.stdout
      .split('\n')
      .filter((l) => l.startsWith('::add-mask::'))
      .map((l) => l.slice('::add-mask::'.length)),
  );
  const stdout = result.stdout
    .split('\n')
    .filter((l) => !l.startsWith('::add-mask::'))
    .join('\n');
  const written: Record<string, string> = {
    stdout,
    stderr: result.stderr,
    summary: result.summary,
    outputs: result.outputFile,
    state: result.state,
    ...(await filesUnder(result.runnerTemp)),
  };
  const report = result.outputs['report-file'];
  if (report) written.report = await readFile(report, 'utf8');
  for (const secret of secrets.neverWritten) {
    for (const [where, text] of Object.entries(written)) {
      expect(text.includes(secret), `a secret (${secret.slice(0, 6)}…) appears in ${where}`).toBe(false);
    }
  }
  for (const secret of secrets.mustBeMasked) {
    expect(masked.has(secret), `a secret (${secret.slice(0, 6)}…) was never masked`).toBe(true);
  }
}

async function filesUnder(dir: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const entry of await readdir(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const path = join(entry.parentPath, entry.name);
    out[path] = await readFile(path, 'utf8');
  }
  return out;
}

async function modesOfFilesHolding(dir: string, values: readonly string[]): Promise<number[]> {
  const modes: number[] = [];
  for (const [path, text] of Object.entries(await filesUnder(dir))) {
    if (values.some((v) => text.includes(v))) modes.push((await stat(path)).mode & 0o777);
  }
  return modes;
}
