// What the two passphrase stanzas (scrypt, smem-argon2id) share beyond key-wrap.ts's zero-nonce
// file-key wrap and body-length check (each wrap key derives from a fresh salt): the rule that
// a passphrase stanza is the only stanza in its header, and a random label so a passphrase
// recipient cannot share a file with any other recipient.
import { toHex } from "../bytes";
import { AuthError, FormatError } from "../errors";
import type { LockedBuffer } from "../locked-buffer";
import { randomBytes } from "../random";
import { unwrapFileKey } from "./key-wrap";
import type { Stanza } from "./stanza";

/** A label no other recipient carries (age's ScryptRecipient does the same). */
export function uniqueLabel(): string {
  return toHex(randomBytes(16));
}

/** The stanza of `type` if there is one, enforcing that it is alone; null if there is none. */
export function findOnlyStanza(stanzas: readonly Stanza[], type: string): Stanza | null {
  const mine = stanzas.find((s) => s.type === type);
  if (mine === undefined) return null;
  if (stanzas.length !== 1) {
    throw new FormatError(`a ${type} stanza must be the only stanza in the header, found ${stanzas.length}`);
  }
  return mine;
}

/** Opens the body into a new locked file key, or throws AuthError (wrong passphrase). */
export function openFileKey(wrapKey: LockedBuffer, body: Uint8Array): LockedBuffer {
  const fileKey = unwrapFileKey(wrapKey, body);
  if (fileKey) return fileKey;
  throw new AuthError("wrong passphrase (or the file was tampered with)");
}

/** A positive decimal without sign or leading zeros (`^[1-9][0-9]*$`), at most `max`. */
export function parseDecimalArgument(type: string, what: string, text: string, max: number): number {
  if (!/^[1-9][0-9]*$/.test(text)) {
    throw new FormatError(
      `invalid ${type} stanza: ${what} ${JSON.stringify(text)} is not a positive decimal number`,
    );
  }
  if (text.length > 16 || Number(text) > max) {
    throw new FormatError(`invalid ${type} stanza: ${what} ${text} is above the limit of ${max}`);
  }
  return Number(text);
}
