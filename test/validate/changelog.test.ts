/**
 * CHANGELOG.md has a section for the version in package.json, in Keep a Changelog form, and the release notes the
 * release workflow takes from it (scripts/release-notes.ts) are that section, or a clear refusal. Reads files only.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { changelogSection, changelogSections, majorTag, releaseNotes } from '../../scripts/lib/changelog.js';
import { ROOT } from '../e2e/harness.js';

const changelog = readFileSync(join(ROOT, 'CHANGELOG.md'), 'utf8');
const version = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;

/** The kinds of change Keep a Changelog names. */
const KINDS = ['Added', 'Changed', 'Deprecated', 'Removed', 'Fixed', 'Security'];

describe('CHANGELOG.md', () => {
  it(`has a section for the version in package.json`, () => {
    const section = changelogSection(changelog, version);
    expect(section, `CHANGELOG.md: add a "## [${version}] - YYYY-MM-DD" section (or "- Unreleased" until then)`).toBeDefined();
    expect(section?.body).not.toBe('');
    expect(section?.date).toMatch(/^(\d{4}-\d{2}-\d{2}|Unreleased)$/);
  });

  it('is in Keep a Changelog form: versions newest first, changes under the kinds it names', () => {
    expect(changelog.startsWith('# Changelog\n')).toBe(true);
    expect(changelog).toContain('https://keepachangelog.com/');
    const sections = changelogSections(changelog);
    const released = sections.filter((s) => s.version !== 'Unreleased').map((s) => s.version);
    const newestFirst = [...released].sort((a, b) => b.localeCompare(a, 'en', { numeric: true }));
    expect(released).toEqual(newestFirst);
    for (const s of sections) {
      // An empty Unreleased section is how a changelog looks right after a release.
      if (s.version === 'Unreleased' && s.body === '') continue;
      const kinds = [...s.body.matchAll(/^### (.+)$/gm)].map((m) => m[1]);
      expect(kinds.length, `## [${s.version}] has no ### Added / Changed / ... heading`).toBeGreaterThan(0);
      expect(
        kinds.filter((k) => !KINDS.includes(k ?? '')),
        `## [${s.version}]`,
      ).toEqual([]);
    }
  });
});

describe('release notes from the changelog', () => {
  const text = `# Changelog

## [Unreleased]

### Fixed

- Not yet.

## [1.2.0] - 2026-12-01

### Added

- A thing.

## [1.1.0] - Unreleased

### Added

- Another.

[1.2.0]: https://example.invalid/v1.2.0
`;

  it("are the tag's section, without its heading or the link definitions", () => {
    expect(releaseNotes(text, 'v1.2.0', '1.2.0')).toBe('### Added\n\n- A thing.\n');
    expect(changelogSection(text, 'Unreleased')?.body).toBe('### Fixed\n\n- Not yet.');
  });

  it('refuse a tag that is not package.json, a missing or undated section, and a malformed tag', () => {
    expect(() => releaseNotes(text, 'v1.2.0', '1.1.0')).toThrow('tag v1.2.0 is not the version in package.json (1.1.0)');
    expect(() => releaseNotes(text, 'v1.3.0', '1.3.0')).toThrow('CHANGELOG.md has no "## [1.3.0] - YYYY-MM-DD" section');
    expect(() => releaseNotes(text, 'v1.1.0', '1.1.0')).toThrow('the heading of 1.1.0 gives "Unreleased"');
    expect(() => releaseNotes(text, '1.2.0', '1.2.0')).toThrow('a release tag is v<major>.<minor>.<patch>');
    expect(() => releaseNotes(text, 'v1.2.0-rc.1', '1.2.0-rc.1')).toThrow('a release tag is');
  });

  it('move the major tag of the release', () => {
    expect(majorTag('v1.2.3')).toBe('v1');
    expect(majorTag('v10.0.0')).toBe('v10');
    expect(() => majorTag('v1')).toThrow();
  });
});
