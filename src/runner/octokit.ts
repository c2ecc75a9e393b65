import type { Clock } from '../lib/clock.js';
import { getOctokit, type GithubRest } from './github-client.js';

/** The REST client of @actions/github, as the GitHub edges (approvals, pull request comments) take it. */
export type Octokit = GithubRest;

/** The one place an Octokit is made. `baseUrl` absent: GITHUB_API_URL, as @actions/github reads it (GHES too). */
export function createOctokit(token: string, baseUrl?: string): Octokit {
  return getOctokit(token, baseUrl ? { baseUrl } : {});
}

/** What a GitHub edge is built from: the client, the repository, and how it retries. */
export interface GithubEdgeOptions {
  octokit: Octokit;
  /** owner/repo */
  repository: string;
  /** Attempts per request for a transient failure; default: the edge's policy. */
  attempts?: number;
  /** Upper bound of the first backoff; it doubles each attempt, with full jitter. Default: the edge's policy. */
  baseDelayMs?: number;
  /** Sleeps between attempts; default: the system clock. */
  clock?: Clock;
  /** Uniform in [0, 1): the jitter; default Math.random. */
  random?: () => number;
  /** A retry, as one line for the log. */
  onRetry?: (message: string) => void;
  /** The signal that ends one request (passed to octokit as `request.signal`); default: aborts after the edge's timeout. */
  timeoutSignal?: (ms: number) => AbortSignal;
}
