/** Signing in, end to end against dist/ (credentials-play.ts): the scenarios of `npm test`. */
import { describeSignIn } from './credentials-play.js';

describeSignIn('quick');
