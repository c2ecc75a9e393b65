import { describeActionScenarios } from './action-scenarios.js';

// The main scenarios under the default readings; readings.slow.test.ts runs them under every alternative.
describeActionScenarios();
