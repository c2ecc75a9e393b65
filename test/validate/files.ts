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

export const actionYml = (): string => readFileSync(join(ROOT, 'action.yml'), 'utf8');

export const actionMetadata = (): ActionMetadata => parseActionMetadata(actionYml());
