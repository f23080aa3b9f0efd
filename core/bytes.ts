// Byte helpers shared across core/. Secret-bearing arguments are Uint8Array views (often of a
// LockedBuffer); nothing here copies them into JS-managed memory.
import { LockedBuffer } from "./locked-buffer";

/** Anything that holds key bytes: a LockedBuffer or a view of one. */
export type KeyBytes = LockedBuffer | Uint8Array;

export function viewOf(key: KeyBytes): Uint8Array {
  return key instanceof LockedBuffer ? key.bytes() : key;
}

export function requireLength(name: string, bytes: Uint8Array, length: number): void {
  if (bytes.length !== length) {
    throw new RangeError(`${name} must be ${length} bytes, got ${bytes.length}`);
  }
}

export function concatBytes(...parts: Uint8Array[]): Uint8Array {
  let total = 0;
  for (const p of parts) total += p.length;
  const out = new Uint8Array(total);
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.length;
  }
  return out;
}

const encoder = new TextEncoder();
/** UTF-8 of a non-secret string (labels, header lines). */
export function utf8(text: string): Uint8Array {
  return encoder.encode(text);
}

export function toHex(bytes: Uint8Array): string {
  let s = "";
  for (const b of bytes) s += b.toString(16).padStart(2, "0");
  return s;
}

export function fromHex(hex: string): Uint8Array {
  if (hex.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(hex)) {
    throw new RangeError("not an even-length hexadecimal string");
  }
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = Number.parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  return out;
}

/**
 * Lowercase hex of `bytes` written into `out` (2 bytes per input byte), without a JS string and
 * without secret-indexed table lookups: each nibble maps to '0'-'9' / 'a'-'f' arithmetically.
 */
export function hexInto(out: Uint8Array, bytes: Uint8Array): void {
  if (out.length < bytes.length * 2) throw new RangeError("hexInto: output too small");
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i] as number;
    const hi = b >> 4;
    const lo = b & 15;
    // 48 = '0'; 39 more reaches 'a' for nibbles above 9: ((9 - n) >> 31) is -1 exactly then.
    out[2 * i] = 48 + hi + (((9 - hi) >> 31) & 39);
    out[2 * i + 1] = 48 + lo + (((9 - lo) >> 31) & 39);
  }
}
