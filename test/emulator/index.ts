/**
 * Local emulator of Alibaba Cloud OOS for tests and demos. Talks the real wire protocol:
 * the real `@alicloud/openapi-core` client reaches it with `protocol: 'HTTP'` and
 * `endpoint: emulator.endpoint`.
 */
import { Fleet, type InstanceSpec, type PatchState } from './fleet.js';
import { OosService, type ExecutionRecord, type Timings } from './oos.js';
import { EmulatorServer, type Interceptor, type RecordedRequest } from './server.js';
import { SignatureVerifier, type EmulatorCredential } from './signature.js';

export type { InstanceSpec, PatchState } from './fleet.js';
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
} from './signature.js';

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
  /** Current patch state of an instance (after at least one finished scan/install). */
  patchState(instanceId: string): PatchState | undefined;
  /** Change timings for executions started from now on. */
  setTimings(timings: Partial<Timings>): void;
  addCredential(credential: EmulatorCredential): void;
  removeCredential(accessKeyId: string): void;
  /** Hook for fault injection; returns a function that removes it. */
  addInterceptor(interceptor: Interceptor): () => void;
  clearRequests(): void;
  close(): Promise<void>;
}

export async function startEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
  const now = options.now ?? Date.now;
  const fleet = new Fleet(options.fleet ?? {});
  const verifier = new SignatureVerifier({
    credentials: options.credentials ?? [{ ...DEFAULT_CREDENTIALS }],
    checkNonce: options.checkNonce ?? true,
  });
  const oos = new OosService(fleet, now, options.timings ?? {});
  const server = new EmulatorServer({ verifier, now, services: [oos.definition()] });
  const host = options.host ?? '127.0.0.1';
  const address = await server.listen(options.port ?? 0, host);
  const port = address.port;
  const endpoint = `${host}:${port}`;

  return {
    url: `http://${endpoint}`,
    endpoint,
    host,
    port,
    requests: server.requests,
    fleet,
    executions: () => oos.executions(),
    startExecutionCalls: () => server.requests.filter((r) => r.action === 'StartExecution'),
    callsOf: (action) => server.requests.filter((r) => r.action === action),
    setFleet: (specs) => fleet.setAll(specs),
    updateInstance: (id, patch) => fleet.update(id, patch),
    patchState: (id) => {
      oos.settleAll(now());
      return fleet.state(id);
    },
    setTimings: (timings) => {
      oos.timings = { ...oos.timings, ...timings };
    },
    addCredential: (c) => verifier.addCredential(c),
    removeCredential: (id) => verifier.removeCredential(id),
    addInterceptor: (i) => server.addInterceptor(i),
    clearRequests: () => {
      server.requests.length = 0;
    },
    close: () => server.close(),
  };
}
