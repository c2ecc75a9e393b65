/**
 * Escaping for every string from the cloud or GitHub, by the context it lands in. `core.summary` escapes nothing,
 * the same Markdown is posted as the pull request comment, and every string from the cloud must go through here:
 *   - `escapeCell`: Markdown text (a table cell, a list item, a paragraph);
 *   - `escapeHtml`: raw HTML (`<summary>`, `<pre>`, `<code>` inside an HTML block);
 *   - `codeSpan`: a Markdown code span.
 * Each also keeps the text from mentioning anyone or linking an issue in a pull request comment (`@user`, `#12`,
 * `owner/repo#12`): a zero-width joiner after `@` and `#` breaks GitHub's autolinking and stays invisible.
 */

/** After `@` and `#`: GitHub no longer reads a mention or an issue reference, and the reader sees no change. */
const ZWJ = '\u200d';
const LINE_BREAK = /\r\n|[\r\n\u0085\u2028\u2029]/g;

/** The five HTML special characters as entities (`&` first, so no entity is escaped twice). */
function htmlEntities(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

function noMentions(text: string): string {
  return text.replace(/([@#])/g, `$1${ZWJ}`);
}

/**
 * Escapes a string for a Markdown table cell or Markdown text: HTML special characters, the table separator,
 * Markdown emphasis and link characters, and line breaks (a line break would end the row or start a block).
 */
export function escapeCell(text: string): string {
  return htmlEntities(noMentions(text))
    .replace(/\|/g, '&#124;')
    .replace(/([\\`*_[\]()!~])/g, '\\$1')
    .replace(LINE_BREAK, ' ');
}

/**
 * Escapes a string for raw HTML in the summary (`<summary>`, `<pre>`, `<code>`): there Markdown is not
 * interpreted, so the HTML special characters (and `[`, `]`, should a renderer read a link there anyway) are
 * replaced, and a line break becomes `&#10;`: still a line break
 * inside `<pre>`, but never a blank line, which would end the HTML block and let the rest render as Markdown.
 */
export function escapeHtml(text: string): string {
  return htmlEntities(noMentions(text)).replace(/\[/g, '&#91;').replace(/\]/g, '&#93;').replace(LINE_BREAK, '&#10;');
}

/**
 * `text` as code, safe in a table cell and in a pull request comment. Plain text (IDs, tokens) becomes a Markdown
 * code span; anything else `<code>` with escaped content, since a backslash does not escape inside a code span
 * (a backtick in the text would end it and let the rest render as Markdown).
 */
export function codeSpan(text: string): string {
  if (/^[A-Za-z0-9._:/=+-]*$/.test(text)) return `\`${text}\``;
  return `<code>${escapeCell(text)}</code>`;
}

/** A Markdown table from a header row and body rows; cells must already be escaped. */
export function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const line = (cells: readonly string[]): string => `| ${cells.join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}

/** 75 -> "1m 15s" */
export function formatDuration(seconds: number): string {
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = seconds % 60;
  if (h > 0) return `${h}h ${m}m`;
  if (m > 0) return `${m}m ${s}s`;
  return `${s}s`;
}
