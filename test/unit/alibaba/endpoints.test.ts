import Ecs from '@alicloud/ecs20140526';
import { $OpenApiUtil } from '@alicloud/openapi-core';
import { describe, expect, it } from 'vitest';
import { defaultEcsEndpoint, defaultOosEndpoint, parseEndpoint } from '../../../src/alibaba/endpoints.js';

describe('parseEndpoint', () => {
  it.each([
    ['oos-vpc.cn-hangzhou.aliyuncs.com', { protocol: 'HTTPS', host: 'oos-vpc.cn-hangzhou.aliyuncs.com' }],
    ['http://127.0.0.1:8080', { protocol: 'HTTP', host: '127.0.0.1:8080' }],
    ['https://OOS.cn-hangzhou.aliyuncs.com/', { protocol: 'HTTPS', host: 'oos.cn-hangzhou.aliyuncs.com' }],
    ['localhost:9000', { protocol: 'HTTPS', host: 'localhost:9000' }],
  ])('accepts %s', (value, expected) => {
    expect(parseEndpoint(value)).toEqual(expected);
  });

  it.each(['ftp://host', 'http://host/path', 'http://', 'two words', 'host:99999', 'a..b', '-x.com', 'http://h?q=1'])(
    'rejects %s',
    (value) => {
      expect(parseEndpoint(value)).toBeUndefined();
    },
  );

  it('defaults OOS to the regional public endpoint', () => {
    expect(defaultOosEndpoint('ap-southeast-1')).toEqual({ protocol: 'HTTPS', host: 'oos.ap-southeast-1.aliyuncs.com' });
  });

  it('picks the ECS endpoint the ECS SDK would pick, for every region it maps and for the regional rule', () => {
    const sdk = (regionId: string): Ecs => new Ecs(new $OpenApiUtil.Config({ regionId, accessKeyId: 'x', accessKeySecret: 'y' }));
    const mapped = Object.keys(sdk('cn-hangzhou')._endpointMap);
    expect(mapped.length).toBeGreaterThan(10);
    for (const region of [...mapped, 'cn-shanghai', 'cn-beijing', 'ap-southeast-1', 'eu-central-1', 'us-west-1']) {
      expect(defaultEcsEndpoint(region), region).toEqual({ protocol: 'HTTPS', host: sdk(region)._endpoint });
    }
  });
});
