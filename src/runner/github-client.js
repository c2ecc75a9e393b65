// The REST client of @actions/github (the official toolkit's Octokit), re-exported from plain JavaScript so that the
// type check never loads Octokit's typings (about 300,000 lines of generated OpenAPI types, more than half of all the
// declarations `npm test` type-checks). github-client.d.ts declares the part of it the action calls; every answer is
// `unknown` there, and the GitHub edges parse what they read (approval/github.ts, pr-comment/github.ts). The unit tests
// of both edges run this real client against the GitHub fake, so a declaration that stopped matching would fail them.
export { getOctokit } from '@actions/github';
