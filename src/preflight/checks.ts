import type { AgentStatus, EcsApi, InstanceInfo } from '../alibaba/ecs/types.js';

/**
 * Pre-flight: before anything starts, check each target the way an operator would. An instance is ready when
 * ECS knows it in the region, it is Running, and its Cloud Assistant agent (which OOS runs the patch commands
 * through) is installed, online and has reported recently.
 */
export type Verdict = 'ok' | 'not-found' | 'not-running' | 'no-agent' | 'stale-heartbeat';

/**
 * The agent reports a heartbeat about once a minute. Older than this, the agent has missed several in a row:
 * it is stopped, hung or cut off, and the patch command would time out after waiting for it. Ten minutes also
 * absorbs a restarting agent and a few minutes of clock skew between the runner and ECS.
 */
export const HEARTBEAT_MAX_AGE_MS = 10 * 60_000;

export interface InstanceCheck {
  instanceId: string;
  verdict: Verdict;
  /** One sentence an operator can act on; empty when the verdict is ok. */
  reason: string;
  /** From DescribeInstances, when ECS knows the instance. */
  name?: string;
  status?: string;
  osType?: string;
  osName?: string;
  agentVersion?: string;
  lastHeartbeatTime?: string;
}

export interface PreflightReport {
  /** One per target, in the order given. */
  checks: InstanceCheck[];
  /** IDs whose verdict is ok, in the order given. */
  ready: string[];
  /** IDs that failed a check, in the order given. */
  unavailable: string[];
  heartbeatMaxAgeMinutes: number;
}

/** Pure: the verdict for every instance from what ECS said. `nowMs` is the runner's clock. */
export function evaluatePreflight(
  instanceIds: readonly string[],
  instances: readonly InstanceInfo[],
  agents: readonly AgentStatus[],
  nowMs: number,
  maxAgeMs = HEARTBEAT_MAX_AGE_MS,
): PreflightReport {
  const byId = new Map(instances.map((i) => [i.instanceId, i]));
  const agentById = new Map(agents.map((a) => [a.instanceId, a]));
  const checks = instanceIds.map((id) => check(id, byId.get(id), agentById.get(id), nowMs, maxAgeMs));
  return {
    checks,
    ready: checks.filter((c) => c.verdict === 'ok').map((c) => c.instanceId),
    unavailable: checks.filter((c) => c.verdict !== 'ok').map((c) => c.instanceId),
    heartbeatMaxAgeMinutes: Math.round(maxAgeMs / 60_000),
  };
}

function check(id: string, info: InstanceInfo | undefined, agent: AgentStatus | undefined, nowMs: number, maxAgeMs: number): InstanceCheck {
  if (!info) return { instanceId: id, verdict: 'not-found', reason: 'not found in this region: check the ID and the region' };
  const base: InstanceCheck = {
    instanceId: id,
    verdict: 'ok',
    reason: '',
    name: info.name,
    status: info.status,
    osType: info.osType,
    osName: info.osName,
  };
  if (agent?.version) base.agentVersion = agent.version;
  if (agent?.lastHeartbeatTime) base.lastHeartbeatTime = agent.lastHeartbeatTime;
  if (info.status !== 'Running') {
    return { ...base, verdict: 'not-running', reason: `status is ${info.status || 'unknown'}, not Running: start it, or leave it out` };
  }
  if (!agent || (!agent.online && !agent.version && !agent.lastHeartbeatTime)) {
    return { ...base, verdict: 'no-agent', reason: 'the Cloud Assistant agent is not installed: install it, then run again' };
  }
  const heartbeat = agent.lastHeartbeatTime ? Date.parse(agent.lastHeartbeatTime) : NaN;
  const age = nowMs - heartbeat;
  if (!agent.online || Number.isNaN(heartbeat) || age > maxAgeMs) {
    const when = Number.isNaN(heartbeat) ? 'no heartbeat reported' : `last heartbeat ${formatAge(age)} ago`;
    const state = agent.online ? 'online' : 'offline';
    return {
      ...base,
      verdict: 'stale-heartbeat',
      reason: `the Cloud Assistant agent is ${state} with ${when} (limit ${Math.round(maxAgeMs / 60_000)} min): restart the agent`,
    };
  }
  return base;
}

/** "45s", "12 min", "3 h", "2 d": how long ago, roughly. */
export function formatAge(ms: number): string {
  if (ms < 0) return '0s';
  const s = Math.round(ms / 1000);
  if (s < 120) return `${s}s`;
  const m = Math.round(s / 60);
  if (m < 120) return `${m} min`;
  const h = Math.round(m / 60);
  if (h < 48) return `${h} h`;
  return `${Math.round(h / 24)} d`;
}

/** The ECS side: DescribeInstances for every target, DescribeCloudAssistantStatus for the Running ones. */
export async function runPreflight(ecs: EcsApi, instanceIds: readonly string[], now: () => number): Promise<PreflightReport> {
  const instances = await ecs.describeInstances(instanceIds);
  const running = instances.filter((i) => i.status === 'Running').map((i) => i.instanceId);
  const agents = running.length > 0 ? await ecs.describeCloudAssistantStatus(running) : [];
  return evaluatePreflight(instanceIds, instances, agents, now());
}

export type OnUnavailable = 'fail' | 'skip';

export interface TargetDecision {
  /** What StartExecution gets. Empty when blocked. */
  targets: string[];
  /** Checks of the instances left out (skip), or that stop the run (fail). */
  skipped: InstanceCheck[];
  /** Why nothing may start; undefined when the run can go on. */
  blocked?: string;
}

/** Pure: which instances to patch, given the pre-flight verdicts and `on-unavailable`. */
export function chooseTargets(report: PreflightReport, onUnavailable: OnUnavailable): TargetDecision {
  const bad = report.checks.filter((c) => c.verdict !== 'ok');
  if (bad.length === 0) return { targets: [...report.ready], skipped: [] };
  const list = describeChecks(bad, 5);
  if (report.ready.length === 0) {
    return { targets: [], skipped: bad, blocked: `Pre-flight: none of the ${report.checks.length} instance(s) can be patched (${list}).` };
  }
  if (onUnavailable === 'fail') {
    return {
      targets: [],
      skipped: bad,
      blocked:
        `Pre-flight: ${bad.length} of ${report.checks.length} instance(s) cannot be patched (${list}). Nothing was started. ` +
        `Fix them, or set on-unavailable: skip to patch the other ${report.ready.length}.`,
    };
  }
  return { targets: [...report.ready], skipped: bad };
}

/** "i-a: not found in this region; i-b: status is Stopped ... and 3 more" */
export function describeChecks(checks: readonly InstanceCheck[], max: number): string {
  const shown = checks.slice(0, max).map((c) => `${c.instanceId}: ${c.reason}`);
  const more = checks.length - shown.length;
  return shown.join('; ') + (more > 0 ? `; and ${more} more` : '');
}
