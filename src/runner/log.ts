import * as core from '@actions/core';
import type { Logger } from '../lib/log.js';

/** The phases' Logger on the runner: workflow commands through @actions/core. */
export const coreLogger: Logger = {
  info: (message) => core.info(message),
  warning: (message, properties) => (properties ? core.warning(message, properties) : core.warning(message)),
  startGroup: (name) => core.startGroup(name),
  endGroup: () => core.endGroup(),
};
