// How the CCTV harness turns a vector's `identity:` strings into Identities: through the kem
// layer's key-string parser (core/age/keys.ts), for X25519 and mlkem768x25519 (hybrid) keys.
import { utf8 } from "../../core";
import { parseIdentityString } from "../../core/age/keys";
import type { Identity } from "../../core/age/recipient";

export interface IdentityFactory {
  /** Bech32 prefix of the secret key string, e.g. "AGE-SECRET-KEY-1" or "AGE-SECRET-KEY-PQ-1". */
  prefix: string;
  make(secretKey: string): Identity;
}

const fromString = (s: string): Identity => parseIdentityString(utf8(s));

export const IDENTITY_FACTORIES: IdentityFactory[] = [
  { prefix: "AGE-SECRET-KEY-1", make: fromString },
  { prefix: "AGE-SECRET-KEY-PQ-1", make: fromString },
];
