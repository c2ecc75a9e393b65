import * as core from '@actions/core';
import { type Logger, noCommands } from '../lib/log.js';
import { secrets } from './secrets.js';

/** Every line's last step: known secrets scrubbed, no line that reads as a workflow command. */
const safe = (text: string): string => noCommands(secrets.scrub(text));

/** The phases' Logger on the runner: workflow commands through @actions/core. */
export const coreLogger: Logger = {
  info: (message) => core.info(safe(message)),
  warning: (message, properties) => (properties ? core.warning(safe(message), properties) : core.warning(safe(message))),
  startGroup: (name) => core.startGroup(safe(name)),
  endGroup: () => core.endGroup(),
};
