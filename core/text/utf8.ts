// UTF-8 over raw bytes, so the editor and core/sedit can check and walk a document that lives in
// locked memory without ever decoding all of it into a JS string.

/**
 * Length of the well-formed UTF-8 sequence starting at `i` (1..4), or 0 when the bytes there are
 * not one (overlong forms, surrogates, values above U+10FFFF, truncated or stray continuation bytes).
 */
export function utf8SequenceLength(bytes: Uint8Array, i: number, end = bytes.length): number {
  const b0 = bytes[i] as number;
  if (b0 < 0x80) return 1;
  let need: number;
  let lo = 0x80;
  let hi = 0xbf;
  if (b0 >= 0xc2 && b0 <= 0xdf) need = 1;
  else if (b0 >= 0xe0 && b0 <= 0xef) {
    need = 2;
    if (b0 === 0xe0) lo = 0xa0; // overlong
    if (b0 === 0xed) hi = 0x9f; // surrogates
  } else if (b0 >= 0xf0 && b0 <= 0xf4) {
    need = 3;
    if (b0 === 0xf0) lo = 0x90; // overlong
    if (b0 === 0xf4) hi = 0x8f; // above U+10FFFF
  } else return 0;
  if (i + need >= end) return 0; // truncated
  const b1 = bytes[i + 1] as number;
  if (b1 < lo || b1 > hi) return 0;
  for (let k = 2; k <= need; k++) {
    const b = bytes[i + k] as number;
    if (b < 0x80 || b > 0xbf) return 0;
  }
  return need + 1;
}

/** True when all of `bytes` is well-formed UTF-8. */
export function isValidUtf8(bytes: Uint8Array): boolean {
  let i = 0;
  const n = bytes.length;
  while (i < n) {
    const len = utf8SequenceLength(bytes, i, n);
    if (len === 0) return false;
    i += len;
  }
  return true;
}

/** The code point of the well-formed sequence of length `len` at `i`. */
export function decodeCodePoint(bytes: Uint8Array, i: number, len: number): number {
  const b0 = bytes[i] as number;
  if (len === 1) return b0;
  let cp = b0 & (len === 2 ? 0x1f : len === 3 ? 0x0f : 0x07);
  for (let k = 1; k < len; k++) cp = (cp << 6) | ((bytes[i + k] as number) & 0x3f);
  return cp;
}

/** Whether `b` is a UTF-8 continuation byte (10xxxxxx). */
export function isContinuation(b: number): boolean {
  return (b & 0xc0) === 0x80;
}
