import { describe, expect, it } from 'vitest';
import { toCloudError } from '../../../../src/alibaba/cloud-error.js';
import { templateParameters } from '../../../../src/alibaba/oos/template.js';

describe('templateParameters', () => {
  it('builds a scan with explicit action and no install knobs', () => {
    expect(templateParameters({ region: 'cn-hangzhou', action: 'scan', instanceIds: ['i-a'] })).toEqual({
      regionId: 'cn-hangzhou',
      action: 'scan',
      targets: { Type: 'ResourceIds', ResourceIds: ['i-a'], RegionId: 'cn-hangzhou' },
    });
  });

  it('adds the install knobs with their JSON types', () => {
    const p = templateParameters({
      region: 'cn-beijing',
      action: 'install',
      instanceIds: ['i-a', 'i-b'],
      install: { rebootIfNeed: false, createSnapshot: true, retentionDays: 30 },
    });
    expect(JSON.stringify(p)).toBe(
      '{"regionId":"cn-beijing","action":"install","targets":{"Type":"ResourceIds","ResourceIds":["i-a","i-b"],"RegionId":"cn-beijing"},"rebootIfNeed":false,"whetherCreateSnapshot":true,"retentionDays":30}',
    );
  });

  it('lists IDs and tags in canonical order, whatever order they came in', () => {
    const shuffled = ['i-c', 'i-a', 'i-b'];
    const p = templateParameters({ region: 'cn-hangzhou', action: 'scan', instanceIds: shuffled });
    expect(p.targets).toMatchObject({ ResourceIds: [...shuffled].sort() });
    expect(shuffled).toEqual(['i-c', 'i-a', 'i-b']); // the spec is left alone
    const tagged = templateParameters({
      region: 'cn-hangzhou',
      action: 'scan',
      instanceIds: [],
      tags: [
        { key: 'role', value: 'web' },
        { key: 'env', value: 'prod' },
      ],
    });
    expect(tagged.targets).toMatchObject({ Tags: [{ Key: 'env' }, { Key: 'role' }] });
  });

  it('targets tags instead of IDs when the plan has tags', () => {
    const p = templateParameters({
      region: 'cn-hangzhou',
      action: 'scan',
      instanceIds: ['i-a'],
      tags: [
        { key: 'env', value: 'prod' },
        { key: 'role', value: 'web' },
      ],
    });
    expect(p.targets).toEqual({
      Type: 'Tags',
      Tags: [
        { Key: 'env', Value: 'prod' },
        { Key: 'role', Value: 'web' },
      ],
      RegionId: 'cn-hangzhou',
    });
  });

  it('sends rateControl with MaxErrors as a number or a percentage string', () => {
    const plan = { region: 'cn-hangzhou', action: 'scan' as const, instanceIds: ['i-a'] };
    expect(templateParameters({ ...plan, rateControl: { maxConcurrency: 5, maxErrors: { count: 2 } } }).rateControl).toEqual({
      Mode: 'Concurrency',
      Concurrency: 5,
      MaxErrors: 2,
    });
    expect(templateParameters({ ...plan, rateControl: { maxConcurrency: 10, maxErrors: { percent: 10 } } }).rateControl).toEqual({
      Mode: 'Concurrency',
      Concurrency: 10,
      MaxErrors: '10%',
    });
  });
});

describe('toCloudError', () => {
  it('keeps code, status, request ID and the plain message from an SDK error', () => {
    const sdk = Object.assign(new Error('Throttling.User: code: 400, Request was denied. request id: R-1'), {
      code: 'Throttling.User',
      statusCode: 400,
      requestId: 'R-1',
      data: { Code: 'Throttling.User', Message: 'Request was denied.' },
    });
    const e = toCloudError('ListExecutions', sdk);
    expect(e.code).toBe('Throttling.User');
    expect(e.statusCode).toBe(400);
    expect(e.requestId).toBe('R-1');
    expect(e.message).toBe('ListExecutions failed: Throttling.User (HTTP 400): Request was denied. (request ID R-1)');
  });

  it('drops the request URL from transport errors', () => {
    const sdk = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:9POST http://127.0.0.1:9/?a=b failed.'), { code: 'ECONNREFUSED' });
    expect(toCloudError('StartExecution', sdk).message).toBe('StartExecution failed: ECONNREFUSED: connect ECONNREFUSED 127.0.0.1:9');
  });
});
