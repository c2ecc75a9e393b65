import type { Lookup, Problem } from './types.js';

/**
 * What to tell the user when the gate refuses: the YAML to add and the permission each endpoint needs.
 * Pure text; the decision module picks which piece applies.
 */

export const Permission = {
  Actions: 'actions: read',
  Checks: 'checks: read',
  IdToken: 'id-token: write',
} as const;
export type Permission = (typeof Permission)[keyof typeof Permission];

/** A job that sets `permissions:` loses every permission it does not list, so the block lists all of them. */
export const PERMISSIONS_BLOCK = [
  'permissions:',
  '  contents: read',
  "  actions: read    # read the environment and this run's approvals",
  "  checks: read     # read this job's check run (check-run-id)",
  "  id-token: write  # this job's OIDC token names its environment",
].join('\n');

/** The environment name as a YAML scalar: quoted unless it is plainly safe. */
export function yamlName(name: string): string {
  return /^[A-Za-z0-9][A-Za-z0-9_.-]*$/.test(name) ? name : JSON.stringify(name);
}

/** The job YAML that makes the environment gate this job and gives the token what the gate reads. */
export function jobSnippet(environment: string): string {
  const indent = (text: string, n: number): string => text.replace(/^/gm, ' '.repeat(n));
  return [
    'jobs:',
    '  patch:',
    `    environment: ${yamlName(environment)}`,
    indent(PERMISSIONS_BLOCK, 4),
    '    steps:',
    '      - uses: <this action>',
    '        with:',
    '          action: install',
    `          approval-environment: ${yamlName(environment)}`,
  ].join('\n');
}

export function showBlock(text: string): string {
  return `\n\n${text}\n`;
}

/** Why a lookup failed and what to do about it; `what` names the endpoint as `GET /repos/...`. */
export function lookupAdvice(what: string, permission: Permission, failure: Extract<Lookup<unknown>, { ok: false }>): string {
  const status = failure.status === undefined ? '' : ` returned ${failure.status}`;
  const head = `${what}${status}: ${failure.detail}.`;
  const byProblem: Record<Problem, string> = {
    unauthorized: `${head} The github-token input is not a valid token; leave it at its default, \${{ github.token }}.`,
    forbidden: `${head} The job's token needs \`${permission}\`. Add to the job:${showBlock(PERMISSIONS_BLOCK)}`,
    'not-found': `${head} Either it does not exist or the job's token cannot see it: the token needs \`${permission}\`. Add to the job:${showBlock(PERMISSIONS_BLOCK)}`,
    'rate-limited': `${head} The GitHub API rate limit is exhausted, so the approval cannot be verified; re-run the job after the limit resets.`,
    unavailable: `${head} The GitHub API is failing or unreachable, so the approval cannot be verified; re-run the job when it is reachable.`,
    malformed: `${head} The response is not what the GitHub API documents, so the approval cannot be verified.`,
  };
  return byProblem[failure.problem];
}

export const REFUSED = 'No install: ';
