import { shim } from "../ffi";

/** Public random bytes (nonces, salts). Secret randomness: LockedBuffer.random(). */
export function randomBytes(length: number): Uint8Array {
  const out = new Uint8Array(length);
  if (length > 0) shim().smem_randombytes(out, length);
  return out;
}
