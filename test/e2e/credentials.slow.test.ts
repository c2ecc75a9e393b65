/**
 * Signing in, end to end against dist/ (credentials-play.ts): the scenarios of `npm run test:slow`, each way's
 * precedence and errors that test/unit/sign-in/ (method.test.ts, explain.test.ts) also covers in process.
 */
import { describeSignIn } from './credentials-play.js';

describeSignIn('slow');
