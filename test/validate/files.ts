import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseActionMetadata, type ActionMetadata } from '../../scripts/lib/action-metadata.js';
import { ROOT } from '../e2e/harness.js';

export interface YamlFile {
  /** Relative to the repository root, as findings name it. */
  path: string;
  text: string;
}

function yamlFilesIn(dir: string): YamlFile[] {
  let names: string[];
  try {
    names = readdirSync(join(ROOT, dir));
  } catch {
    return [];
  }
  return names
    .filter((n) => n.endsWith('.yml') || n.endsWith('.yaml'))
    .sort()
    .map((n) => ({ path: `${dir}/${n}`, text: readFileSync(join(ROOT, dir, n), 'utf8') }));
}

/** The project's own workflows. */
export const projectWorkflows = (): YamlFile[] => yamlFilesIn('.github/workflows');

/** The workflows users copy. */
export const exampleWorkflows = (): YamlFile[] => yamlFilesIn('examples');

/**
 * The complete workflows shown in README.md (fenced yaml blocks with top-level `on:` and `jobs:`), named by the line
 * where each block starts; fragments such as a single step are left out.
 */
export function readmeWorkflows(): YamlFile[] {
  const lines = readFileSync(join(ROOT, 'README.md'), 'utf8').split('\n');
  const blocks: YamlFile[] = [];
  for (let i = 0; i < lines.length; i++) {
    if (lines[i]?.trim() !== '```yaml') continue;
    const end = lines.findIndex((line, n) => n > i && line.trim() === '```');
    if (end < 0) break;
    const text = `${lines.slice(i + 1, end).join('\n')}\n`;
    if (/^on:/m.test(text) && /^jobs:/m.test(text)) blocks.push({ path: `README.md:${i + 2}`, text });
    i = end;
  }
  return blocks;
}

export const actionYml = (): string => readFileSync(join(ROOT, 'action.yml'), 'utf8');

export const actionMetadata = (): ActionMetadata => parseActionMetadata(actionYml());
