// Bech32 (BIP 173, the checksum age uses) over bytes, for secret-key strings. @scure/base's
// bech32 works on JS strings; a secret key must not become one, so this codec reads the ASCII
// text from a Uint8Array (a view of locked memory) and writes the payload, and the 5-bit groups
// in between, into LockedBuffers. Public strings (recipients) use @scure/base directly; the tests
// check both codecs agree. There is no 90-character limit: age's post-quantum keys are longer.
import { FormatError } from "../errors";
import { LockedBuffer } from "../locked-buffer";

const CHARSET = "qpzry9x8gf2tvdw0s3jn54khce6mua7l";
const GENERATOR = [0x3b6a57b2, 0x26508e6d, 0x1ea119fa, 0x3d4233dd, 0x2a1462b3];
const CHECKSUM_LENGTH = 6;
const SEPARATOR = 0x31; // "1"

/** ASCII code (lower case) → 5-bit value, -1 for characters outside the alphabet. */
const DECODE = new Int8Array(128).fill(-1);
for (let i = 0; i < CHARSET.length; i++) DECODE[CHARSET.charCodeAt(i)] = i;
const ENCODE_LOWER = new Uint8Array(32);
const ENCODE_UPPER = new Uint8Array(32);
for (let i = 0; i < 32; i++) {
  ENCODE_LOWER[i] = CHARSET.charCodeAt(i);
  ENCODE_UPPER[i] = CHARSET.toUpperCase().charCodeAt(i);
}

/** The XOR of the generator words selected by the five bits shifted out of the checksum. */
const GENERATOR_BY_TOP = new Uint32Array(32);
for (let top = 0; top < 32; top++) {
  let mix = 0;
  for (let i = 0; i < 5; i++) if ((top >>> i) & 1) mix ^= GENERATOR[i] as number;
  GENERATOR_BY_TOP[top] = mix;
}

// The checksum runs over whole arrays of 5-bit values, one call each: a short-lived process pays
// for a function called per character (the engine compiles it after a few dozen calls).

/** Checksum state `chk` after the 5-bit values in `values`. */
function polymod(chk: number, values: Uint8Array): number {
  for (let i = 0; i < values.length; i++) {
    const top = chk >>> 25;
    chk = (((chk & 0x1ffffff) << 5) ^ (values[i] as number) ^ (GENERATOR_BY_TOP[top] as number)) >>> 0;
  }
  return chk;
}

/** Checksum state after the expanded human-readable part (lower-cased). */
function hrpPolymod(hrp: string): number {
  const expanded = new Uint8Array(hrp.length * 2 + 1);
  for (let i = 0; i < hrp.length; i++) {
    expanded[i] = hrp.charCodeAt(i) >> 5;
    expanded[hrp.length + 1 + i] = hrp.charCodeAt(i) & 31;
  }
  return polymod(1, expanded);
}

function validHrp(hrp: string): boolean {
  if (hrp.length === 0) return false;
  for (let i = 0; i < hrp.length; i++) {
    const c = hrp.charCodeAt(i);
    if (c < 33 || c > 126) return false;
  }
  return true;
}

export interface Bech32Decoded {
  /** The human-readable part as written (public: it names the key type). */
  hrp: string;
  /** The payload bytes, in locked memory. */
  data: LockedBuffer;
}

/**
 * Decodes Bech32 text held in `text` (ASCII bytes, all upper or all lower case). The payload
 * goes to a LockedBuffer; FormatError for anything malformed (never echoing the text).
 */
export function bech32DecodeBytes(text: Uint8Array): Bech32Decoded {
  let hasLower = false;
  let hasUpper = false;
  let separator = -1;
  for (let i = 0; i < text.length; i++) {
    const c = text[i] as number;
    if (c < 33 || c > 126) throw new FormatError("malformed key string: invalid character");
    if (c >= 0x61 && c <= 0x7a) hasLower = true;
    if (c >= 0x41 && c <= 0x5a) hasUpper = true;
    if (c === SEPARATOR) separator = i;
  }
  if (hasLower && hasUpper) throw new FormatError("malformed key string: mixed case");
  if (separator < 1) throw new FormatError("malformed key string: missing separator or type");
  const wordCount = text.length - separator - 1 - CHECKSUM_LENGTH;
  if (wordCount < 0) throw new FormatError("malformed key string: too short");
  // The HRP is public (it names the key type), so it may become a string. (apply, not a spread:
  // spreading a typed array runs the engine's iteration code, compiled on first use.)
  const hrp = String.fromCharCode.apply(null, text.subarray(0, separator) as unknown as number[]);
  if (!validHrp(hrp)) throw new FormatError("malformed key string: invalid type");
  // The payload's 5-bit groups, then the six of the checksum.
  using words = LockedBuffer.alloc(wordCount + CHECKSUM_LENGTH);
  const w = words.bytes();
  for (let i = separator + 1; i < text.length; i++) {
    const c = (text[i] as number) | 0x20; // lower-case letters; digits are unchanged by | 0x20
    const v = c < 128 ? (DECODE[c] as number) : -1;
    if (v < 0) throw new FormatError("malformed key string: invalid character");
    w[i - separator - 1] = v;
  }
  if (polymod(hrpPolymod(hrp.toLowerCase()), w) !== 1) {
    throw new FormatError("malformed key string: bad checksum");
  }
  const dataLength = Math.floor((wordCount * 5) / 8);
  const data = LockedBuffer.alloc(dataLength);
  const d = data.bytes();
  let acc = 0;
  let bits = 0;
  let out = 0;
  for (let i = 0; i < wordCount; i++) {
    acc = ((acc << 5) | (w[i] as number)) & 0xfff;
    bits += 5;
    if (bits >= 8) {
      bits -= 8;
      d[out++] = (acc >> bits) & 0xff;
    }
  }
  const leftover = acc & ((1 << bits) - 1);
  acc = 0;
  if (bits >= 5 || leftover !== 0) {
    data.destroy();
    throw new FormatError("malformed key string: invalid padding");
  }
  return { hrp, data };
}

/**
 * Encodes `data` under `hrp` into a LockedBuffer of ASCII (upper case when `upper`, as age
 * writes secret keys). The HRP must already be in the case it will be written in.
 */
export function bech32EncodeBytes(hrp: string, data: Uint8Array, upper: boolean): LockedBuffer {
  if (!validHrp(hrp)) throw new RangeError("invalid Bech32 human-readable part");
  const wordCount = Math.ceil((data.length * 8) / 5);
  const out = LockedBuffer.alloc(hrp.length + 1 + wordCount + CHECKSUM_LENGTH);
  const o = out.bytes();
  const alphabet = upper ? ENCODE_UPPER : ENCODE_LOWER;
  const writtenHrp = upper ? hrp.toUpperCase() : hrp.toLowerCase();
  for (let i = 0; i < writtenHrp.length; i++) o[i] = writtenHrp.charCodeAt(i);
  o[writtenHrp.length] = SEPARATOR;
  let pos = writtenHrp.length + 1;
  // The payload's 5-bit groups, then six zero groups over which the checksum is computed.
  using words = LockedBuffer.alloc(wordCount + CHECKSUM_LENGTH);
  const w = words.bytes();
  let acc = 0;
  let bits = 0;
  let count = 0;
  for (let i = 0; i < data.length; i++) {
    acc = ((acc << 8) | (data[i] as number)) & 0xfff;
    bits += 8;
    while (bits >= 5) {
      bits -= 5;
      w[count++] = (acc >> bits) & 31;
    }
  }
  if (bits > 0) w[count++] = (acc << (5 - bits)) & 31;
  acc = 0;
  const chk = polymod(hrpPolymod(hrp.toLowerCase()), w) ^ 1;
  for (let i = 0; i < wordCount; i++) o[pos++] = alphabet[w[i] as number] as number;
  for (let i = 0; i < CHECKSUM_LENGTH; i++) o[pos++] = alphabet[(chk >>> (5 * (5 - i))) & 31] as number;
  return out;
}
