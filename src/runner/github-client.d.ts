/**
 * The slice of @actions/github's Octokit that the action calls (github-client.js says why it is declared here). Route
 * parameters as GitHub's REST API names them; `request.signal` ends one request. Answers are `unknown`: GitHub's
 * answers are parsed by the edge that reads them, never trusted by their declared type.
 */
export interface RequestOptions {
  request?: { signal?: AbortSignal };
}

export interface Answer {
  status: number;
  data: unknown;
}

interface Repo {
  owner: string;
  repo: string;
}

export interface GithubRest {
  rest: {
    repos: { getEnvironment(params: Repo & RequestOptions & { environment_name: string }): Promise<Answer> };
    actions: {
      getReviewsForRun(params: Repo & RequestOptions & { run_id: number }): Promise<Answer>;
      getJobForWorkflowRun(params: Repo & RequestOptions & { job_id: number }): Promise<Answer>;
    };
    checks: { get(params: Repo & RequestOptions & { check_run_id: number }): Promise<Answer> };
    issues: {
      listComments(params: Repo & RequestOptions & { issue_number: number; per_page?: number; page?: number }): Promise<Answer>;
      createComment(params: Repo & RequestOptions & { issue_number: number; body: string }): Promise<Answer>;
      updateComment(params: Repo & RequestOptions & { comment_id: number; body: string }): Promise<Answer>;
    };
    users: { getAuthenticated(params?: RequestOptions): Promise<Answer> };
  };
}

/** @actions/github's getOctokit: `baseUrl` absent means GITHUB_API_URL. */
export declare function getOctokit(token: string, options?: { baseUrl?: string }): GithubRest;
