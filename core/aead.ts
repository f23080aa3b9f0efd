// AEADs through the shim, combined mode (ciphertext || 16-byte tag). The *Into variants write
// into a caller-supplied buffer (a LockedBuffer view for plaintext) so secrets never pass through
// JS-allocated memory.
import { shim } from "../ffi";
import { type KeyBytes, requireLength, viewOf } from "./bytes";

export const AEAD_KEY_BYTES = 32;
export const AEAD_TAG_BYTES = 16;
export const XCHACHA_NONCE_BYTES = 24;
export const CHACHA_NONCE_BYTES = 12;

const EMPTY = new Uint8Array(0);

type NativeAead = (
  out: Uint8Array,
  input: Uint8Array,
  inputLength: number,
  ad: Uint8Array,
  adLength: number,
  nonce: Uint8Array,
  key: Uint8Array,
) => number;

function check(key: Uint8Array, nonce: Uint8Array, nonceBytes: number): void {
  requireLength("AEAD key", key, AEAD_KEY_BYTES);
  requireLength("AEAD nonce", nonce, nonceBytes);
}

function sealInto(
  fn: NativeAead,
  nonceBytes: number,
  out: Uint8Array,
  key: KeyBytes,
  nonce: Uint8Array,
  plaintext: Uint8Array,
  ad: Uint8Array,
): void {
  const k = viewOf(key);
  check(k, nonce, nonceBytes);
  if (out.length !== plaintext.length + AEAD_TAG_BYTES) {
    throw new RangeError(`ciphertext buffer must be ${plaintext.length + AEAD_TAG_BYTES} bytes`);
  }
  if (fn(out, plaintext, plaintext.length, ad, ad.length, nonce, k) !== 0) {
    throw new Error("AEAD encryption failed");
  }
}

function openInto(
  fn: NativeAead,
  nonceBytes: number,
  out: Uint8Array,
  key: KeyBytes,
  nonce: Uint8Array,
  ciphertext: Uint8Array,
  ad: Uint8Array,
): boolean {
  const k = viewOf(key);
  check(k, nonce, nonceBytes);
  if (ciphertext.length < AEAD_TAG_BYTES) return false;
  if (out.length !== ciphertext.length - AEAD_TAG_BYTES) {
    throw new RangeError(`plaintext buffer must be ${ciphertext.length - AEAD_TAG_BYTES} bytes`);
  }
  return fn(out, ciphertext, ciphertext.length, ad, ad.length, nonce, k) === 0;
}

export function xchachaSealInto(
  out: Uint8Array,
  key: KeyBytes,
  nonce: Uint8Array,
  plaintext: Uint8Array,
  ad: Uint8Array = EMPTY,
): void {
  sealInto(shim().smem_aead_xchacha20poly1305_encrypt, XCHACHA_NONCE_BYTES, out, key, nonce, plaintext, ad);
}

/** Returns false (and leaves `out` unspecified but never partially-verified plaintext) on failure. */
export function xchachaOpenInto(
  out: Uint8Array,
  key: KeyBytes,
  nonce: Uint8Array,
  ciphertext: Uint8Array,
  ad: Uint8Array = EMPTY,
): boolean {
  return openInto(
    shim().smem_aead_xchacha20poly1305_decrypt,
    XCHACHA_NONCE_BYTES,
    out,
    key,
    nonce,
    ciphertext,
    ad,
  );
}

export function chachaSealInto(
  out: Uint8Array,
  key: KeyBytes,
  nonce: Uint8Array,
  plaintext: Uint8Array,
  ad: Uint8Array = EMPTY,
): void {
  sealInto(
    shim().smem_aead_chacha20poly1305_ietf_encrypt,
    CHACHA_NONCE_BYTES,
    out,
    key,
    nonce,
    plaintext,
    ad,
  );
}

export function chachaOpenInto(
  out: Uint8Array,
  key: KeyBytes,
  nonce: Uint8Array,
  ciphertext: Uint8Array,
  ad: Uint8Array = EMPTY,
): boolean {
  return openInto(
    shim().smem_aead_chacha20poly1305_ietf_decrypt,
    CHACHA_NONCE_BYTES,
    out,
    key,
    nonce,
    ciphertext,
    ad,
  );
}

/** Encrypt non-secret-output convenience: returns a fresh ciphertext array. */
export function xchachaSeal(
  key: KeyBytes,
  nonce: Uint8Array,
  plaintext: Uint8Array,
  ad?: Uint8Array,
): Uint8Array {
  const out = new Uint8Array(plaintext.length + AEAD_TAG_BYTES);
  xchachaSealInto(out, key, nonce, plaintext, ad);
  return out;
}

export function chachaSeal(
  key: KeyBytes,
  nonce: Uint8Array,
  plaintext: Uint8Array,
  ad?: Uint8Array,
): Uint8Array {
  const out = new Uint8Array(plaintext.length + AEAD_TAG_BYTES);
  chachaSealInto(out, key, nonce, plaintext, ad);
  return out;
}
