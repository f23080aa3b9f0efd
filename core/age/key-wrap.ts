// Shared by the public-key stanzas (X25519, mlkem768x25519, smem-mlkem768): strict decoding of
// a stanza's base64 argument, and wrapping the 16-byte file key with ChaCha20-Poly1305 under a
// zero nonce, as age does for X25519 (each wrap key is used exactly once).
import { AEAD_TAG_BYTES, CHACHA_NONCE_BYTES, chachaOpenInto, chachaSealInto } from "../aead";
import { FormatError } from "../errors";
import { LockedBuffer } from "../locked-buffer";
import { decodeBase64, encodeBase64 } from "./base64";
import { FILE_KEY_BYTES } from "./recipient";

export type { Identity, Recipient } from "./recipient";
export type { Stanza } from "./stanza";
export { FILE_KEY_BYTES };

export const WRAPPED_FILE_KEY_BYTES = FILE_KEY_BYTES + AEAD_TAG_BYTES;
const ZERO_NONCE = new Uint8Array(CHACHA_NONCE_BYTES);

/** Canonical unpadded base64 of exactly `length` bytes, else FormatError naming the stanza. */
export function decodeStanzaArgument(stanza: string, arg: string, length: number): Uint8Array {
  // The header's own strict decoder: @scure/base's took about 0.3 ms for an X-Wing ciphertext
  // (1,494 characters) in a cold process, a visible part of `smem open -i`.
  const bytes = decodeBase64(arg);
  if (bytes === null) {
    throw new FormatError(`invalid ${stanza} stanza: argument is not canonical unpadded base64`);
  }
  if (bytes.length !== length) {
    throw new FormatError(`invalid ${stanza} stanza: argument is ${bytes.length} bytes, expected ${length}`);
  }
  return bytes;
}

export function encodeStanzaArgument(bytes: Uint8Array): string {
  return encodeBase64(bytes);
}

/** Checks the body length before any decryption (age's partitioning-oracle mitigation). */
export function requireWrappedFileKey(stanza: string, body: Uint8Array): void {
  if (body.length !== WRAPPED_FILE_KEY_BYTES) {
    throw new FormatError(
      `invalid ${stanza} stanza: body is ${body.length} bytes, expected ${WRAPPED_FILE_KEY_BYTES}`,
    );
  }
}

export function requireFileKey(fileKey: LockedBuffer): void {
  if (fileKey.size !== FILE_KEY_BYTES) throw new RangeError(`file key must be ${FILE_KEY_BYTES} bytes`);
}

/** ChaCha20-Poly1305(wrapKey, nonce 0, fileKey). */
export function wrapFileKey(wrapKey: LockedBuffer, fileKey: LockedBuffer): Uint8Array {
  requireFileKey(fileKey);
  const body = new Uint8Array(WRAPPED_FILE_KEY_BYTES);
  chachaSealInto(body, wrapKey, ZERO_NONCE, fileKey.bytes());
  return body;
}

/** The file key in locked memory, or null when the body does not authenticate (not ours). */
export function unwrapFileKey(wrapKey: LockedBuffer, body: Uint8Array): LockedBuffer | null {
  const fileKey = LockedBuffer.alloc(FILE_KEY_BYTES);
  if (chachaOpenInto(fileKey.bytes(), wrapKey, ZERO_NONCE, body)) return fileKey;
  fileKey.destroy();
  return null;
}
