// Strict base64 (RFC 4648 section 4, standard alphabet) for age headers and armor.
// Decoders accept only canonical encodings (RFC 4648 section 3.5: unused trailing bits are zero)
// and nothing but alphabet characters, so every byte string has exactly one accepted encoding
// and the format stays non-malleable. The unpadded form is used in headers, the padded one in
// the PEM armor.

import { useNormalJitPolicy } from "../jit-policy";

const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
const ENCODE = new Uint8Array(64);
const DECODE = new Int16Array(256).fill(-1);
for (let i = 0; i < 64; i++) {
  const c = ALPHABET.charCodeAt(i);
  ENCODE[i] = c;
  DECODE[c] = i;
}
const PAD = 0x3d; // "="

// Coding runs byte by byte in JavaScript. A short command codes a few hundred bytes of header;
// past this many bytes (armor, a header of many recipients) the JIT pays for itself, so the
// normal JIT policy is restored (core/jit-policy.ts).
const INTERPRETED_BYTES = 16 * 1024;
let codedBytes = 0;

function countCoded(n: number): void {
  codedBytes += n;
  if (codedBytes > INTERPRETED_BYTES) useNormalJitPolicy();
}

/**
 * The index of the first byte of bytes[start, end) outside the alphabet, or `end`. One call per
 * line: a function called per byte would be JIT-compiled on every start of a short process.
 */
export function firstNonBase64(bytes: Uint8Array, start: number, end: number): number {
  for (let i = start; i < end; i++) if ((DECODE[bytes[i] as number] as number) < 0) return i;
  return end;
}

/** Length of the base64 text for `n` bytes. */
export function encodedLength(n: number, padded: boolean): number {
  return padded ? Math.ceil(n / 3) * 4 : Math.ceil((n * 4) / 3);
}

/** Base64 of `bytes` as ASCII bytes written into `out` at `offset`; returns the new offset. */
export function encodeBase64Into(
  bytes: Uint8Array,
  padded: boolean,
  out: Uint8Array,
  offset: number,
): number {
  return encodeBase64RangeInto(bytes, 0, bytes.length, padded, out, offset);
}

/** As encodeBase64Into for bytes[start, end), without allocating a subarray (armor's hot loop). */
export function encodeBase64RangeInto(
  bytes: Uint8Array,
  start: number,
  end: number,
  padded: boolean,
  out: Uint8Array,
  offset: number,
): number {
  countCoded(end - start);
  let o = offset;
  const whole = end - ((end - start) % 3);
  let i = start;
  for (; i < whole; i += 3) {
    const v = ((bytes[i] as number) << 16) | ((bytes[i + 1] as number) << 8) | (bytes[i + 2] as number);
    out[o++] = ENCODE[v >>> 18] as number;
    out[o++] = ENCODE[(v >>> 12) & 63] as number;
    out[o++] = ENCODE[(v >>> 6) & 63] as number;
    out[o++] = ENCODE[v & 63] as number;
  }
  const rest = end - whole;
  if (rest === 1) {
    const v = bytes[i] as number;
    out[o++] = ENCODE[v >>> 2] as number;
    out[o++] = ENCODE[(v & 3) << 4] as number;
    if (padded) {
      out[o++] = PAD;
      out[o++] = PAD;
    }
  } else if (rest === 2) {
    const v = ((bytes[i] as number) << 8) | (bytes[i + 1] as number);
    out[o++] = ENCODE[v >>> 10] as number;
    out[o++] = ENCODE[(v >>> 4) & 63] as number;
    out[o++] = ENCODE[(v & 15) << 2] as number;
    if (padded) out[o++] = PAD;
  }
  return o;
}

const latin1 = new TextDecoder("latin1");

export function encodeBase64(bytes: Uint8Array, padded = false): string {
  const out = new Uint8Array(encodedLength(bytes.length, padded));
  encodeBase64Into(bytes, padded, out, 0);
  // Decoded, not spread into String.fromCharCode: spreading a typed array runs the engine's
  // iteration code, compiled on first use in every process (each `seal` to a public key).
  return latin1.decode(out);
}

/** Bytes that `len` canonical base64 characters (padding included) decode to, at most. */
export function decodedLength(len: number): number {
  return Math.floor((len * 3) / 4);
}

/**
 * Decodes ASCII base64 held in `text[start, end)` into `out` at `offset` and returns the new
 * offset, or -1 if the text is not the canonical encoding of some byte string in the requested
 * form (padded: length a multiple of 4 with 0..2 "=" at the end; unpadded: no "=" at all and
 * length mod 4 != 1). `out` needs decodedLength(end - start) bytes of room.
 */
export function decodeBase64Into(
  text: Uint8Array,
  start: number,
  end: number,
  padded: boolean,
  out: Uint8Array,
  offset: number,
): number {
  countCoded(end - start);
  let len = end - start;
  if (padded) {
    if (len % 4 !== 0) return -1;
    if (len > 0 && text[end - 1] === PAD) {
      len--;
      if (text[end - 2] === PAD) len--;
    }
  }
  const tail = len % 4;
  if (tail === 1) return -1;
  const wholeEnd = start + len - tail;
  let o = offset;
  let i = start;
  for (; i < wholeEnd; i += 4) {
    const a = DECODE[text[i] as number] as number;
    const b = DECODE[text[i + 1] as number] as number;
    const c = DECODE[text[i + 2] as number] as number;
    const d = DECODE[text[i + 3] as number] as number;
    if ((a | b | c | d) < 0) return -1;
    const v = (a << 18) | (b << 12) | (c << 6) | d;
    out[o++] = v >>> 16;
    out[o++] = (v >>> 8) & 255;
    out[o++] = v & 255;
  }
  if (tail === 2) {
    const a = DECODE[text[i] as number] as number;
    const b = DECODE[text[i + 1] as number] as number;
    if ((a | b) < 0 || (b & 15) !== 0) return -1;
    out[o++] = (a << 2) | (b >>> 4);
  } else if (tail === 3) {
    const a = DECODE[text[i] as number] as number;
    const b = DECODE[text[i + 1] as number] as number;
    const c = DECODE[text[i + 2] as number] as number;
    if ((a | b | c) < 0 || (c & 3) !== 0) return -1;
    out[o++] = (a << 2) | (b >>> 4);
    out[o++] = ((b & 15) << 4) | (c >>> 2);
  }
  return o;
}

/** As decodeBase64Into, into a fresh array; null when not canonical. */
export function decodeBase64Bytes(
  text: Uint8Array,
  start: number,
  end: number,
  padded: boolean,
): Uint8Array | null {
  const out = new Uint8Array(decodedLength(end - start));
  const n = decodeBase64Into(text, start, end, padded, out, 0);
  return n < 0 ? null : out.subarray(0, n);
}

// The engine's own decoder and encoder (TC39 Uint8Array base64), declared here because the
// TypeScript lib does not have them yet.
const NativeUint8Array = Uint8Array as unknown as {
  fromBase64(text: string, options: { lastChunkHandling: "loose" }): Uint8Array;
};
type NativeEncoder = { toBase64(options: { omitPadding: boolean }): string };

/**
 * Canonical base64 of a string (stanza arguments, the MAC), unpadded unless `padded`, or null.
 * Decoded natively: the stanza argument of an mlkem768x25519 recipient is 1,494 characters, and
 * a JavaScript loop over it was a measurable part of `smem open -i`. The native decoder is
 * lenient (white space, optional padding, non-zero trailing bits), so the result is re-encoded
 * and must give back exactly `text`: that admits the canonical encoding and nothing else.
 */
export function decodeBase64(text: string, padded = false): Uint8Array | null {
  let bytes: Uint8Array;
  try {
    bytes = NativeUint8Array.fromBase64(text, { lastChunkHandling: "loose" });
  } catch {
    return null;
  }
  const again = (bytes as unknown as NativeEncoder).toBase64({ omitPadding: !padded });
  return again === text ? bytes : null;
}
