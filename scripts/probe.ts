/**
 * `npm run probe`: read-only checks of the unconfirmed facts about OOS against a real account (docs/cloud-facts.md).
 * Signs in as the action does: GitHub OIDC with PROBE_ROLE_TO_ASSUME and PROBE_OIDC_PROVIDER_ARN (in a job with
 * `id-token: write`), or access keys in ALIBABA_CLOUD_ACCESS_KEY_ID / ALIBABA_CLOUD_ACCESS_KEY_SECRET (and the
 * other variables the action reads). PROBE_REGION (default cn-hangzhou), PROBE_EXECUTION_ID and PROBE_OOS_ENDPOINT
 * (`http://127.0.0.1:18080` for the emulator) are optional. Prints one table; also to GITHUB_STEP_SUMMARY when set.
 */
import { appendFileSync } from 'node:fs';
import { defaultOosEndpoint, parseEndpoint } from '../src/alibaba/endpoints.js';
import { createRpcCaller } from '../src/alibaba/rpc.js';
import { SecretRegistry } from '../src/lib/secrets.js';
import { protectSecrets, signIn } from '../src/sign-in/sign-in.js';
import { renderProbeTable, runProbe } from './lib/probe.js';

async function main(): Promise<void> {
  const env = process.env;
  // The action's inputs, as PROBE_<NAME> variables: role-to-assume is PROBE_ROLE_TO_ASSUME.
  const read = (name: string): string => env[`PROBE_${name.toUpperCase().replace(/-/g, '_')}`] ?? '';
  const secrets = new SecretRegistry((value) => process.stdout.write(env.GITHUB_ACTIONS === 'true' ? `::add-mask::${value}\n` : ''));
  protectSecrets(read, env, secrets);
  // The account ID in the role and provider ARNs: masked in the runner's log (sign-in prints the role) and the table.
  for (const arn of [read('role-to-assume'), read('oidc-provider-arn')]) secrets.protect(/^acs:ram::(\d+):/.exec(arn)?.[1]);
  const region = read('region') || 'cn-hangzhou';
  const endpoint = parseEndpoint(read('oos-endpoint')) ?? defaultOosEndpoint(region);
  const { credential } = await signIn(read, env, secrets);
  const call = createRpcCaller({ version: '2019-06-01', region, endpoint, credential });
  const executionId = read('execution-id') || undefined;
  const rows = await runProbe(call, executionId ? { executionId } : {});
  const table = renderProbeTable(rows, (s) => secrets.scrub(s));
  const text = `## Alibaba Cloud probe (${region}, read-only)\n\n${table}\nWhat each row means: docs/cloud-facts.md\n`;
  process.stdout.write(`${text}`);
  if (env.GITHUB_STEP_SUMMARY) appendFileSync(env.GITHUB_STEP_SUMMARY, text);
}

main().catch((err: unknown) => {
  process.stderr.write(`probe: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
