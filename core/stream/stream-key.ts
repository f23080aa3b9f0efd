// The 32-byte key of `smem stream`, as `smem kdf` gives it: raw bytes (`smem kdf -o FILE`,
// `smem kem decaps --secret-out`) or 64 hex digits with an optional line ending (what `smem kdf`
// prints). Decoded inside locked memory; the input buffer is left to the caller to destroy.
import { FormatError } from "../errors";
import { LockedBuffer } from "../locked-buffer";
import { RAW_STREAM_KEY_BYTES } from "./raw-stream";

function nibble(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  if (c >= 0x61 && c <= 0x66) return c - 0x61 + 10;
  if (c >= 0x41 && c <= 0x46) return c - 0x41 + 10;
  return -1;
}

/** A fresh 32-byte LockedBuffer from key material in one of the accepted encodings. */
export function parseStreamKey(material: LockedBuffer, what: string): LockedBuffer {
  const bytes = material.bytes();
  if (bytes.length === RAW_STREAM_KEY_BYTES) {
    const key = LockedBuffer.alloc(RAW_STREAM_KEY_BYTES);
    key.bytes().set(bytes);
    return key;
  }
  let end = bytes.length;
  if (end > 0 && bytes[end - 1] === 0x0a) end--;
  if (end > 0 && bytes[end - 1] === 0x0d) end--;
  if (end !== 2 * RAW_STREAM_KEY_BYTES) {
    throw new FormatError(
      `${what} must hold a 32-byte key: 32 raw bytes or 64 hex digits (as 'smem kdf' writes), got ${bytes.length} bytes`,
    );
  }
  const key = LockedBuffer.alloc(RAW_STREAM_KEY_BYTES);
  const out = key.bytes();
  let bad = 0;
  for (let i = 0; i < RAW_STREAM_KEY_BYTES; i++) {
    const hi = nibble(bytes[2 * i] as number);
    const lo = nibble(bytes[2 * i + 1] as number);
    bad |= hi | lo; // negative if either digit is not hex
    out[i] = ((hi & 0xf) << 4) | (lo & 0xf);
  }
  if (bad < 0) {
    key.destroy();
    throw new FormatError(`${what} is neither 32 raw bytes nor 64 hex digits`);
  }
  return key;
}
