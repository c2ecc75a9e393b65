/**
 * A local stand-in for the GitHub REST endpoints the action calls, reached through GITHUB_API_URL by the
 * action's real octokit: what the install gate reads (an environment, a workflow run's approvals, a check run)
 * and a pull request's issue comments (list with Link paging, create, update) for comment-on-pr. Payloads
 * follow GitHub's OpenAPI description; failures (401/403/404/5xx, rate limits) are configurable per route;
 * requests are recorded.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export type Route = 'environment' | 'approvals' | 'check-run' | 'job' | 'issue-comments' | 'issue-comment' | 'user';

/** An issue comment as the fake stores it. */
export interface CommentRecord {
  id: number;
  body: string;
  user: string;
  createdAt: string;
  updatedAt: string;
}

/** A user login, or a team by slug. */
export type ReviewerSpec = string | { team: string };

export interface EnvironmentSpec {
  /** The required_reviewers rule; absent: the environment has no such rule. */
  reviewers?: ReviewerSpec[];
  /** Adds a wait_timer rule (minutes). */
  waitTimer?: number;
  /** Adds a branch_policy rule. */
  branchPolicy?: boolean;
}

export interface ReviewSpec {
  user: string;
  state: 'approved' | 'rejected' | 'pending';
  environments: string[];
  comment?: string;
}

export interface CheckRunSpec {
  /** deployment.environment; absent: the check run has no deployment. */
  environment?: string;
}

/** A workflow job (GET /repos/{o}/{r}/actions/jobs/{id}; its ID is its check run's ID). */
export interface JobSpec {
  runId: number;
  runAttempt: number;
}

export interface GithubFakeOptions {
  repository?: string;
  /**
   * Whose token the fake accepts: absent, a workflow's GITHUB_TOKEN (comments by github-actions[bot], GET /user
   * refused with 403 as for any installation token); a login, a personal token of that user.
   */
  tokenUser?: string;
  /** Jobs by ID. */
  jobs?: Record<string, JobSpec>;
  environments?: Record<string, EnvironmentSpec>;
  /** Reviews per workflow run ID. */
  reviews?: Record<string, ReviewSpec[]>;
  checkRuns?: Record<string, CheckRunSpec>;
}

export interface RecordedRequest {
  method: string;
  path: string;
  route: Route | undefined;
  authorization: string | undefined;
  status: number;
  /** Date.now() when the request arrived (npm run bench measures the time to the first request). */
  time: number;
}

export interface FailureSpec {
  status: number;
  /** How many requests fail; default every one. */
  times?: number;
  /** Only requests with this method fail (a route such as issue-comments serves GET and POST). */
  method?: string;
  body?: unknown;
  headers?: Record<string, string>;
  /** Never answer (the connection stays open until the client gives up). */
  hold?: boolean;
}

export interface GithubFake {
  /** GITHUB_API_URL */
  url: string;
  /** The only token the fake accepts (as `Authorization: token <it>`, what octokit sends). */
  token: string;
  repository: string;
  requests: RecordedRequest[];
  callsOf(route: Route): RecordedRequest[];
  failWith(route: Route, failure: FailureSpec): void;
  setEnvironment(name: string, spec: EnvironmentSpec | undefined): void;
  setReviews(runId: string, reviews: ReviewSpec[]): void;
  setCheckRun(id: string, spec: CheckRunSpec | undefined): void;
  setJob(id: string, spec: JobSpec | undefined): void;
  /** Requests the fake holds without answering (FailureSpec.hold), so far. */
  readonly held: number;
  /** Resolves when the fake next holds a request without answering. */
  whenHeld(): Promise<void>;
  /** The comments of a pull request (an issue), oldest first. */
  comments(pr: number): CommentRecord[];
  /** Adds a comment as if someone had written it; returns its ID. */
  addComment(pr: number, body: string, user?: string): number;
  close(): Promise<void>;
}

/** The login GitHub shows for comments made with a workflow's GITHUB_TOKEN. */
export const ACTIONS_BOT = 'github-actions[bot]';

const ROUTES: [Route, RegExp][] = [
  ['environment', /^\/repos\/([^/]+\/[^/]+)\/environments\/([^/]+)$/],
  ['approvals', /^\/repos\/([^/]+\/[^/]+)\/actions\/runs\/(\d+)\/approvals$/],
  ['check-run', /^\/repos\/([^/]+\/[^/]+)\/check-runs\/(\d+)$/],
  ['job', /^\/repos\/([^/]+\/[^/]+)\/actions\/jobs\/(\d+)$/],
  ['user', /^\/user()()$/],
  ['issue-comments', /^\/repos\/([^/]+\/[^/]+)\/issues\/(\d+)\/comments$/],
  ['issue-comment', /^\/repos\/([^/]+\/[^/]+)\/issues\/comments\/(\d+)$/],
];

const METHODS: Record<Route, readonly string[]> = {
  environment: ['GET'],
  approvals: ['GET'],
  'check-run': ['GET'],
  job: ['GET'],
  user: ['GET'],
  'issue-comments': ['GET', 'POST'],
  'issue-comment': ['PATCH'],
};

export async function startGithubFake(options: GithubFakeOptions = {}): Promise<GithubFake> {
  const repository = options.repository ?? 'octo-org/patching';
  const token = `ghs_fake${randomUUID().replace(/-/g, '')}`;
  const environments = new Map(Object.entries(options.environments ?? {}));
  const reviews = new Map(Object.entries(options.reviews ?? {}));
  const checkRuns = new Map(Object.entries(options.checkRuns ?? {}));
  const jobs = new Map(Object.entries(options.jobs ?? {}));
  const author = options.tokenUser ?? ACTIONS_BOT;
  let held = 0;
  let onHeld: Array<() => void> = [];
  const failures = new Map<Route, FailureSpec>();
  const requests: RecordedRequest[] = [];
  const comments = new Map<number, CommentRecord[]>();
  let nextCommentId = 9_000_001;
  let url = '';

  function addComment(pr: number, body: string, login = ACTIONS_BOT): number {
    const at = new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
    const record: CommentRecord = { id: nextCommentId++, body, user: login, createdAt: at, updatedAt: at };
    comments.set(pr, [...(comments.get(pr) ?? []), record]);
    return record.id;
  }

  function respond(
    req: IncomingMessage,
    rawBody: string,
  ): { status: number; body: unknown; headers?: Record<string, string>; route?: Route; hold?: boolean } {
    const requestUrl = new URL(req.url ?? '/', 'http://localhost');
    const path = requestUrl.pathname;
    const match = ROUTES.map(([route, re]) => [route, re.exec(path)] as const).find(([, m]) => m);
    if (!match?.[1] || !METHODS[match[0]].includes(req.method ?? '')) return notFound();
    const [route, m] = match;
    const [, repo = '', key = ''] = m;
    if (req.headers.authorization !== `token ${token}`) {
      return { route, status: 401, body: { message: 'Bad credentials', documentation_url: 'https://docs.github.com/rest', status: '401' } };
    }
    const failure = failures.get(route);
    if (failure && (failure.method === undefined || failure.method === req.method)) {
      if (failure.times !== undefined && --failure.times <= 0) failures.delete(route);
      if (failure.hold) return { route, status: 0, body: undefined, hold: true };
      return {
        route,
        status: failure.status,
        body: failure.body ?? errorBody(failure.status),
        ...(failure.headers ? { headers: failure.headers } : {}),
      };
    }
    if (route === 'user') {
      if (options.tokenUser === undefined) {
        return { route, status: 403, body: { message: 'Resource not accessible by integration', status: '403' } };
      }
      return { route, status: 200, body: user(options.tokenUser) };
    }
    if (repo !== repository) return { route, ...notFound() };
    if (route === 'job') {
      const job = jobs.get(key);
      return job
        ? {
            route,
            status: 200,
            body: { id: Number(key), run_id: job.runId, run_attempt: job.runAttempt, status: 'in_progress', name: 'patch' },
          }
        : { route, ...notFound() };
    }
    if (route === 'environment') {
      const name = decodeURIComponent(key);
      const found = [...environments.entries()].find(([n]) => n.toLowerCase() === name.toLowerCase());
      return found ? { route, status: 200, body: environmentBody(url, repository, found[0], found[1]) } : { route, ...notFound() };
    }
    if (route === 'approvals') {
      return { route, status: 200, body: (reviews.get(key) ?? []).map((r) => reviewBody(url, repository, r)) };
    }
    if (route === 'issue-comments' || route === 'issue-comment')
      return { route, ...commentRoute(route, req.method ?? '', key, requestUrl, rawBody) };
    const run = checkRuns.get(key);
    return run ? { route, status: 200, body: checkRunBody(url, repository, Number(key), run) } : { route, ...notFound() };
  }

  function commentRoute(
    route: Route,
    method: string,
    key: string,
    requestUrl: URL,
    rawBody: string,
  ): { status: number; body: unknown; headers?: Record<string, string> } {
    if (route === 'issue-comments' && method === 'GET') {
      const pr = Number(key);
      const perPage = Math.min(100, Math.max(1, Number(requestUrl.searchParams.get('per_page') ?? '30') || 30));
      const page = Math.max(1, Number(requestUrl.searchParams.get('page') ?? '1') || 1);
      const all = comments.get(pr) ?? [];
      const items = all.slice((page - 1) * perPage, page * perPage).map((c) => commentBody(url, repository, pr, c));
      const last = Math.max(1, Math.ceil(all.length / perPage));
      const headers: Record<string, string> = {};
      if (page < last) {
        const link = (p: number): string => `${url}/repos/${repository}/issues/${pr}/comments?per_page=${perPage}&page=${p}`;
        headers.link = `<${link(page + 1)}>; rel="next", <${link(last)}>; rel="last"`;
      }
      return { status: 200, body: items, headers };
    }
    let text: unknown;
    try {
      text = (JSON.parse(rawBody) as { body?: unknown }).body;
    } catch {
      text = undefined;
    }
    if (typeof text !== 'string' || text === '') return { status: 422, body: { message: 'Validation Failed', status: '422' } };
    if (text.length > 65_536) {
      return {
        status: 422,
        body: {
          message: 'Validation Failed',
          errors: [{ code: 'custom', field: 'body', message: 'body is too long (maximum is 65536 characters)' }],
        },
      };
    }
    if (route === 'issue-comments') {
      const pr = Number(key);
      const id = addComment(pr, text, author);
      const created = (comments.get(pr) ?? []).find((c) => c.id === id);
      return { status: 201, body: created ? commentBody(url, repository, pr, created) : {} };
    }
    for (const [pr, list] of comments) {
      const found = list.find((c) => c.id === Number(key));
      if (!found) continue;
      found.body = text;
      found.updatedAt = new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
      return { status: 200, body: commentBody(url, repository, pr, found) };
    }
    return notFound();
  }

  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => reply(req, res, Buffer.concat(chunks).toString('utf8')));
  });

  function reply(req: IncomingMessage, res: ServerResponse, rawBody: string): void {
    const out = respond(req, rawBody);
    if (out.hold) {
      held += 1;
      const waiting = onHeld;
      onHeld = [];
      for (const resolve of waiting) resolve();
      requests.push({
        method: req.method ?? '',
        path: new URL(req.url ?? '/', 'http://localhost').pathname,
        route: out.route,
        authorization: req.headers.authorization,
        status: 0,
        time: Date.now(),
      });
      return;
    }
    requests.push({
      method: req.method ?? '',
      path: new URL(req.url ?? '/', 'http://localhost').pathname,
      route: out.route,
      authorization: req.headers.authorization,
      status: out.status,
      time: Date.now(),
    });
    res
      .writeHead(out.status, {
        'content-type': 'application/json; charset=utf-8',
        'x-ratelimit-limit': '1000',
        'x-ratelimit-remaining': '999',
        'x-github-api-version-selected': '2022-11-28',
        ...out.headers,
      })
      .end(JSON.stringify(out.body));
  }
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    url,
    token,
    repository,
    requests,
    callsOf: (route) => requests.filter((r) => r.route === route),
    failWith: (route, failure) => failures.set(route, { ...failure }),
    setEnvironment: (name, spec) => (spec ? environments.set(name, spec) : environments.delete(name)),
    setReviews: (runId, list) => reviews.set(runId, list),
    setCheckRun: (id, spec) => (spec ? checkRuns.set(id, spec) : checkRuns.delete(id)),
    setJob: (id, spec) => (spec ? jobs.set(id, spec) : jobs.delete(id)),
    get held() {
      return held;
    },
    whenHeld: () => new Promise<void>((resolve) => onHeld.push(resolve)),
    comments: (pr) => (comments.get(pr) ?? []).map((c) => ({ ...c })),
    addComment,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((err) => (err ? reject(err) : resolve()));
      }),
  };
}

function notFound(): { status: number; body: unknown } {
  return { status: 404, body: { message: 'Not Found', documentation_url: 'https://docs.github.com/rest', status: '404' } };
}

function errorBody(status: number): unknown {
  if (status === 403) {
    return { message: 'Resource not accessible by integration', documentation_url: 'https://docs.github.com/rest', status: '403' };
  }
  if (status >= 500) return { message: 'Server Error' };
  return { message: `Error ${status}`, status: String(status) };
}

function stableId(text: string): number {
  let h = 7;
  for (const c of text) h = (h * 31 + c.charCodeAt(0)) % 1_000_000_007;
  return h;
}

function user(login: string): Record<string, unknown> {
  const id = stableId(login);
  return { login, id, node_id: `U_${id}`, type: 'User', site_admin: false, html_url: `https://github.com/${login}` };
}

function environmentRef(api: string, repository: string, name: string): Record<string, unknown> {
  const id = stableId(name);
  return {
    id,
    node_id: `EN_${id}`,
    name,
    url: `${api}/repos/${repository}/environments/${encodeURIComponent(name)}`,
    html_url: `https://github.com/${repository}/deployments/activity_log?environments_filter=${encodeURIComponent(name)}`,
    created_at: '2026-01-05T09:00:00Z',
    updated_at: '2026-01-05T09:00:00Z',
  };
}

function environmentBody(api: string, repository: string, name: string, spec: EnvironmentSpec): Record<string, unknown> {
  const rules: Record<string, unknown>[] = [];
  let ruleId = stableId(`${name}/rules`);
  if (spec.waitTimer !== undefined) rules.push({ id: ++ruleId, node_id: `GA_${ruleId}`, type: 'wait_timer', wait_timer: spec.waitTimer });
  if (spec.reviewers) {
    rules.push({
      id: ++ruleId,
      node_id: `GA_${ruleId}`,
      prevent_self_review: false,
      type: 'required_reviewers',
      reviewers: spec.reviewers.map((r) =>
        typeof r === 'string'
          ? { type: 'User', reviewer: user(r) }
          : { type: 'Team', reviewer: { id: stableId(r.team), node_id: `T_${stableId(r.team)}`, slug: r.team, name: r.team } },
      ),
    });
  }
  if (spec.branchPolicy) rules.push({ id: ++ruleId, node_id: `GA_${ruleId}`, type: 'branch_policy' });
  return {
    ...environmentRef(api, repository, name),
    can_admins_bypass: true,
    protection_rules: rules,
    deployment_branch_policy: spec.branchPolicy ? { protected_branches: true, custom_branch_policies: false } : null,
  };
}

function reviewBody(api: string, repository: string, review: ReviewSpec): Record<string, unknown> {
  return {
    environments: review.environments.map((e) => environmentRef(api, repository, e)),
    state: review.state,
    comment: review.comment ?? '',
    user: user(review.user),
  };
}

function commentBody(api: string, repository: string, pr: number, c: CommentRecord): Record<string, unknown> {
  return {
    id: c.id,
    node_id: `IC_${c.id}`,
    url: `${api}/repos/${repository}/issues/comments/${c.id}`,
    html_url: `https://github.com/${repository}/pull/${pr}#issuecomment-${c.id}`,
    issue_url: `${api}/repos/${repository}/issues/${pr}`,
    body: c.body,
    user: { ...user(c.user), type: c.user.endsWith('[bot]') ? 'Bot' : 'User' },
    created_at: c.createdAt,
    updated_at: c.updatedAt,
    author_association: c.user.endsWith('[bot]') ? 'NONE' : 'MEMBER',
  };
}

function checkRunBody(api: string, repository: string, id: number, spec: CheckRunSpec): Record<string, unknown> {
  const body: Record<string, unknown> = {
    id,
    node_id: `CR_${id}`,
    head_sha: 'a84d88e7554fc1fa21bcbc4efae3c782a70d2b9d',
    external_id: '',
    url: `${api}/repos/${repository}/check-runs/${id}`,
    html_url: `https://github.com/${repository}/actions/runs/1001/job/${id}`,
    status: 'in_progress',
    conclusion: null,
    started_at: '2026-01-05T09:30:00Z',
    completed_at: null,
    name: 'patch',
    check_suite: { id: 5 },
    app: { id: 15368, slug: 'github-actions', name: 'GitHub Actions' },
    pull_requests: [],
  };
  if (spec.environment !== undefined) {
    const depId = stableId(`deployment/${id}`);
    body.deployment = {
      url: `${api}/repos/${repository}/deployments/${depId}`,
      id: depId,
      node_id: `DE_${depId}`,
      task: 'deploy',
      original_environment: spec.environment,
      environment: spec.environment,
      description: null,
      created_at: '2026-01-05T09:30:00Z',
      updated_at: '2026-01-05T09:30:00Z',
      statuses_url: `${api}/repos/${repository}/deployments/${depId}/statuses`,
      repository_url: `${api}/repos/${repository}`,
    };
  }
  return body;
}
