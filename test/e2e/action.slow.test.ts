/**
 * The main scenarios of `npm run test:slow` under the default readings (action-scenarios.ts): what `npm test` covers in
 * process, missing credentials failing before any request (test/unit/sign-in/method.test.ts "resolveCredentials:
 * errors > no credentials names the three ways with a YAML example of OIDC"); the sign-in failure wiring end to end
 * stays covered by credentials.test.ts.
 */
import { describeActionScenarios } from './action-scenarios.js';

describeActionScenarios('slow');
