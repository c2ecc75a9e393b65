/**
 * RSA keys for the fakes that sign tokens RS256 as GitHub's token service does (test/fakes/oidc.ts) and for the tests
 * of the emulator's STS, which verifies them.
 *
 * 1024 bits, not GitHub's 2048: nothing here tests key strength, only that a token signed by one key verifies with
 * it and not with another. A 2048-bit key costs 0.1 to 0.6 s of CPU to generate on a 2-core machine, and every vitest
 * worker made at least one (measured 2.6 s of the end-to-end workers' CPU in `npm test`); a 1024-bit key about 10 ms.
 */
import { generateKeyPairSync, type KeyObject } from 'node:crypto';

export interface SigningKey {
  privateKey: KeyObject;
  publicKey: KeyObject;
}

/** A fresh key pair, unlike any other (a token "signed by another key"). */
export function newSigningKey(): SigningKey {
  return generateKeyPairSync('rsa', { modulusLength: 1024 });
}

let shared: SigningKey | undefined;

/** The one key per process that GitHub's tokens are signed with, here. */
export function githubSigningKey(): SigningKey {
  shared ??= newSigningKey();
  return shared;
}
