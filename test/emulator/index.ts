/**
 * Local emulator of Alibaba Cloud OOS and ECS for tests and demos. Talks the real wire protocol:
 * the real `@alicloud/openapi-core` client and the real ECS SDK reach it with `protocol: 'HTTP'` and
 * `endpoint: emulator.endpoint` (services are routed by `x-acs-version`).
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EcsService } from './ecs.js';
import { recommendUrl } from './errors.js';
import { Fleet, type InstanceSpec, type PatchState } from './fleet.js';
import { OosService, type ExecutionRecord, type Timings } from './oos.js';
import { SnapshotStore, type SnapshotRecord } from './snapshots.js';
import { EmulatorServer, type Interceptor, type RecordedRequest, URL_LIMIT_8K } from './server.js';
import { SignatureVerifier, type EmulatorCredential } from './signature.js';
import { StsService, type StsOptions, type StsSession } from './sts.js';
import { newRequestId } from './util.js';
import { readingsOf, type Readings } from './variants.js';

export type { InstanceSpec, PatchState, InstanceStatus, AgentSpec } from './fleet.js';
export {
  ECS_VERSION,
  MAX_DESCRIBE_IDS,
  MAX_CLOUD_ASSISTANT_IDS,
  MAX_TAG_FILTERS,
  MAX_RESOURCES_PER_TAG_FILTER,
  ERR_TAG_FILTER_TOO_BROAD,
  MAX_TAG_RESOURCE_IDS,
  TAG_RESOURCES_PAGE,
  DEFAULT_AGENT_VERSION,
  DEFAULT_HEARTBEAT_AGO_MS,
  AGENT_ONLINE_WINDOW_MS,
} from './ecs.js';
export type { SnapshotRecord } from './snapshots.js';
export { systemDiskId, DEFAULT_RETENTION_DAYS, DAY_MS } from './snapshots.js';
export { childExecutionId } from './util.js';
export { CHILD_TEMPLATE, LOOP_TASK, PATCH_TASK, SNAPSHOT_TASK, DEFAULT_FAILURE_MESSAGE, DEFAULT_FAILURE_LOG, taskId } from './children.js';
export { patchesOf, PATCH_STATUSES, type PatchStatus, type PatchRecord } from './patches.js';
export { Fleet, sampleFleet, scanResult, installResult } from './fleet.js';
export type { ExecutionRecord, ExecutionStatus, Timings } from './oos.js';
export * from './errors.js';
export {
  OOS_VERSION,
  PATCH_TEMPLATE,
  ERR_TEMPLATE_NOT_FOUND,
  ERR_EXECUTION_NOT_FOUND,
  ERR_IDEMPOTENT_MISMATCH,
  MAX_PATCH_STATE_IDS,
  PARENT_TASK_COUNT,
  DEFAULT_TIMINGS,
} from './oos.js';
export type {
  RecordedRequest,
  Interceptor,
  InterceptResult,
  AfterHandler,
  RawResponse,
  InterceptInfo,
  ServiceDefinition,
} from './server.js';
export type { EmulatorCredential } from './signature.js';
export {
  ERR_MISSING_AUTHORIZATION,
  ERR_INCOMPLETE_SIGNATURE,
  ERR_ACCESS_KEY_NOT_FOUND,
  ERR_SIGNATURE_MISMATCH,
  ERR_SIGNATURE_NONCE_USED,
  ERR_SECURITY_TOKEN_MISMATCH,
  ERR_SECURITY_TOKEN_MISSING,
  ERR_SECURITY_TOKEN_EXPIRED,
} from './signature.js';
export type { StsOptions, StsSession } from './sts.js';
export { URL_LIMIT_8K, ERR_URI_TOO_LONG } from './server.js';
export { DEFAULT_READINGS, EVERY_ALTERNATIVE, parseVariant, formatVariant, readingsOf, type Readings } from './variants.js';
export {
  STS_VERSION,
  DEFAULT_ROLE_ARN,
  DEFAULT_OIDC_PROVIDER_ARN,
  ERR_OIDC_TOKEN_INVALID,
  ERR_OIDC_TOKEN_EXPIRED,
  ERR_ROLE_NOT_FOUND,
  ERR_PROVIDER_NOT_FOUND,
  ERR_ASSUME_DENIED,
} from './sts.js';

/** The code and message a RAM denial gets here; unconfirmed for OOS, so the action must not depend on them. */
export const ERR_RAM_DENIED = 'Forbidden.RAM';
const RAM_DENIED_MESSAGE = "User not authorized to operate on the specified resource, or this API doesn't support RAM.";
/** RAM product prefix of each API version the emulator may serve. */
const RAM_PRODUCT: Readonly<Record<string, string>> = { '2019-06-01': 'oos', '2014-05-26': 'ecs', '2015-04-01': 'sts' };

export interface DenyOptions {
  /** Error code; default ERR_RAM_DENIED. */
  code?: string;
  /** Send RAM's AccessDeniedDetail (with AuthAction) in the body; default true. */
  detail?: boolean;
}

export interface TlsEndpoint {
  /** `https://127.0.0.1:<port>` */
  url: string;
  /** `127.0.0.1:<port>` */
  endpoint: string;
  port: number;
  /** PEM file of the self-signed certificate: NODE_EXTRA_CA_CERTS for a process that must trust it. */
  caFile: string;
}

export const DEFAULT_CREDENTIALS: Readonly<{ accessKeyId: string; accessKeySecret: string }> = Object.freeze({
  accessKeyId: 'LTAI5tEmulatorKey0001',
  accessKeySecret: 'emulator-secret-do-not-print',
});

export interface EmulatorOptions {
  /** 0 (default) picks a free port. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** Accepted keys; default `[DEFAULT_CREDENTIALS]`. */
  credentials?: EmulatorCredential[];
  /** Instances known to OOS/ECS; default empty. */
  fleet?: Record<string, InstanceSpec>;
  /** How long executions stay Started and Running; default 100 ms / 300 ms. */
  timings?: Partial<Timings>;
  /** Clock (epoch ms) for execution progress and dates; default Date.now. */
  now?: () => number;
  /** Reject reused x-acs-signature-nonce values (default true). */
  checkNonce?: boolean;
  /** Serve STS AssumeRoleWithOIDC (over HTTPS: implies `tls`). */
  sts?: StsOptions;
  /** Also listen on HTTPS with a fresh self-signed certificate. */
  tls?: boolean;
  /** Which reading of each unconfirmed fact to play (`variants.ts`); default `DEFAULT_READINGS`. */
  variant?: Partial<Readings>;
}

export interface Emulator {
  /** `http://127.0.0.1:<port>` */
  url: string;
  /** `127.0.0.1:<port>`, for `config.endpoint`. */
  endpoint: string;
  host: string;
  port: number;
  /** Every request received, in order (live array). */
  requests: RecordedRequest[];
  /** The reading of each unconfirmed fact this emulator plays. */
  readings: Readonly<Readings>;
  fleet: Fleet;
  /** Executions, oldest first, with status as of `now()`. */
  executions(): ExecutionRecord[];
  /** Recorded StartExecution requests (including rejected ones). */
  startExecutionCalls(): RecordedRequest[];
  /** Recorded requests of one action. */
  callsOf(action: string): RecordedRequest[];
  /** Replace every instance spec. */
  setFleet(specs: Record<string, InstanceSpec>): void;
  /** Merge changes into one instance spec (creates it if unknown). */
  updateInstance(instanceId: string, patch: Partial<InstanceSpec>): InstanceSpec;
  /** ECS snapshots created so far by installs with `whetherCreateSnapshot` (expired ones included), oldest first. */
  snapshots(): SnapshotRecord[];
  /** Current patch state of an instance (after at least one finished scan/install). */
  patchState(instanceId: string): PatchState | undefined;
  /** Change timings for executions started from now on. */
  setTimings(timings: Partial<Timings>): void;
  addCredential(credential: EmulatorCredential): void;
  removeCredential(accessKeyId: string): void;
  /** Makes a key's security token expired from now on (InvalidSecurityToken.Expired). */
  expireCredential(accessKeyId: string): void;
  /** RAM denies these actions (`oos:StartExecution`) to a key, or to every key with '*'; returns an undo. */
  denyActions(accessKeyId: string, ramActions: readonly string[], options?: DenyOptions): () => void;
  /** The HTTPS listener, when `tls` or `sts` was asked for. */
  tls: TlsEndpoint | undefined;
  /** STS sessions issued, in order (empty without `sts`). */
  stsSessions: StsSession[];
  /** Hook for fault injection; returns a function that removes it. */
  addInterceptor(interceptor: Interceptor): () => void;
  clearRequests(): void;
  close(): Promise<void>;
}

export async function startEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
  const now = options.now ?? Date.now;
  const readings = readingsOf(options.variant);
  const fleet = new Fleet(options.fleet ?? {});
  const verifier = new SignatureVerifier({
    credentials: options.credentials ?? [{ ...DEFAULT_CREDENTIALS }],
    checkNonce: options.checkNonce ?? true,
    now,
  });
  const snapshots = new SnapshotStore();
  const oos = new OosService(fleet, now, options.timings ?? {}, snapshots, readings);
  const ecs = new EcsService(fleet, snapshots, now, (t) => oos.settleAll(t));
  const sts = options.sts ? new StsService(options.sts, (c) => verifier.addCredential(c)) : undefined;
  const server = new EmulatorServer({
    verifier,
    now,
    ...(readings.urlLimit === '8k' ? { maxRequestLine: URL_LIMIT_8K } : {}),
    services: [oos.definition(), ecs.definition(), ...(sts ? [sts.definition()] : [])],
  });
  const host = options.host ?? '127.0.0.1';
  const address = await server.listen(options.port ?? 0, host);
  const port = address.port;
  const endpoint = `${host}:${port}`;
  const tls = options.tls || sts ? await startTls(server, host) : undefined;
  const denials = new Map<string, Map<string, DenyOptions>>();
  server.addInterceptor(({ version, action, identity, requestId }) => {
    const ramAction = `${RAM_PRODUCT[version] ?? version}:${action}`;
    const rule = identity ? (denials.get(identity.accessKeyId) ?? denials.get('*'))?.get(ramAction) : undefined;
    if (!rule) return undefined;
    const code = rule.code ?? ERR_RAM_DENIED;
    return {
      status: 403,
      body: {
        RequestId: requestId,
        HostId: 'oos.aliyuncs.com',
        Code: code,
        Message: RAM_DENIED_MESSAGE,
        Recommend: recommendUrl(code, requestId),
        ...(rule.detail === false
          ? {}
          : {
              AccessDeniedDetail: {
                AuthAction: ramAction,
                AuthPrincipalType: 'SubUser',
                AuthPrincipalDisplayName: 'patching',
                PolicyType: 'AccountLevelIdentityBasedPolicy',
                NoPermissionType: 'ImplicitDeny',
                EncodedDiagnosticMessage: newRequestId(),
              },
            }),
      },
    };
  });

  return {
    url: `http://${endpoint}`,
    endpoint,
    host,
    port,
    requests: server.requests,
    readings,
    fleet,
    executions: () => oos.executions(),
    startExecutionCalls: () => server.requests.filter((r) => r.action === 'StartExecution'),
    callsOf: (action) => server.requests.filter((r) => r.action === action),
    setFleet: (specs) => fleet.setAll(specs),
    updateInstance: (id, patch) => fleet.update(id, patch),
    snapshots: () => {
      oos.settleAll(now());
      return snapshots.all();
    },
    patchState: (id) => {
      oos.settleAll(now());
      return fleet.state(id);
    },
    setTimings: (timings) => {
      oos.timings = { ...oos.timings, ...timings };
    },
    addCredential: (c) => verifier.addCredential(c),
    removeCredential: (id) => verifier.removeCredential(id),
    expireCredential: (id) => {
      if (!verifier.expire(id, now())) throw new Error(`unknown access key ${id}`);
    },
    denyActions: (id, ramActions, denyOptions = {}) => {
      const rules = denials.get(id) ?? new Map<string, DenyOptions>();
      denials.set(id, rules);
      for (const a of ramActions) rules.set(a, denyOptions);
      return () => {
        for (const a of ramActions) rules.delete(a);
      };
    },
    tls,
    stsSessions: sts?.sessions ?? [],
    addInterceptor: (i) => server.addInterceptor(i),
    clearRequests: () => {
      server.requests.length = 0;
    },
    close: async () => {
      await server.close();
      if (tls) await rm(join(tls.caFile, '..'), { recursive: true, force: true });
    },
  };
}

async function startTls(server: EmulatorServer, host: string): Promise<TlsEndpoint> {
  // Loaded here, not at the top: selfsigned and its X.509 libraries take about 0.5 s of CPU to load, and most
  // emulators (every vitest worker imports this file) serve plain HTTP.
  const { generate } = await import('selfsigned');
  const pems = await generate([{ name: 'commonName', value: host }], {
    keyType: 'ec',
    algorithm: 'sha256',
    extensions: [
      { name: 'basicConstraints', cA: true },
      {
        name: 'subjectAltName',
        altNames: [
          { type: 7, ip: host },
          { type: 2, value: 'localhost' },
        ],
      },
    ],
  });
  const { port } = await server.listenTls(0, host, { key: pems.private, cert: pems.cert });
  const dir = await mkdtemp(join(tmpdir(), 'emulator-tls-'));
  const caFile = join(dir, 'ca.pem');
  await writeFile(caFile, pems.cert);
  return { url: `https://${host}:${port}`, endpoint: `${host}:${port}`, port, caFile };
}
