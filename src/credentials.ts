import Credential, { Config } from '@alicloud/credentials';
import { ActionError } from './errors.js';

/** Static keys, optionally with an STS security token. Values are secrets except the key ID. */
export interface AccessKeys {
  accessKeyId: string;
  accessKeySecret: string;
  securityToken?: string;
}

export interface ResolvedCredentials {
  keys: AccessKeys;
  /** Where the keys came from, for the log; never a value. */
  source: string;
}

/**
 * Keys from the environment, as aliyun/configure-aliyun-credentials-action exports them. Built explicitly:
 * the SDK's default chain would end in a slow instance-metadata probe on a hosted runner.
 */
export function credentialsFromEnv(env: NodeJS.ProcessEnv): ResolvedCredentials {
  const accessKeyId = env.ALIBABA_CLOUD_ACCESS_KEY_ID?.trim() ?? '';
  const accessKeySecret = env.ALIBABA_CLOUD_ACCESS_KEY_SECRET?.trim() ?? '';
  const securityToken = env.ALIBABA_CLOUD_SECURITY_TOKEN?.trim() ?? '';
  if (accessKeyId === '' || accessKeySecret === '') {
    throw new ActionError(
      'No Alibaba Cloud credentials: set ALIBABA_CLOUD_ACCESS_KEY_ID and ALIBABA_CLOUD_ACCESS_KEY_SECRET ' +
        '(for example with aliyun/configure-aliyun-credentials-action, or from secrets in the step env).',
    );
  }
  const keys: AccessKeys = { accessKeyId, accessKeySecret };
  if (securityToken !== '') keys.securityToken = securityToken;
  return { keys, source: securityToken ? 'environment (STS token)' : 'environment (access key)' };
}

/** The SDK credential object for a set of keys. */
export function toCredential(keys: AccessKeys): Credential {
  const config = keys.securityToken
    ? new Config({ type: 'sts', accessKeyId: keys.accessKeyId, accessKeySecret: keys.accessKeySecret, securityToken: keys.securityToken })
    : new Config({ type: 'access_key', accessKeyId: keys.accessKeyId, accessKeySecret: keys.accessKeySecret });
  return new Credential(config);
}

/** The key ID as it may be shown: the first 4 characters. */
export function maskKeyId(accessKeyId: string): string {
  return `${accessKeyId.slice(0, 4)}****`;
}

/** Every value that must never be printed. */
export function secretValues(keys: AccessKeys): string[] {
  return [keys.accessKeySecret, ...(keys.securityToken ? [keys.securityToken] : [])];
}
