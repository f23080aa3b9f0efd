// X25519 (RFC 7748) through libsodium. Scalars and shared secrets belong in LockedBuffers.
import { shim } from "../ffi";
import { type KeyBytes, requireLength, viewOf } from "./bytes";

export const X25519_BYTES = 32;

/** Writes the shared secret into `out`; false for a low-order point (all-zero result). */
export function x25519Into(out: Uint8Array, scalar: KeyBytes, point: Uint8Array): boolean {
  const n = viewOf(scalar);
  requireLength("X25519 scalar", n, X25519_BYTES);
  requireLength("X25519 point", point, X25519_BYTES);
  requireLength("X25519 output", out, X25519_BYTES);
  return shim().smem_x25519(out, n, point) === 0;
}

/** The public key of a scalar. */
export function x25519Base(scalar: KeyBytes): Uint8Array {
  const n = viewOf(scalar);
  requireLength("X25519 scalar", n, X25519_BYTES);
  const out = new Uint8Array(X25519_BYTES);
  if (shim().smem_x25519_base(out, n) !== 0) throw new Error("X25519 base-point multiplication failed");
  return out;
}
