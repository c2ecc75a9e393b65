import { realpath, stat, readFile } from 'node:fs/promises';
import { isAbsolute, relative, resolve, sep } from 'node:path';
import { Inputs, MAX_TARGET_INSTANCES } from './names.js';
import { InputError } from '../lib/errors.js';
import { parseInstanceIdsFile, show, type Settings, tooManyToDetach } from './parse.js';
import { MAX_INSTANCES_PER_EXECUTION } from '../alibaba/oos/template.js';

/** An inventory of 10,000 IDs is about 250 KB; anything far larger is not an inventory. */
const MAX_FILE_BYTES = 4 * 1024 * 1024;

/**
 * The instances an `instance-ids-file` lists. The path is relative to the workspace (GITHUB_WORKSPACE, else
 * the working directory), and must stay inside it once symbolic links are followed: the file is the
 * inventory a pull request can change, not a way to read the runner's disk. Runs before any network call.
 */
export async function readInstanceIdsFile(settings: Settings, env: NodeJS.ProcessEnv): Promise<Settings> {
  const given = settings.instanceIdsFile;
  if (given === undefined) return settings;
  const name = Inputs.InstanceIdsFile;
  const workspace = env.GITHUB_WORKSPACE || process.cwd();
  const root = await realpath(workspace).catch(() => {
    throw new InputError(name, `the workspace ${show(workspace)} does not exist; check out the repository first`);
  });
  const file = await realpath(resolve(root, given)).catch(() => {
    throw new InputError(name, `${show(given)} does not exist in the workspace; check out the repository first (actions/checkout)`);
  });
  if (!isInside(root, file)) {
    throw new InputError(name, `${show(given)} is outside the workspace; give a path relative to the repository root`);
  }
  const info = await stat(file);
  if (!info.isFile()) throw new InputError(name, `${show(given)} is not a file`);
  if (info.size > MAX_FILE_BYTES) {
    throw new InputError(name, `${show(given)} is ${info.size} bytes; an inventory of ${MAX_TARGET_INSTANCES} IDs needs far less`);
  }
  const instanceIds = parseInstanceIdsFile(await readFile(file, 'utf8'));
  // wait: false takes one execution: say so now, before any request (tags can only be counted after one).
  if (settings.detach && instanceIds.length > MAX_INSTANCES_PER_EXECUTION) throw tooManyToDetach(instanceIds.length);
  return { ...settings, instanceIds };
}

function isInside(root: string, file: string): boolean {
  const rel = relative(root, file);
  return rel !== '' && !rel.startsWith(`..${sep}`) && rel !== '..' && !isAbsolute(rel);
}
