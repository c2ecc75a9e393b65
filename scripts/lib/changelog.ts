/**
 * CHANGELOG.md in Keep a Changelog form (https://keepachangelog.com/en/1.1.0/): one `## [x.y.z] - YYYY-MM-DD` section
 * per version, newest first, `## [Unreleased]` on top for what is not released yet. The release workflow takes a
 * version's section as the notes of its GitHub release (scripts/release-notes.ts). Pure: text in, text out.
 */

export interface ChangelogSection {
  /** `0.1.0`, or `Unreleased`. */
  version: string;
  /** `YYYY-MM-DD`, `Unreleased` for a version not released yet, '' when the heading gives none. */
  date: string;
  /** The section's Markdown below its heading, trimmed. */
  body: string;
}

/** `## [1.2.3] - 2026-11-30`, `## [1.2.3] - Unreleased`, `## [Unreleased]`. */
const HEADING = /^## \[([^\]]+)\](?: - (\S+))?\s*$/;

/** A release tag: `v` and a semantic version without pre-release or build parts. */
export const RELEASE_TAG = /^v(\d+)\.(\d+)\.(\d+)$/;

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

export function changelogSections(text: string): ChangelogSection[] {
  const lines = text.replace(/\r\n/g, '\n').split('\n');
  const sections: ChangelogSection[] = [];
  let current: { version: string; date: string; lines: string[] } | undefined;
  const close = (): void => {
    if (current) sections.push({ version: current.version, date: current.date, body: current.lines.join('\n').trim() });
  };
  for (const line of lines) {
    const heading = HEADING.exec(line);
    if (heading) {
      close();
      current = { version: heading[1] ?? '', date: heading[2] ?? '', lines: [] };
    } else if (/^## /.test(line) || /^\[[^\]]+\]: /.test(line)) {
      // Another level-2 heading, or the link definitions at the end: no longer a version's section.
      close();
      current = undefined;
    } else {
      current?.lines.push(line);
    }
  }
  close();
  return sections;
}

export function changelogSection(text: string, version: string): ChangelogSection | undefined {
  return changelogSections(text).find((s) => s.version === version);
}

/**
 * The notes of the release a tag makes: the tag's version must be package.json's, and CHANGELOG.md must have a
 * dated, non-empty section for it. Throws an Error that says what to fix otherwise.
 */
export function releaseNotes(changelog: string, tag: string, packageVersion: string): string {
  const m = RELEASE_TAG.exec(tag);
  if (!m) throw new Error(`tag ${tag}: a release tag is v<major>.<minor>.<patch>, such as v1.2.3`);
  const version = tag.slice(1);
  if (version !== packageVersion)
    throw new Error(`tag ${tag} is not the version in package.json (${packageVersion}): set "version" to ${version}`);
  const section = changelogSection(changelog, version);
  if (!section) throw new Error(`CHANGELOG.md has no "## [${version}] - YYYY-MM-DD" section`);
  if (!ISO_DATE.test(section.date))
    throw new Error(
      `CHANGELOG.md: the heading of ${version} gives "${section.date || 'no date'}": write the release date, "## [${version}] - YYYY-MM-DD"`,
    );
  if (section.body === '') throw new Error(`CHANGELOG.md: the section of ${version} is empty`);
  return `${section.body}\n`;
}

/** The major tag a release moves (`v1` for `v1.2.3`). */
export function majorTag(tag: string): string {
  const m = RELEASE_TAG.exec(tag);
  if (!m) throw new Error(`tag ${tag}: a release tag is v<major>.<minor>.<patch>, such as v1.2.3`);
  return `v${m[1] ?? ''}`;
}
