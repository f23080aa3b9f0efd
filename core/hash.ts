// Hashes, MACs and HKDF through the shim. Outputs derived from secrets go to caller buffers
// (`*Into`) so they can live in LockedBuffers; the plain variants are for public data.
import { shim } from "../ffi";
import { type KeyBytes, viewOf } from "./bytes";

const EMPTY = new Uint8Array(0);

export function sha3_256Into(out: Uint8Array, input: Uint8Array): void {
  if (out.length !== 32) throw new RangeError("SHA3-256 output must be 32 bytes");
  shim().smem_sha3_256(out, input, input.length);
}

export function sha3_256(input: Uint8Array): Uint8Array {
  const out = new Uint8Array(32);
  sha3_256Into(out, input);
  return out;
}

/** BLAKE2b with 16..64-byte output and an optional key of up to 64 bytes. */
export function blake2bInto(out: Uint8Array, input: Uint8Array, key?: KeyBytes): void {
  const k = key ? viewOf(key) : EMPTY;
  if (shim().smem_blake2b(out, out.length, input, input.length, k, k.length) !== 0) {
    throw new RangeError("BLAKE2b: output must be 16..64 bytes and key at most 64 bytes");
  }
}

export function blake2b(input: Uint8Array, outLength = 32, key?: KeyBytes): Uint8Array {
  const out = new Uint8Array(outLength);
  blake2bInto(out, input, key);
  return out;
}

export function hmacSha256Into(out: Uint8Array, key: KeyBytes, message: Uint8Array): void {
  if (out.length !== 32) throw new RangeError("HMAC-SHA-256 output must be 32 bytes");
  const k = viewOf(key);
  if (shim().smem_hmac_sha256(out, message, message.length, k, k.length) !== 0) {
    throw new Error("HMAC-SHA-256 failed");
  }
}

export function hmacSha256(key: KeyBytes, message: Uint8Array): Uint8Array {
  const out = new Uint8Array(32);
  hmacSha256Into(out, key, message);
  return out;
}

/** RFC 5869 HKDF-SHA-256 (extract then expand); at most 8160 bytes of output. */
export function hkdfSha256Into(out: Uint8Array, ikm: KeyBytes, salt: Uint8Array, info: Uint8Array): void {
  const k = viewOf(ikm);
  if (shim().smem_hkdf_sha256(out, out.length, k, k.length, salt, salt.length, info, info.length) !== 0) {
    throw new RangeError("HKDF-SHA-256: output must be at most 8160 bytes");
  }
}
