/**
 * Fleet model: which ECS instances exist, their patch situation, and the patch state OOS reports
 * (ListInstancePatchStates) after a scan or an install has finished on them.
 */

export interface InstanceSpec {
  /** Patches installed. */
  installed: number;
  /** Patches installed that are not in the baseline. */
  installedOther?: number;
  /** Patches missing (approved by the baseline, not installed). */
  missing: number;
  /** Of the missing patches, how many fail to install. */
  failing?: number;
  /** Of the missing patches, how many leave the instance InstalledPendingReboot after an install without reboot. */
  needReboot?: number;
  /** Installed patches currently waiting for a reboot. */
  pendingReboot?: number;
  /** Installed patches rejected by the baseline. */
  rejected?: number;
  /** The execution that targets this instance fails (e.g. Cloud Assistant offline): its child execution ends Failed. */
  failExecution?: boolean;
  /** With failExecution: the failing task's StatusMessage (default: a non-zero exit of the patch command). */
  failureMessage?: string;
  /** With failExecution: the command output lines the child execution's log shows before the failure. */
  failureLog?: string[];
  /** Titles of the generated ListInstancePatches entries: `<patchTitle> #<n>` (default: realistic titles). */
  patchTitle?: string;
  os?: 'linux' | 'windows';
  /** ECS OSName; default a stock Alibaba Cloud Linux / Windows Server name per `os`. */
  osName?: string;
  name?: string;
  /** Tags, for executions targeting `{"Type":"Tags"}` and ECS DescribeInstances `Tag.N`. */
  tags?: Record<string, string>;
  /** ECS instance status; default Running. */
  status?: InstanceStatus;
  /**
   * Cloud Assistant agent; default installed with a recent heartbeat. DescribeCloudAssistantStatus reports
   * CloudAssistantStatus "true" only when it is installed, the instance is Running and the last heartbeat is
   * at most `AGENT_ONLINE_WINDOW_MS` old.
   */
  agent?: AgentSpec;
}

export type InstanceStatus = 'Running' | 'Stopped' | 'Starting' | 'Stopping' | 'Pending';

export interface AgentSpec {
  installed: boolean;
  /** Default `DEFAULT_AGENT_VERSION`. */
  version?: string;
  /** How long ago (emulator clock) the agent last reported; default `DEFAULT_HEARTBEAT_AGO_MS`. */
  lastHeartbeatAgoMs?: number;
}

export type OperationType = 'Scan' | 'Install';

export interface PatchCounts {
  installed: number;
  installedOther: number;
  installedPendingReboot: number;
  installedRejected: number;
  missing: number;
  failed: number;
}

export interface PatchState extends PatchCounts {
  instanceId: string;
  baselineId: string;
  patchGroup: string;
  operationType: OperationType;
  /** Epoch milliseconds. */
  operationStartTime: number;
  operationEndTime: number;
}

export const DEFAULT_BASELINES: Readonly<Record<'linux' | 'windows', string>> = {
  linux: 'pb-emulator-linux-default',
  windows: 'pb-emulator-windows-default',
};

const nn = (n: number | undefined): number => Math.max(0, Math.floor(n ?? 0));

/** What a scan reports. Pure. */
export function scanResult(spec: InstanceSpec): PatchCounts {
  return {
    installed: nn(spec.installed),
    installedOther: nn(spec.installedOther),
    installedPendingReboot: nn(spec.pendingReboot),
    installedRejected: nn(spec.rejected),
    missing: nn(spec.missing),
    failed: 0,
  };
}

/**
 * What an install reports, and the spec afterwards (so a later scan reflects it). Pure.
 * Installed = installed + missing - failing - (rebootIfNeed ? 0 : needReboot) (+ earlier pending ones when rebooted),
 * PendingReboot = rebootIfNeed ? 0 : needReboot (+ earlier pending ones), Missing = 0, Failed = failing.
 * Afterwards the failing patches are still missing.
 */
export function installResult(spec: InstanceSpec, rebootIfNeed: boolean): { counts: PatchCounts; next: InstanceSpec } {
  const missing = nn(spec.missing);
  const failing = Math.min(nn(spec.failing), missing);
  const needReboot = Math.min(nn(spec.needReboot), missing - failing);
  const pendingBefore = nn(spec.pendingReboot);
  const pending = rebootIfNeed ? 0 : pendingBefore + needReboot;
  const installed = nn(spec.installed) + missing - failing - (rebootIfNeed ? 0 : needReboot) + (rebootIfNeed ? pendingBefore : 0);
  const counts: PatchCounts = {
    installed,
    installedOther: nn(spec.installedOther),
    installedPendingReboot: pending,
    installedRejected: nn(spec.rejected),
    missing: 0,
    failed: failing,
  };
  const next: InstanceSpec = { ...spec, installed, missing: failing, failing, needReboot: 0, pendingReboot: pending };
  return { counts, next };
}

export class Fleet {
  private readonly specs = new Map<string, InstanceSpec>();
  private readonly states = new Map<string, PatchState>();

  constructor(specs: Readonly<Record<string, InstanceSpec>> = {}) {
    this.setAll(specs);
  }

  /** Replace every instance spec (patch states already recorded are kept). */
  setAll(specs: Readonly<Record<string, InstanceSpec>>): void {
    this.specs.clear();
    for (const [id, spec] of Object.entries(specs)) this.specs.set(id, { ...spec });
  }

  set(instanceId: string, spec: InstanceSpec): void {
    this.specs.set(instanceId, { ...spec });
  }

  /** Merge changes into an existing instance (or create it from the patch if unknown). */
  update(instanceId: string, patch: Partial<InstanceSpec>): InstanceSpec {
    const current = this.specs.get(instanceId) ?? { installed: 0, missing: 0 };
    const next: InstanceSpec = { ...current, ...patch };
    this.specs.set(instanceId, next);
    return { ...next };
  }

  remove(instanceId: string): void {
    this.specs.delete(instanceId);
  }

  has(instanceId: string): boolean {
    return this.specs.has(instanceId);
  }

  get(instanceId: string): InstanceSpec | undefined {
    const spec = this.specs.get(instanceId);
    return spec ? { ...spec } : undefined;
  }

  ids(): string[] {
    return [...this.specs.keys()].sort();
  }

  /** Instances whose tags contain every given Key/Value pair. */
  idsByTags(tags: ReadonlyArray<{ Key: string; Value?: string }>): string[] {
    return this.ids().filter((id) => {
      const own = this.specs.get(id)?.tags ?? {};
      return tags.every((t) => t.Key in own && (t.Value === undefined || own[t.Key] === t.Value));
    });
  }

  baselineOf(instanceId: string): string {
    return DEFAULT_BASELINES[this.specs.get(instanceId)?.os ?? 'linux'];
  }

  /** Record a finished scan; returns the new patch state. Throws if the instance is unknown. */
  applyScan(instanceId: string, startMs: number, endMs: number): PatchState {
    const spec = this.require(instanceId);
    return this.record(instanceId, 'Scan', scanResult(spec), startMs, endMs);
  }

  /** Record a finished install, updating the spec; returns the new patch state. */
  applyInstall(instanceId: string, rebootIfNeed: boolean, startMs: number, endMs: number): PatchState {
    const { counts, next } = installResult(this.require(instanceId), rebootIfNeed);
    this.specs.set(instanceId, next);
    return this.record(instanceId, 'Install', counts, startMs, endMs);
  }

  /** Patch state of an instance, if it has had at least one finished scan or install. */
  state(instanceId: string): PatchState | undefined {
    const s = this.states.get(instanceId);
    return s ? { ...s } : undefined;
  }

  /** Instance ids that have a patch state, sorted. */
  stateIds(): string[] {
    return [...this.states.keys()].sort();
  }

  /** Set or clear a patch state directly (tests). */
  setState(state: PatchState | undefined, instanceId = state?.instanceId): void {
    if (instanceId === undefined) return;
    if (state) this.states.set(instanceId, { ...state });
    else this.states.delete(instanceId);
  }

  private require(instanceId: string): InstanceSpec {
    const spec = this.specs.get(instanceId);
    if (!spec) throw new Error(`Instance ${instanceId} not found`);
    return spec;
  }

  private record(instanceId: string, type: OperationType, counts: PatchCounts, startMs: number, endMs: number): PatchState {
    const state: PatchState = {
      instanceId,
      baselineId: this.baselineOf(instanceId),
      patchGroup: '',
      operationType: type,
      operationStartTime: startMs,
      operationEndTime: endMs,
      ...counts,
    };
    this.states.set(instanceId, state);
    return { ...state };
  }
}

/** Six instances for demos and tests. */
export function sampleFleet(): Record<string, InstanceSpec> {
  return {
    'i-bp1demo000001': { installed: 120, missing: 0, os: 'linux', name: 'web-1', tags: { env: 'prod', role: 'web' } },
    'i-bp1demo000002': { installed: 118, missing: 0, os: 'linux', name: 'web-2', tags: { env: 'prod', role: 'web' } },
    'i-bp1demo000003': { installed: 64, installedOther: 3, missing: 0, os: 'windows', name: 'ad-1', tags: { env: 'prod', role: 'ad' } },
    'i-bp1demo000004': { installed: 100, missing: 7, os: 'linux', name: 'api-1', tags: { env: 'staging', role: 'api' } },
    'i-bp1demo000005': { installed: 90, missing: 5, failing: 2, os: 'linux', name: 'db-1', tags: { env: 'staging', role: 'db' } },
    'i-bp1demo000006': {
      installed: 70,
      missing: 4,
      needReboot: 3,
      os: 'windows',
      name: 'app-win-1',
      tags: { env: 'staging', role: 'app' },
    },
  };
}
