/** The action's own RPC caller (src/alibaba/rpc.ts: the real SDK, ACS3-signed) for OOS calls to an emulator. */
import { toCredential } from '../../src/alibaba/credential.js';
import { createRpcCaller, type RpcCall } from '../../src/alibaba/rpc.js';
import { DEFAULT_CREDENTIALS, type Emulator } from '../emulator/index.js';

/** OOS's API version, as src/alibaba/oos/client.ts sends it. */
const OOS_VERSION = '2019-06-01';

/** Calls OOS operations of `emulator` over HTTP with its default credentials. */
export function oosRpc(emulator: Emulator, region = 'cn-hangzhou'): RpcCall {
  return createRpcCaller({
    version: OOS_VERSION,
    region,
    endpoint: { protocol: 'HTTP', host: emulator.endpoint },
    credential: toCredential(DEFAULT_CREDENTIALS),
  });
}
