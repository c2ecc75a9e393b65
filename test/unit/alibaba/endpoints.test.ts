import { describe, expect, it } from 'vitest';
import { defaultOosEndpoint, parseEndpoint } from '../../../src/alibaba/endpoints.js';

// defaultEcsEndpoint is checked against the ECS SDK's own choice in test/emulator/ecs.test.ts, the one test file that
// loads that SDK (1,000+ modules, about 1.4 s of CPU per vitest worker that loads it).

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
});
