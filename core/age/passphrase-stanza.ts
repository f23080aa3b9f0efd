// What the two passphrase stanzas (scrypt, smem-argon2id) share: the file key sealed with
// ChaCha20-Poly1305 under a zero nonce (each wrap key derives from a fresh salt and is used
// once), a 32-byte body checked before decrypting (age's partitioning-oracle rule), the rule that
// a passphrase stanza is the only stanza in its header, and a random label so a passphrase
// recipient cannot share a file with any other recipient.
import { AEAD_TAG_BYTES, CHACHA_NONCE_BYTES, chachaOpenInto, chachaSealInto } from "../aead";
import { toHex } from "../bytes";
import { AuthError, FormatError } from "../errors";
import { LockedBuffer } from "../locked-buffer";
import { randomBytes } from "../random";
import { FILE_KEY_BYTES } from "./recipient";
import type { Stanza } from "./stanza";

export const WRAPPED_KEY_BYTES = FILE_KEY_BYTES + AEAD_TAG_BYTES;
const ZERO_NONCE = new Uint8Array(CHACHA_NONCE_BYTES);

/** A label no other recipient carries (age's ScryptRecipient does the same). */
export function uniqueLabel(): string {
  return toHex(randomBytes(16));
}

export function sealFileKey(wrapKey: LockedBuffer, fileKey: LockedBuffer): Uint8Array {
  if (fileKey.size !== FILE_KEY_BYTES) throw new RangeError(`file key must be ${FILE_KEY_BYTES} bytes`);
  const body = new Uint8Array(WRAPPED_KEY_BYTES);
  chachaSealInto(body, wrapKey, ZERO_NONCE, fileKey.bytes());
  return body;
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

/** Body length check, to run before any key derivation. */
export function requireWrappedKeyBody(type: string, body: Uint8Array): void {
  if (body.length !== WRAPPED_KEY_BYTES) {
    throw new FormatError(
      `invalid ${type} stanza: body is ${body.length} bytes, expected ${WRAPPED_KEY_BYTES}`,
    );
  }
}

/** Opens the body into a new locked file key, or throws AuthError (wrong passphrase). */
export function openFileKey(wrapKey: LockedBuffer, body: Uint8Array): LockedBuffer {
  const fileKey = LockedBuffer.alloc(FILE_KEY_BYTES);
  if (chachaOpenInto(fileKey.bytes(), wrapKey, ZERO_NONCE, body)) return fileKey;
  fileKey.destroy();
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
