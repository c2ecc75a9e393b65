/**
 * Bad inputs, end to end against dist/ (bad-inputs-play.ts): the rows of `npm run test:slow`, second rows of families
 * that `npm test` already runs end to end: a newline injected in region and a tag that is not key=value (the targets,
 * like instance-ids' shell injection), and half a key pair (sign-in, like role-to-assume's swapped ARNs). In process,
 * every row runs in test/unit/inputs/bad-inputs.test.ts.
 */
import { describeBadInputs } from './bad-inputs-play.js';

describeBadInputs('slow');
