import { CloudError } from '../alibaba/cloud-error.js';
import { Inputs } from '../inputs/names.js';
import { maskKeyId } from './method.js';
import { ActionError, InputError } from '../lib/errors.js';
import { ASSUME_ROLE_WITH_OIDC, RENEW_MARGIN_MS } from '../alibaba/sts-oidc.js';

/** How the action signed in, as far as an error message may say it (no secret values). */
export interface SignInContext {
  way: 'oidc' | 'keys';
  /** The inputs or variables the credentials came from. */
  source: string;
  accessKeyId?: string;
  audience?: string;
  roleArn?: string;
  oidcProviderArn?: string;
}

const POLICY_POINTER = "the action's README, section 'RAM policy', lists every permission it needs";

/** RAM action of each API call the action makes, by product. */
const RAM_PRODUCT: Readonly<Record<string, string>> = {
  StartExecution: 'oos',
  ListExecutions: 'oos',
  CancelExecution: 'oos',
  ListTaskExecutions: 'oos',
  ListExecutionLogs: 'oos',
  ListInstancePatchStates: 'oos',
  ListInstancePatches: 'oos',
  DescribeInstances: 'ecs',
  DescribeCloudAssistantStatus: 'ecs',
  DescribeSnapshots: 'ecs',
  ListTagResources: 'ecs',
};

/**
 * The one line a user reads when the action fails: for the errors users meet, what to change.
 * Mapped by error code, never by message text; anything unknown keeps its own message.
 */
export function explain(err: unknown, who?: SignInContext): string {
  if (err instanceof InputError || err instanceof ActionError) return err.message;
  if (err instanceof CloudError) return explainCloud(err, who) ?? err.message;
  if (err instanceof Error) return err.message;
  return String(err);
}

function explainCloud(err: CloudError, who: SignInContext | undefined): string | undefined {
  const code = err.code;
  const ref = `${code}${err.requestId ? `, request ID ${err.requestId}` : ''}`;
  const from = who ? ` (from ${who.source})` : '';
  if (err.operation === ASSUME_ROLE_WITH_OIDC) return explainSts(err, ref, who);

  if (code === 'InvalidAccessKeyId.NotFound' || code === 'InvalidAccessKeyId') {
    const key = who?.accessKeyId ? ` ${maskKeyId(who.accessKeyId)}` : '';
    return `Alibaba Cloud does not know the access key${key}${from} (${ref}): check the key ID, and that the key was not deleted in RAM.`;
  }
  if (code === 'InvalidAccessKeyId.Inactive' || code === 'Forbidden.AccessKeyDisabled') {
    return `The access key${from} is disabled in RAM (${ref}): enable it, or use another key.`;
  }
  if (code === 'SignatureDoesNotMatch' || code === 'IncompleteSignature') {
    return `The access key secret${from} does not match the access key ID (${ref}): check that the secret belongs to this key and was copied whole.`;
  }
  if (code === 'InvalidSecurityToken.Expired') {
    return who?.way === 'oidc'
      ? `STS refused the temporary credentials as expired (${ref}), although the action renews them ${RENEW_MARGIN_MS / 60_000} minutes ahead: check the runner's clock, or raise ${Inputs.RoleDurationSeconds}.`
      : `The STS security token${from} has expired (${ref}): issue a fresh one for this run, or sign in with GitHub OIDC (${Inputs.RoleToAssume}), which does it for you.`;
  }
  if (code.startsWith('InvalidSecurityToken')) {
    return `The security token${from} does not go with the access key (${ref}): pass the token issued together with this key pair, or none for a permanent key.`;
  }
  if (isAccessDenied(err)) {
    const action = deniedAction(err);
    return `RAM denied ${action} to the identity the action signed in as${from} (${ref}): grant ${action}; ${POLICY_POINTER}.`;
  }
  return undefined;
}

function explainSts(err: CloudError, ref: string, who: SignInContext | undefined): string {
  const code = err.code;
  const audience = who?.audience ? ` (${who.audience})` : '';
  if (code === 'AuthenticationFail.OIDCToken.Expired') {
    return `STS says the GitHub OIDC token has expired (${ref}): check the runner's clock, and re-run the job.`;
  }
  if (code.startsWith('AuthenticationFail.OIDCToken')) {
    return (
      `STS rejected the GitHub OIDC token (${ref}: ${err.detail}): check that ${Inputs.Audience}${audience} is a client ID of the OIDC provider ` +
      `${who?.oidcProviderArn ?? `in ${Inputs.OidcProviderArn}`}, and that the provider's issuer URL is https://token.actions.githubusercontent.com with a current fingerprint.`
    );
  }
  if (code === STS_NO_PERMISSION) {
    // STS gives this one code (HTTP 401) for two causes ("There is no permission", "No such OIDC Provider
    // registered"); the code decides, so the line names both, and STS's own message says which it was.
    return (
      `STS refused to let this workflow assume ${who?.roleArn ?? `the role in ${Inputs.RoleToAssume}`} (${ref}: ${err.detail}). ` +
      `STS says this when no OIDC provider ${who?.oidcProviderArn ?? ''} is registered in the account (check ${Inputs.OidcProviderArn}), ` +
      `and when the role's trust policy does not admit this token (it must name the OIDC provider, and its oidc:aud / oidc:sub conditions must match; ` +
      `see the README, section 'Authentication').`
    );
  }
  if (code.startsWith('EntityNotExist.Role')) {
    return `STS found no RAM role ${who?.roleArn ?? ''} (${ref}): check ${Inputs.RoleToAssume}.`;
  }
  if (code.startsWith('EntityNotExist.OIDCProvider') || code.startsWith('EntityNotExist.Provider')) {
    return `STS found no OIDC provider ${who?.oidcProviderArn ?? ''} (${ref}): check ${Inputs.OidcProviderArn}.`;
  }
  if (isAccessDenied(err)) {
    return (
      `STS would not let this workflow assume ${who?.roleArn ?? `the role in ${Inputs.RoleToAssume}`} (${ref}): the role's trust policy must name the OIDC provider ` +
      `and its oidc:aud / oidc:sub conditions must match this token (sub looks like repo:<owner>/<repo>:ref:refs/heads/<branch> or repo:<owner>/<repo>:environment:<name>); see the README, section 'Authentication'.`
    );
  }
  if (code.startsWith('InvalidParameter') && /DurationSeconds/i.test(err.detail)) {
    return `STS refused ${Inputs.RoleDurationSeconds} (${ref}: ${err.detail}): use at most the role's maximum session duration.`;
  }
  return `Could not sign in with GitHub OIDC: ${err.message}`;
}

/** STS's code for both a missing OIDC provider and a trust policy that does not admit the token (STS error codes). */
const STS_NO_PERMISSION = 'AuthenticationFail.NoPermission';

const DENIED_CODE = /^(Forbidden|NoPermission|AccessDenied)/;

/** RAM denial codes are not documented for OOS: accept the families Alibaba uses, and any 403. */
export function isAccessDenied(err: CloudError): boolean {
  return DENIED_CODE.test(err.code) || err.statusCode === 403 || err.accessDeniedDetail !== undefined;
}

function deniedAction(err: CloudError): string {
  const fromRam = err.accessDeniedDetail?.AuthAction;
  if (typeof fromRam === 'string' && fromRam !== '') return fromRam;
  const product = RAM_PRODUCT[err.operation];
  return product ? `${product}:${err.operation}` : err.operation;
}
