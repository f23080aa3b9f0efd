// The vault's files are small whole age v1 files (core/age/sealed-bytes: header + STREAM payload,
// plaintext only ever in locked memory). What the vault adds: every failure to open one of its
// files is an AuthError (exit 3), because the vault wrote them itself, so a malformed one is
// corruption or tampering, not a user's wrong input.

import type { Identity, Recipient } from "../age/recipient";
import { MAX_SEALED_BYTES, openBytes as openAgeBytes, sealBytes as sealAgeBytes } from "../age/sealed-bytes";
import { AuthError, FormatError } from "../errors";
import type { LockedBuffer } from "../locked-buffer";

/** Largest plaintext one vault file holds. */
export const MAX_PLAINTEXT_BYTES = MAX_SEALED_BYTES;

/** The age file for `plaintext` (a view of locked memory) to `recipients`. */
export function sealBytes(recipients: Recipient[], plaintext: Uint8Array): Uint8Array {
  return sealAgeBytes(recipients, plaintext);
}

/** Decrypts a whole age file into a new LockedBuffer; AuthError naming `what` on any failure. */
export function openBytes(identities: Identity[], file: Uint8Array, what: string): LockedBuffer {
  try {
    return openAgeBytes(file, identities);
  } catch (err) {
    if (err instanceof AuthError) throw new AuthError(`cannot decrypt ${what}: ${err.message}`);
    if (err instanceof FormatError) throw new AuthError(`${what} is corrupt: ${err.message}`);
    throw err;
  }
}
