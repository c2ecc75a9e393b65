/**
 * `npm run docs:screenshot`: renders the scan summary of docs/summary-example.md (written by `npm run docs:summary`)
 * the way a job summary page lays it out, and takes a PNG of it with headless Chromium (Debian: apt-get install
 * chromium, and fonts-noto-color-emoji and fonts-noto-cjk for the emoji and the Chinese OS names). Output:
 * docs/summary-example.png, the picture in the README. Not part of npm test: it needs a browser.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { marked } from 'marked';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const source = join(root, 'docs', 'summary-example.md');
const target = join(root, 'docs', 'summary-example.png');
const browser = process.env.CHROMIUM ?? 'chromium';

// The first summary in the file (the scan): between the first `<!-- scan -->` marker and the next rule.
const text = readFileSync(source, 'utf8');
const start = text.indexOf('<!-- scan -->');
if (start < 0) throw new Error(`${source} has no scan summary: run npm run docs:summary first`);
const end = text.indexOf('\n---\n', start);
const markdown = text.slice(start, end < 0 ? undefined : end);

// Close to GitHub's light theme for rendered Markdown: system font, 16px, bordered tables, zebra rows.
const css = `
  body { margin: 0; background: #f6f8fa; font: 14px/1.5 -apple-system, "Segoe UI", "Noto Sans", Helvetica, Arial, sans-serif; color: #1f2328; }
  .card { margin: 16px; padding: 8px 24px 16px; background: #fff; border: 1px solid #d1d9e0; border-radius: 6px; }
  h2 { font-size: 1.5em; border-bottom: 1px solid #d1d9e0; padding-bottom: .3em; }
  h3 { font-size: 1.25em; margin-top: 24px; }
  table { border-collapse: collapse; margin: 8px 0 16px; }
  th, td { border: 1px solid #d1d9e0; padding: 6px 13px; }
  th { font-weight: 600; }
  tr:nth-child(2n) { background: #f6f8fa; }
  code { white-space: nowrap; font: 85% ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; background: #eff1f3; padding: .2em .4em; border-radius: 6px; }
  a { color: #0969da; text-decoration: none; }
`;
const html = `<!doctype html><html><head><meta charset="utf-8"><style>${css}</style></head>
<body><div class="card">${await marked.parse(markdown)}</div></body></html>`;

const dir = mkdtempSync(join(tmpdir(), 'summary-shot-'));
const page = join(dir, 'summary.html');
writeFileSync(page, html);
const width = Number(process.env.SHOT_WIDTH ?? 1500);
const height = Number(process.env.SHOT_HEIGHT ?? 1100);
execFileSync(
  browser,
  [
    '--headless',
    '--no-sandbox',
    '--disable-gpu',
    '--hide-scrollbars',
    `--user-data-dir=${join(dir, 'profile')}`,
    `--window-size=${width},${height}`,
    `--screenshot=${target}`,
    `file://${page}`,
  ],
  { stdio: 'pipe' },
);
process.stdout.write(`${target} (${width}x${height}) from ${source}\n`);
