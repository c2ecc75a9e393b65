import { describeActionScenarios } from './action-scenarios.js';

// The main scenarios of `npm test` under the default readings: action.slow.test.ts runs those of `npm run test:slow`,
// readings.slow.test.ts all of them under every alternative (action-scenarios.ts).
describeActionScenarios('quick');
