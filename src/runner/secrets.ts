import * as core from '@actions/core';
import { SecretRegistry } from '../lib/secrets.js';

/** The action's registry: one process, one set of secrets, masked in the runner's log as they become known. */
export const secrets = new SecretRegistry((value) => core.setSecret(value));
