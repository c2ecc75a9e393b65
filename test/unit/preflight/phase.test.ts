import { describe, expect, it } from 'vitest';
import type { AgentStatus, EcsApi, InstanceInfo } from '../../../src/alibaba/ecs/types.js';
import { parseInputs, type Settings } from '../../../src/inputs/parse.js';
import type { Logger } from '../../../src/lib/log.js';
import { preflightPhase } from '../../../src/preflight/phase.js';
import { planOutputs } from '../../../src/report/outputs.js';
import { renderPlanSummary } from '../../../src/summary/plan-summary.js';
import { VERDICT_LABELS } from '../../../src/summary/parts.js';

const NOW = Date.parse('2026-11-29T10:00:00Z');
const RUN_ID = '1001';
const FRESH = new Date(NOW - 30_000).toISOString();
const STALE = new Date(NOW - 3 * 3600_000).toISOString();

interface Machine {
  status: string;
  /** The agent's answer; absent when it never reported. */
  agent?: Omit<AgentStatus, 'instanceId'>;
}

/** What ECS knows: instances by ID (an ID not here is not found in the region). Records the IDs of each call. */
function fakeEcs(machines: Record<string, Machine>): EcsApi & { asked: { instances: string[][]; agents: string[][] } } {
  const asked = { instances: [] as string[][], agents: [] as string[][] };
  const info = (id: string, m: Machine): InstanceInfo => ({
    instanceId: id,
    name: `web-${id}`,
    status: m.status,
    osType: 'linux',
    osName: 'Alibaba Cloud Linux 3',
  });
  return {
    asked,
    describeInstances: (ids) => {
      asked.instances.push([...ids]);
      return Promise.resolve(ids.flatMap((id) => (machines[id] ? [info(id, machines[id])] : [])));
    },
    describeCloudAssistantStatus: (ids) => {
      asked.agents.push([...ids]);
      return Promise.resolve(ids.flatMap((id) => (machines[id]?.agent ? [{ instanceId: id, ...machines[id].agent }] : [])));
    },
    listTaggedInstanceIds: () => Promise.reject(new Error('pre-flight does not resolve tags')),
    describeSnapshotsSince: () => Promise.reject(new Error('pre-flight reads no snapshots')),
  };
}

function recordingLogger(): Logger & { lines: string[]; warnings: { message: string; title?: string }[] } {
  const lines: string[] = [];
  const warnings: { message: string; title?: string }[] = [];
  return {
    lines,
    warnings,
    info: (m) => lines.push(m),
    warning: (message, properties) => {
      lines.push(`warning: ${message}`);
      warnings.push({ message, ...(properties?.title ? { title: properties.title } : {}) });
    },
    startGroup: (name) => lines.push(`group: ${name}`),
    endGroup: () => lines.push('endgroup'),
  };
}

const ready: Machine = { status: 'Running', agent: { online: true, version: '2.2.3', lastHeartbeatTime: FRESH } };
const FLEET: Record<string, Machine> = {
  'i-ready1': ready,
  'i-ready2': ready,
  'i-stopped': { status: 'Stopped' },
  'i-stale': { status: 'Running', agent: { online: true, version: '2.2.3', lastHeartbeatTime: STALE } },
};

function settings(ids: readonly string[], onUnavailable: 'fail' | 'skip' = 'fail'): Settings {
  const inputs: Record<string, string> = {
    region: 'cn-hangzhou',
    'instance-ids': ids.join(','),
    action: 'scan',
    'on-unavailable': onUnavailable,
  };
  return parseInputs((name) => inputs[name] ?? '').settings;
}

async function phase(ids: readonly string[], onUnavailable: 'fail' | 'skip' = 'fail', fleet = FLEET) {
  const ecs = fakeEcs(fleet);
  const log = recordingLogger();
  const plan = await preflightPhase(settings(ids, onUnavailable), ecs, RUN_ID, log, () => NOW);
  return { plan, log, ecs };
}

describe('preflightPhase', () => {
  it('logs one line per instance in a group, and plans every instance when all are ready', async () => {
    const ids = ['i-ready1', 'i-ready2'];
    const { plan, log, ecs } = await phase(ids);
    expect(log.lines).toEqual([
      `group: Pre-flight: 2 of 2 instance(s) ready`,
      `i-ready1: ${VERDICT_LABELS.ok}`,
      `i-ready2: ${VERDICT_LABELS.ok}`,
      'endgroup',
    ]);
    expect(plan).toMatchObject({ kind: 'plan', action: 'scan', region: 'cn-hangzhou', requested: ids, targets: ids, skipped: [] });
    expect(plan.blocked).toBeUndefined();
    expect(plan.clientToken).toMatch(/\S/);
    expect(ecs.asked).toEqual({ instances: [ids], agents: [ids] });
  });

  it('blocks when an instance fails a check (on-unavailable: fail), without a warning, logging the reason', async () => {
    const ids = ['i-ready1', 'i-stopped', 'i-missing'];
    const { plan, log, ecs } = await phase(ids);
    expect(log.lines[0]).toBe('group: Pre-flight: 1 of 3 instance(s) ready');
    expect(log.lines).toContain(`i-stopped: ${VERDICT_LABELS['not-running']} (status is Stopped, not Running: start it, or leave it out)`);
    expect(log.lines).toContain(`i-missing: ${VERDICT_LABELS['not-found']} (not found in this region: check the ID and the region)`);
    expect(log.lines.at(-1)).toBe('endgroup');
    expect(log.warnings).toEqual([]);
    expect(plan.blocked).toContain('2 of 3 instance(s) cannot be patched');
    expect(plan.targets).toEqual([]);
    expect(plan.skipped.map((c) => c.instanceId)).toEqual(['i-stopped', 'i-missing']);
    // The agents of Running instances only.
    expect(ecs.asked.agents).toEqual([['i-ready1']]);
    // Blocked: the token is still the one over every instance asked for.
    const all = await phase(ids, 'fail', { 'i-ready1': ready, 'i-stopped': ready, 'i-missing': ready });
    expect(plan.clientToken).toBe(all.plan.clientToken);
  });

  it('skips the unavailable ones (on-unavailable: skip) with a titled warning, and the token covers only what is sent', async () => {
    const ids = ['i-ready1', 'i-stale', 'i-ready2'];
    const { plan, log } = await phase(ids, 'skip');
    expect(plan.blocked).toBeUndefined();
    expect(plan.targets).toEqual(['i-ready1', 'i-ready2']);
    expect(plan.skipped.map((c) => c.instanceId)).toEqual(['i-stale']);
    expect(log.warnings).toHaveLength(1);
    expect(log.warnings[0]?.title).toBe('Instances skipped by pre-flight');
    expect(log.warnings[0]?.message).toContain(
      'Pre-flight: skipping 1 of 3 instance(s) (on-unavailable: skip): i-stale: the Cloud Assistant agent',
    );
    expect(log.warnings[0]?.message).toContain('They are listed in the output skipped-instances.');
    // The warning comes after the group.
    expect(log.lines.indexOf('endgroup')).toBeLessThan(log.lines.findIndex((l) => l.startsWith('warning: ')));
    const sentOnly = await phase(['i-ready1', 'i-ready2'], 'skip');
    expect(plan.clientToken).toBe(sentOnly.plan.clientToken);
    const everything = await phase(ids, 'skip', { ...FLEET, 'i-stale': ready });
    expect(plan.clientToken).not.toBe(everything.plan.clientToken);
  });

  it('blocks when nothing is ready, even with on-unavailable: skip, without a warning', async () => {
    const { plan, log } = await phase(['i-stopped', 'i-missing'], 'skip');
    expect(plan.blocked).toContain('none of the 2 instance(s) can be patched');
    expect(log.warnings).toEqual([]);
  });

  it('lists every batch token when more than 1000 instances make several executions', async () => {
    const ids = Array.from({ length: 1001 }, (_, i) => `i-${String(i).padStart(6, '0')}`);
    const fleet = Object.fromEntries(ids.map((id) => [id, ready]));
    const ecs = fakeEcs(fleet);
    const plan = await preflightPhase({ ...settings(['i-ready1']), instanceIds: ids }, ecs, RUN_ID, recordingLogger(), () => NOW);
    expect(plan.clientTokens).toHaveLength(2);
    expect(plan.clientToken).toBe(plan.clientTokens?.[0]);
    expect(new Set(plan.clientTokens).size).toBe(2);
  });
});

describe('preflightPhase for a dry run', () => {
  it('plans the ClientToken and the skips of the real run, and says what it would skip', async () => {
    const ids = ['i-ready1', 'i-stale', 'i-ready2'];
    const real = await phase(ids, 'skip');
    const dry = await preflightPhase({ ...settings(ids, 'skip'), dryRun: true }, fakeEcs(FLEET), RUN_ID, recordingLogger(), () => NOW);
    expect(dry.dryRun).toBe(true);
    expect(dry.clientToken).toBe(real.plan.clientToken);
    expect(dry.targets).toEqual(real.plan.targets);
    expect(dry.skipped).toEqual(real.plan.skipped);
    expect(planOutputs(dry, 'plan.json')['skipped-instances']).toBe(JSON.stringify(['i-stale']));
    expect(renderPlanSummary(dry)).toContain('**1 instance would be skipped** (on-unavailable: skip)');
  });
});
