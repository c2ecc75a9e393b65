/**
 * Escapes a string for a Markdown table cell or an HTML context in the job summary: HTML special
 * characters, the table separator, Markdown emphasis and link characters, and line breaks.
 * `core.summary` escapes nothing, and every string from the cloud must go through here.
 */
export function escapeCell(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;')
    .replace(/\|/g, '&#124;')
    .replace(/([\\`*_[\]()!~])/g, '\\$1')
    .replace(/\r?\n|\r/g, ' ');
}

/**
 * Escapes a string for raw HTML in the summary (`<summary>`, `<pre>`, `<code>`): there Markdown is not
 * interpreted, so only the HTML special characters are replaced and line breaks are kept.
 */
export function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
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
