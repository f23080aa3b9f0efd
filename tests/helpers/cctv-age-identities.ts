// How the CCTV harness turns a vector's `identity:` strings into Identities. The kem layer
// (core/age/x25519.ts, core/age/mlkem768x25519.ts, core/age/keys.ts) registers its parsers here;
// until then vectors that need them are reported as pending on kem.
import type { Identity } from "../../core";

export interface IdentityFactory {
  /** Bech32 prefix of the secret key string, e.g. "AGE-SECRET-KEY-1" or "AGE-SECRET-KEY-PQ-1". */
  prefix: string;
  make(secretKey: string): Identity;
}

export const IDENTITY_FACTORIES: IdentityFactory[] = [];
