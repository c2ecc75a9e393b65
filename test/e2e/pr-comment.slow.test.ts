/**
 * comment-on-pr end to end (pr-comment-fixtures.ts), the scenario of `npm run test:slow`: a matrix of two regions in one
 * pull request keeps a comment each (two runs of dist/). In process, `npm test` covers it: the marker differs by region
 * (test/unit/pr-comment/comment.test.ts "commentMarker > differs by region, action, job, workflow and target source, so
 * two steps keep a comment each"), a comment is found by its marker and updated, others left alone (comment.test.ts
 * "upsertComment", test/unit/pr-comment/github.test.ts with the real octokit), and the phase comments on a pull request
 * (test/unit/pr-comment/phase.test.ts); end to end, pr-comment.test.ts posts a comment and updates it on the next run.
 */
import { describe, expect, it } from 'vitest';
import { runAgainst } from './fixtures.js';
import { emulator, github, inputs, MARKER, PR, pullRequestEnv, pullRequestHooks } from './pr-comment-fixtures.js';

pullRequestHooks();

describe('comment-on-pr', () => {
  it('keeps one comment per region (a matrix in one pull request)', async () => {
    await runAgainst(emulator, inputs(), { env: pullRequestEnv });
    await runAgainst(emulator, inputs({ region: 'cn-shanghai' }), { env: pullRequestEnv });
    const regions = github.comments(PR).map((c) => MARKER.exec(c.body)?.[1]);
    expect(regions).toEqual(['cn-hangzhou', 'cn-shanghai']);
  });
});
