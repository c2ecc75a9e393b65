import { describe, expect, it } from 'vitest';
import { CloudError } from '../../../src/alibaba/cloud-error.js';
import { explain, type SignInContext } from '../../../src/sign-in/explain.js';
import { SecretRegistry } from '../../../src/lib/secrets.js';

const KEYS: SignInContext = { way: 'keys', source: 'inputs access-key-id, access-key-secret', accessKeyId: 'LTAI5tABCDEF' };
const OIDC: SignInContext = {
  way: 'oidc',
  source: 'GitHub OIDC (role-to-assume)',
  accessKeyId: 'STS.NTxyz',
  audience: 'sts.aliyuncs.com',
  roleArn: 'acs:ram::1:role/r',
  oidcProviderArn: 'acs:ram::1:oidc-provider/github',
};

function cloud(operation: string, code: string, status?: number, detail?: Record<string, unknown>): CloudError {
  return new CloudError(operation, code, 'message from the API', status, 'REQ-1', detail);
}

describe('explain', () => {
  it.each([
    ['InvalidAccessKeyId.NotFound', 404, /does not know the access key LTAI\*{4} \(from inputs/],
    ['SignatureDoesNotMatch', 400, /secret .* does not match the access key ID/],
    ['InvalidSecurityToken.Expired', 400, /security token .* has expired/],
    ['InvalidSecurityToken.Mismatch', 400, /does not go with the access key/],
    ['Forbidden.AccessKeyDisabled', 403, /disabled/],
  ])('%s on an OOS call', (code, status, expected) => {
    const text = explain(cloud('StartExecution', code, status), KEYS);
    expect(text).toMatch(expected);
    expect(text).toContain(code);
    expect(text).toContain('REQ-1');
    expect(text).not.toContain('LTAI5tABCDEF');
  });

  it('an expired token after an OIDC sign-in points at role-duration-seconds', () => {
    expect(explain(cloud('ListExecutions', 'InvalidSecurityToken.Expired', 400), OIDC)).toContain('role-duration-seconds');
  });

  it.each([
    ['Forbidden.RAM', 403, undefined, 'oos:StartExecution'],
    ['NoPermission', 403, undefined, 'oos:StartExecution'],
    ['AccessDenied', 400, undefined, 'oos:StartExecution'],
    ['SomethingNew', 403, undefined, 'oos:StartExecution'],
    ['Forbidden.RAM', 403, { AuthAction: 'oos:StartExecution', NoPermissionType: 'ImplicitDeny' }, 'oos:StartExecution'],
    ['Forbidden', 403, { AuthAction: 'ram:PassRole' }, 'ram:PassRole'],
  ])('a RAM denial (%s, HTTP %s) names the RAM action and the README policy', (code, status, detail, action) => {
    const text = explain(cloud('StartExecution', code, status, detail), KEYS);
    expect(text).toContain(`grant ${action}`);
    expect(text).toContain("'RAM policy'");
  });

  it.each(['DescribeInstances', 'ListTagResources'])('names the ECS action for an ECS call (%s)', (operation) => {
    expect(explain(cloud(operation, 'Forbidden.RAM', 403), KEYS)).toContain(`grant ecs:${operation};`);
  });

  it.each([
    [
      'AuthenticationFail.OIDCToken.Invalid',
      400,
      /audience \(sts\.aliyuncs\.com\) is a client ID of the OIDC provider acs:ram::1:oidc-provider\/github/,
    ],
    ['AuthenticationFail.OIDCToken.Expired', 400, /has expired/],
    ['EntityNotExist.Role', 404, /no RAM role acs:ram::1:role\/r .*role-to-assume/],
    ['EntityNotExist.OIDCProvider', 404, /no OIDC provider .*oidc-provider-arn/],
    ['NoPermission', 403, /trust policy .*oidc:sub/],
  ])('STS %s', (code, status, expected) => {
    expect(explain(cloud('AssumeRoleWithOIDC', code, status), OIDC)).toMatch(expected);
  });

  it.each(['There is no permission.', 'No such OIDC Provider registered.'])(
    'STS AuthenticationFail.NoPermission (HTTP 401) names both its causes, with STS saying which: %s',
    (message) => {
      const err = new CloudError('AssumeRoleWithOIDC', 'AuthenticationFail.NoPermission', message, 401, 'REQ-1');
      const text = explain(err, OIDC);
      expect(text).toContain(`(AuthenticationFail.NoPermission, request ID REQ-1: ${message})`);
      expect(text).toMatch(/no OIDC provider acs:ram::1:oidc-provider\/github is registered .*check oidc-provider-arn/);
      expect(text).toMatch(/trust policy does not admit this token .*oidc:sub/);
    },
  );

  it('keeps the message of an error it does not know', () => {
    expect(explain(cloud('StartExecution', 'Throttling.User', 400), KEYS)).toContain('Throttling.User');
    expect(explain(new Error('boom'))).toBe('boom');
  });
});

describe('SecretRegistry', () => {
  it('masks each value once, as given and trimmed, and scrubs them from text', () => {
    const masked: string[] = [];
    const registry = new SecretRegistry((v) => masked.push(v));
    registry.protect(' secret-one\n');
    registry.protect('secret-one');
    registry.protect(undefined);
    registry.protect('');
    registry.protect('secret-one-longer');
    expect(masked).toEqual([' secret-one\n', 'secret-one', 'secret-one-longer']);
    expect(registry.scrub('a secret-one-longer b secret-one c')).toBe('a *** b *** c');
  });

  it('does not scrub very short values (they would garble every message)', () => {
    const registry = new SecretRegistry(() => undefined);
    registry.protect('ab');
    expect(registry.scrub('abc')).toBe('abc');
  });
});
