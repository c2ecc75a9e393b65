/**
 * THIRD-PARTY names every package bundled into dist/ with its licence: it is what `npm run build` makes of the
 * licences ncc collected (dist/licenses.txt), and it covers every package the bundle itself names and every runtime
 * dependency. Reads files only.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  listedPackages,
  packagesNamedInBundle,
  parseNccLicences,
  PERMISSIVE_LICENCES,
  renderThirdParty,
} from '../../scripts/lib/third-party.js';
import { ROOT } from '../e2e/harness.js';

const read = (path: string): string => readFileSync(join(ROOT, path), 'utf8');
const STALE = 'THIRD-PARTY is stale: run npm run build and commit THIRD-PARTY';

describe('THIRD-PARTY', () => {
  const nccLicences = read('dist/licenses.txt');
  const entries = parseNccLicences(nccLicences);
  const thirdParty = read('THIRD-PARTY');
  const listed = listedPackages(thirdParty);

  it('is what the build makes of the licences ncc collected while bundling dist/', () => {
    expect(thirdParty === renderThirdParty(entries), STALE).toBe(true);
  });

  it("reads every entry of ncc's list, in ncc's order, each once", () => {
    const names = entries.map((e) => e.name);
    expect(names.length).toBeGreaterThan(0);
    expect(names).toEqual([...new Set(names)].sort());
    // Nothing of the file is lost between the entries (blank lines aside).
    const back = entries.map((e) => [e.name, e.licence, e.text].join('\n')).join('\n');
    expect(back.replace(/\n+/g, '\n')).toBe(nccLicences.trimEnd().replace(/\n+/g, '\n'));
  });

  it('lists every package of dist/licenses.txt, with its licence', () => {
    expect([...listed]).toEqual(entries.map((e) => [e.name, e.licence]));
  });

  it('lists every package the bundle names by path', () => {
    const named = packagesNamedInBundle(read('dist/index.js'));
    // The bundle does name packages (webpack keeps the paths of the ES modules it concatenates): an empty list here
    // would make the check below vacuous.
    expect(named).toContain('@actions/core');
    expect(
      named.filter((name) => !listed.has(name)),
      STALE,
    ).toEqual([]);
  });

  it('lists every runtime dependency in package.json', () => {
    const pkg = JSON.parse(read('package.json')) as { dependencies: Record<string, string> };
    const dependencies = Object.keys(pkg.dependencies);
    expect(dependencies.length).toBeGreaterThan(0);
    expect(
      dependencies.filter((name) => !listed.has(name)),
      STALE,
    ).toEqual([]);
  });

  it('names only permissive licences (another licence needs a decision before it ships)', () => {
    const others = [...listed].filter(([, licence]) => !PERMISSIVE_LICENCES.includes(licence));
    expect(others).toEqual([]);
  });
});

describe('the licence list helpers', () => {
  const ncc = [
    '@scope/a',
    'MIT',
    'The MIT License',
    '',
    'Copyright 2020 A',
    '',
    'b-pkg',
    'ISC',
    '',
    'c',
    'Apache-2.0',
    'Apache text',
    'documentation.',
    '',
  ].join('\n');

  it('splits entries at a package name after a blank line, licence texts with blank lines included', () => {
    expect(parseNccLicences(ncc)).toEqual([
      { name: '@scope/a', licence: 'MIT', text: 'The MIT License\n\nCopyright 2020 A' },
      { name: 'b-pkg', licence: 'ISC', text: '' },
      { name: 'c', licence: 'Apache-2.0', text: 'Apache text\ndocumentation.' },
    ]);
  });

  it('reads back the list it renders, and says when a package ships no text', () => {
    const rendered = renderThirdParty(parseNccLicences(ncc));
    expect([...listedPackages(rendered)]).toEqual([
      ['@scope/a', 'MIT'],
      ['b-pkg', 'ISC'],
      ['c', 'Apache-2.0'],
    ]);
    expect(rendered).toContain('b-pkg ships no licence text');
    // A list that lost a package is seen to: the check above compares the whole list.
    expect(listedPackages(rendered.replace(/^ {2}b-pkg .*\n/m, '')).has('b-pkg')).toBe(false);
  });

  it('finds the packages a bundle names by path, nested ones included', () => {
    const bundle = [
      ';// CONCATENATED MODULE: ./node_modules/@octokit/core/dist-src/index.js',
      '// ./node_modules/@actions/github/node_modules/@actions/http-client/lib/index.js',
      '/* node_modules/tunnel/index.js */',
    ].join('\n');
    expect(packagesNamedInBundle(bundle)).toEqual(['@actions/github', '@actions/http-client', '@octokit/core', 'tunnel']);
  });
});
