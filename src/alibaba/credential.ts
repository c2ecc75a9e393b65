import AlibabaCredential, { Config } from '@alicloud/credentials';
import { defaultExport } from './interop.js';

/** The SDK's credential object, as the rest of the action passes it around (only src/alibaba/ imports the SDK). */
export type Credential = AlibabaCredential;

/** Static keys, optionally with an STS security token. Values are secrets except the key ID. */
export interface AccessKeys {
  accessKeyId: string;
  accessKeySecret: string;
  securityToken?: string;
}

/** The SDK credential object for a set of keys. */
export function toCredential(keys: AccessKeys): Credential {
  const config = keys.securityToken
    ? new Config({ type: 'sts', accessKeyId: keys.accessKeyId, accessKeySecret: keys.accessKeySecret, securityToken: keys.securityToken })
    : new Config({ type: 'access_key', accessKeyId: keys.accessKeyId, accessKeySecret: keys.accessKeySecret });
  return new (defaultExport(AlibabaCredential))(config);
}
