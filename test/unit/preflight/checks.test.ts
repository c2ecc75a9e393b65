import { describe, expect, it } from 'vitest';
import type { AgentStatus, InstanceInfo } from '../../../src/alibaba/ecs/types.js';
import { chooseTargets, evaluatePreflight, formatAge, HEARTBEAT_MAX_AGE_MS } from '../../../src/preflight/checks.js';

const NOW = Date.parse('2026-11-22T10:00:00Z');
const ago = (ms: number): string => new Date(NOW - ms).toISOString();

function instance(instanceId: string, status = 'Running', osType = 'linux'): InstanceInfo {
  return { instanceId, name: `n-${instanceId}`, status, osType, osName: `${osType} os` };
}
function agent(instanceId: string, heartbeatAgoMs: number | undefined, online = true): AgentStatus {
  const a: AgentStatus = { instanceId, online, version: '2.2.3.857' };
  if (heartbeatAgoMs !== undefined) a.lastHeartbeatTime = ago(heartbeatAgoMs);
  return a;
}

describe('evaluatePreflight', () => {
  const ids = ['i-ok', 'i-gone', 'i-stopped', 'i-noagent', 'i-offline', 'i-old', 'i-win', 'i-nobeat'];
  const instances = [
    instance('i-ok'),
    instance('i-stopped', 'Stopped'),
    instance('i-noagent'),
    instance('i-offline'),
    instance('i-old'),
    instance('i-win', 'Running', 'windows'),
    instance('i-nobeat'),
  ];
  const agents: AgentStatus[] = [
    agent('i-ok', 30_000),
    { instanceId: 'i-noagent', online: false },
    agent('i-offline', 60 * 60_000, false),
    agent('i-old', HEARTBEAT_MAX_AGE_MS + 1000),
    agent('i-win', HEARTBEAT_MAX_AGE_MS - 1000),
    agent('i-nobeat', undefined),
  ];
  const report = evaluatePreflight(ids, instances, agents, NOW);
  const verdictOf = (id: string) => report.checks.find((c) => c.instanceId === id);

  it('gives each instance its verdict, in the order given', () => {
    expect(report.checks.map((c) => [c.instanceId, c.verdict])).toEqual([
      ['i-ok', 'ok'],
      ['i-gone', 'not-found'],
      ['i-stopped', 'not-running'],
      ['i-noagent', 'no-agent'],
      ['i-offline', 'stale-heartbeat'],
      ['i-old', 'stale-heartbeat'],
      ['i-win', 'ok'],
      ['i-nobeat', 'stale-heartbeat'],
    ]);
    expect(report.ready).toEqual(['i-ok', 'i-win']);
    expect(report.unavailable).toEqual(['i-gone', 'i-stopped', 'i-noagent', 'i-offline', 'i-old', 'i-nobeat']);
    expect(report.heartbeatMaxAgeMinutes).toBe(HEARTBEAT_MAX_AGE_MS / 60_000);
  });

  it('explains each problem in words an operator can act on', () => {
    expect(verdictOf('i-gone')?.reason).toBe('not found in this region: check the ID and the region');
    expect(verdictOf('i-stopped')?.reason).toContain('status is Stopped');
    expect(verdictOf('i-noagent')?.reason).toContain('not installed');
    expect(verdictOf('i-offline')?.reason).toContain('offline with last heartbeat 60 min ago');
    expect(verdictOf('i-old')?.reason).toContain(`last heartbeat ${formatAge(HEARTBEAT_MAX_AGE_MS + 1000)} ago`);
    expect(verdictOf('i-nobeat')?.reason).toContain('no heartbeat reported');
    expect(verdictOf('i-ok')?.reason).toBe('');
  });

  it('keeps what ECS said about the instance and its agent', () => {
    expect(verdictOf('i-win')).toMatchObject({ name: 'n-i-win', osType: 'windows', status: 'Running', agentVersion: '2.2.3.857' });
    expect(verdictOf('i-gone')?.name).toBeUndefined();
  });

  it('uses the threshold it is given', () => {
    const strict = evaluatePreflight(['i-ok'], [instance('i-ok')], [agent('i-ok', 30_000)], NOW, 10_000);
    expect(strict.checks[0]?.verdict).toBe('stale-heartbeat');
  });
});

describe('chooseTargets', () => {
  const mixed = evaluatePreflight(['i-a', 'i-b', 'i-c'], [instance('i-a'), instance('i-c', 'Stopped')], [agent('i-a', 1000)], NOW);

  it('sends everything when all are ready', () => {
    const all = evaluatePreflight(['i-a'], [instance('i-a')], [agent('i-a', 1000)], NOW);
    expect(chooseTargets(all, 'fail')).toEqual({ targets: ['i-a'], skipped: [] });
  });

  it('fail: blocks, naming the instances and the way out', () => {
    const d = chooseTargets(mixed, 'fail');
    expect(d.targets).toEqual([]);
    expect(d.skipped.map((c) => c.instanceId)).toEqual(['i-b', 'i-c']);
    expect(d.blocked).toContain('2 of 3 instance(s) cannot be patched');
    expect(d.blocked).toContain('i-b: not found in this region');
    expect(d.blocked).toContain('on-unavailable: skip');
  });

  it('skip: sends only the ready ones', () => {
    const d = chooseTargets(mixed, 'skip');
    expect(d.targets).toEqual(['i-a']);
    expect(d.skipped.map((c) => c.instanceId)).toEqual(['i-b', 'i-c']);
    expect(d.blocked).toBeUndefined();
  });

  it('skip with nothing ready still blocks', () => {
    const none = evaluatePreflight(['i-b'], [], [], NOW);
    expect(chooseTargets(none, 'skip').blocked).toContain('none of the 1 instance(s) can be patched');
  });
});

describe('formatAge', () => {
  it.each([
    [-5, '0s'],
    [45_000, '45s'],
    [12 * 60_000, '12 min'],
    [3 * 3600_000, '3 h'],
    [72 * 3600_000, '3 d'],
  ])('%d ms -> %s', (ms, text) => expect(formatAge(ms)).toBe(text));
});
