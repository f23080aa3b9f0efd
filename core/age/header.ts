// The age v1 header (C2SP age spec, "Header"): parse strictly, write canonically, and unwrap
// the file key (trying identities, then checking the HMAC-SHA-256 header MAC).
//
//   age-encryption.org/v1\n
//   -> type arg...\n            one or more stanzas, each with a base64 body wrapped at 64
//   <base64 body lines>\n       columns that ends with a line shorter than 64 (maybe empty)
//   --- <43 base64 chars>\n     MAC = HMAC-SHA-256(HKDF-SHA-256(file key, "", "header"),
//                               every header byte up to and including "---")
//
// Every deviation is a FormatError (exit 2): CR anywhere, non-canonical or padded base64, body
// lines over 64 columns, a stanza with no short final line, empty or non-VCHAR arguments, extra
// spaces, an empty stanza list, an unknown version. A wrong MAC or no usable identity is an
// AuthError (exit 3). parseHeader is incremental: it returns null while the bytes seen so far are
// a valid prefix of a header, so a decryptor can feed it what it has read.
import { utf8 } from "../bytes";
import { AuthError, FormatError, UsageError } from "../errors";
import { hkdfSha256Into, hmacSha256Into } from "../hash";
import { LockedBuffer } from "../locked-buffer";
import { decodeBase64Bytes, encodeBase64Into, encodedLength, firstNonBase64 } from "./base64";
import { FILE_KEY_BYTES, type Identity, type Recipient } from "./recipient";
import { isValidArgument, type Stanza } from "./stanza";

export const VERSION_LINE = "age-encryption.org/v1";
const VERSION_PREFIX = utf8("age-encryption.org/");
const INTRO = utf8(`${VERSION_LINE}\n`);
/** Body lines hold 64 base64 columns = 48 bytes; a shorter line ends the stanza. */
export const COLUMNS_PER_LINE = 64;
export const BYTES_PER_LINE = 48;
export const MAC_BYTES = 32;
const MAC_COLUMNS = 43;
/**
 * Refuse headers longer than this (1 MiB) rather than buffer without bound. The largest native
 * stanza (mlkem768x25519) takes about 1.6 KiB, so this leaves room for several hundred recipients.
 */
export const MAX_HEADER_BYTES = 1 << 20;

const LF = 0x0a;
const SPACE = 0x20;
const DASH = 0x2d;
const GT = 0x3e;

export interface ParsedHeader {
  stanzas: Stanza[];
  /** The 32-byte MAC from the `---` line. */
  mac: Uint8Array;
  /** What the MAC covers: the header from its first byte through `---`. */
  headerBytes: Uint8Array;
  /** Bytes consumed, through the newline of the MAC line; the payload starts here. */
  length: number;
}

const latin1 = new TextDecoder("latin1");
function ascii(bytes: Uint8Array, start: number, end: number): string {
  return latin1.decode(bytes.subarray(start, end));
}

/** A short, printable rendering of a bad line for error messages. */
function quote(bytes: Uint8Array, start: number, end: number): string {
  const shown = ascii(bytes, start, Math.min(end, start + 40));
  const escaped = JSON.stringify(shown).replace(
    /[\u0080-\uffff]/g,
    (c) => `\\x${c.charCodeAt(0).toString(16)}`,
  );
  return end - start > 40 ? `${escaped.slice(0, -1)}…"` : escaped;
}

function startsWith(bytes: Uint8Array, at: number, prefix: Uint8Array): boolean {
  if (bytes.length - at < prefix.length) return false;
  for (let i = 0; i < prefix.length; i++) if (bytes[at + i] !== prefix[i]) return false;
  return true;
}

/** True when bytes[at..] (however short) agrees with `prefix` as far as it goes. */
function agreesWith(bytes: Uint8Array, at: number, prefix: Uint8Array): boolean {
  const n = Math.min(prefix.length, bytes.length - at);
  for (let i = 0; i < n; i++) if (bytes[at + i] !== prefix[i]) return false;
  return true;
}

/** The stanza's arguments from an "-> a b c" line (without its LF), or FormatError. */
function parseArgumentLine(bytes: Uint8Array, start: number, end: number): string[] {
  if (end - start < 3 || bytes[start + 2] !== SPACE) {
    throw new FormatError(`malformed stanza line ${quote(bytes, start, end)}: expected "-> " and arguments`);
  }
  const args = ascii(bytes, start + 3, end).split(" ");
  for (const arg of args) {
    if (!isValidArgument(arg)) {
      throw new FormatError(
        `malformed stanza line ${quote(bytes, start, end)}: arguments must be printable ASCII separated by single spaces`,
      );
    }
  }
  return args;
}

/**
 * Parses the header at the start of `bytes`. Returns null when `bytes` is a valid but incomplete
 * prefix (read more and call again with everything); with `atEnd` (no more input will come) an
 * incomplete header is a FormatError instead. Throws FormatError as soon as the bytes cannot be
 * an age v1 header.
 */
export function parseHeader(bytes: Uint8Array, atEnd = false): ParsedHeader | null {
  const more = (): null => {
    if (atEnd) {
      throw new FormatError(
        bytes.length === 0 ? "input is empty, not an age file" : "age header is truncated",
      );
    }
    if (bytes.length > MAX_HEADER_BYTES) {
      throw new FormatError(`age header is longer than ${MAX_HEADER_BYTES} bytes`);
    }
    return null;
  };
  const limit = Math.min(bytes.length, MAX_HEADER_BYTES + 1);
  const nextLine = (from: number): number => {
    const i = bytes.indexOf(LF, from);
    return i < 0 || i >= limit ? -1 : i;
  };

  // Version line.
  if (!agreesWith(bytes, 0, VERSION_PREFIX))
    throw new FormatError("not an age file (no age-encryption.org header)");
  let eol = nextLine(0);
  if (eol < 0) {
    if (!agreesWith(bytes, 0, INTRO))
      throw new FormatError("unsupported age format version (only v1 is known)");
    return more();
  }
  if (!startsWith(bytes, 0, INTRO)) {
    if (bytes[eol - 1] === 0x0d) throw new FormatError("age header lines must end with LF, not CRLF");
    throw new FormatError(`unsupported age format version: ${quote(bytes, 0, eol)} (only v1 is known)`);
  }
  let pos = INTRO.length;
  const stanzas: Stanza[] = [];

  for (;;) {
    if (bytes.length - pos < 3) {
      // Not enough to tell a stanza from the MAC line; reject early what can be neither.
      if (!agreesWith(bytes, pos, utf8("->")) && !agreesWith(bytes, pos, utf8("---"))) {
        throw new FormatError(`malformed age header line ${quote(bytes, pos, bytes.length)}`);
      }
      return more();
    }
    eol = nextLine(pos);
    if (bytes[pos] === DASH && bytes[pos + 1] === DASH && bytes[pos + 2] === DASH) {
      if (eol < 0) return more();
      // MAC line: exactly "--- " + 43 base64 columns.
      if (stanzas.length === 0) throw new FormatError("age header has no recipient stanzas");
      if (eol - pos !== 4 + MAC_COLUMNS || bytes[pos + 3] !== SPACE) {
        throw new FormatError(`malformed age header MAC line ${quote(bytes, pos, eol)}`);
      }
      const mac = decodeBase64Bytes(bytes, pos + 4, eol, false);
      if (mac === null || mac.length !== MAC_BYTES) {
        throw new FormatError("malformed age header MAC: not canonical base64 of 32 bytes");
      }
      return { stanzas, mac, headerBytes: bytes.slice(0, pos + 3), length: eol + 1 };
    }
    if (bytes[pos] !== DASH || bytes[pos + 1] !== GT) {
      throw new FormatError(`malformed age header line ${quote(bytes, pos, eol < 0 ? bytes.length : eol)}`);
    }
    if (eol < 0) return more();
    const args = parseArgumentLine(bytes, pos, eol);
    pos = eol + 1;

    // Body: full 64-column lines, then one shorter (possibly empty) final line.
    const bodyStart = pos;
    for (;;) {
      eol = nextLine(pos);
      const lineEnd = eol < 0 ? bytes.length : eol;
      // A bad character within the first 65 columns is reported before the line's length.
      const limit = Math.min(lineEnd, pos + COLUMNS_PER_LINE + 1);
      const bad = firstNonBase64(bytes, pos, limit);
      if (bad < limit) {
        const what =
          bad === pos && bytes[bad] === DASH
            ? "stanza ended without a short final body line"
            : "invalid character in stanza body";
        throw new FormatError(`${what}: ${quote(bytes, pos, lineEnd)}`);
      }
      if (lineEnd - pos > COLUMNS_PER_LINE) {
        throw new FormatError("stanza body line is longer than 64 columns");
      }
      if (eol < 0) return more();
      const short = eol - pos < COLUMNS_PER_LINE;
      pos = eol + 1;
      if (short) break;
    }
    const body = decodeBody(bytes, bodyStart, pos);
    stanzas.push({ type: args[0] as string, args: args.slice(1), body });
  }
}

/** Decodes the body lines in bytes[start, end) (each ending in LF, validated characters). */
function decodeBody(bytes: Uint8Array, start: number, end: number): Uint8Array {
  const lines = Math.max(0, (end - start) / (COLUMNS_PER_LINE + 1));
  const full = Math.floor(lines);
  const finalStart = start + full * (COLUMNS_PER_LINE + 1);
  const tail = decodeBase64Bytes(bytes, finalStart, end - 1, false);
  if (tail === null) throw new FormatError("stanza body is not canonical unpadded base64");
  const body = new Uint8Array(full * BYTES_PER_LINE + tail.length);
  for (let i = 0; i < full; i++) {
    const s = start + i * (COLUMNS_PER_LINE + 1);
    const chunk = decodeBase64Bytes(bytes, s, s + COLUMNS_PER_LINE, false);
    if (chunk === null) throw new FormatError("stanza body is not canonical unpadded base64");
    body.set(chunk, i * BYTES_PER_LINE);
  }
  body.set(tail, full * BYTES_PER_LINE);
  return body;
}

/** The canonical encoding of one stanza: argument line, body lines, final short line. */
export function encodeStanza(stanza: Stanza): Uint8Array {
  // Built by pushes, not spreads: a spread runs the engine's iteration code (JavaScript compiled
  // on first use in every process), and `seal` comes here every run.
  const words = [stanza.type];
  for (const arg of stanza.args) words.push(arg);
  for (const w of words) {
    if (!isValidArgument(w)) throw new RangeError(`invalid stanza argument ${JSON.stringify(w)}`);
  }
  const argLine = utf8(`-> ${words.join(" ")}\n`);
  const columns = encodedLength(stanza.body.length, false);
  const out = new Uint8Array(argLine.length + columns + Math.floor(columns / COLUMNS_PER_LINE) + 1);
  out.set(argLine, 0);
  let o = argLine.length;
  for (let i = 0; i < stanza.body.length; i += BYTES_PER_LINE) {
    o = encodeBase64Into(stanza.body.subarray(i, i + BYTES_PER_LINE), false, out, o);
    if (i + BYTES_PER_LINE <= stanza.body.length) out[o++] = LF;
  }
  out[o++] = LF; // ends the final (short, possibly empty) line
  if (o !== out.length) throw new Error("internal error: stanza encoding length");
  return out;
}

/** Everything the MAC covers: version line, stanzas and the "---" mark. */
export function encodeHeaderWithoutMac(stanzas: readonly Stanza[]): Uint8Array {
  if (stanzas.length === 0) throw new RangeError("an age header needs at least one stanza");
  const parts = [INTRO];
  for (const stanza of stanzas) parts.push(encodeStanza(stanza));
  parts.push(utf8("---"));
  let total = 0;
  for (const p of parts) total += p.length;
  const out = new Uint8Array(total);
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

/** HMAC-SHA-256 of `headerBytes` under HKDF-SHA-256(fileKey, "", "header"), into `out`. */
export function headerMacInto(out: Uint8Array, fileKey: LockedBuffer, headerBytes: Uint8Array): void {
  using macKey = LockedBuffer.alloc(32);
  hkdfSha256Into(macKey.bytes(), fileKey, new Uint8Array(0), utf8("header"));
  hmacSha256Into(out, macKey, headerBytes);
}

/** The full header with MAC for `stanzas` (the caller vouches that they wrap `fileKey`). */
export function encodeHeader(stanzas: readonly Stanza[], fileKey: LockedBuffer): Uint8Array {
  const body = encodeHeaderWithoutMac(stanzas);
  const mac = new Uint8Array(MAC_BYTES);
  headerMacInto(mac, fileKey, body);
  const out = new Uint8Array(body.length + 1 + MAC_COLUMNS + 1);
  out.set(body, 0);
  out[body.length] = SPACE;
  const o = encodeBase64Into(mac, false, out, body.length + 1);
  out[o] = LF;
  return out;
}

function sameLabels(a: readonly string[], b: readonly string[]): boolean {
  const sa = new Set(a);
  const sb = new Set(b);
  if (sa.size !== sb.size) return false;
  for (const x of sa) if (!sb.has(x)) return false;
  return true;
}

function checkRecipients(recipients: Recipient[], fileKey: LockedBuffer): void {
  if (recipients.length === 0) throw new UsageError("no recipients to encrypt to");
  if (fileKey.size !== FILE_KEY_BYTES) throw new RangeError(`file key must be ${FILE_KEY_BYTES} bytes`);
  const first = recipients[0]?.labels ?? [];
  for (const r of recipients) {
    if (!sameLabels(first, r.labels ?? [])) {
      throw new UsageError(
        "these recipients cannot share a file: a passphrase must be the only recipient, and post-quantum recipients cannot be mixed with classical ones",
      );
    }
  }
}

/**
 * Wraps `fileKey` (16 bytes) for every recipient and returns the whole header through the MAC
 * line and its newline. Recipients whose label sets differ cannot share a file (UsageError):
 * a passphrase must be alone, post-quantum recipients cannot be mixed with classical ones.
 */
export function writeHeader(recipients: Recipient[], fileKey: LockedBuffer): Uint8Array {
  checkRecipients(recipients, fileKey);
  const stanzas: Stanza[] = [];
  for (const r of recipients) for (const stanza of r.wrap(fileKey)) stanzas.push(stanza);
  return encodeHeader(stanzas, fileKey);
}

/** Length of the encoded header (through the MAC line) for stanzas of these encoded lengths. */
export function headerLength(stanzas: readonly Stanza[]): number {
  return encodeHeaderWithoutMac(stanzas).length + 1 + MAC_COLUMNS + 1;
}

/**
 * writeHeader with the wrapping on other threads, for recipients that all offer wrapAsync (else
 * null): `length` is known at once (from their stanza shapes), the header bytes later. `fileKey`
 * must stay alive until `header` settles. The result equals what writeHeader would write with
 * the same stanzas.
 */
export function writeHeaderAsync(
  recipients: Recipient[],
  fileKey: LockedBuffer,
): { length: number; header: Promise<Uint8Array> } | null {
  checkRecipients(recipients, fileKey);
  if (!recipients.every((r) => r.wrapAsync !== undefined)) return null;
  const started = recipients.map((r) => (r.wrapAsync as NonNullable<Recipient["wrapAsync"]>)(fileKey));
  const length = headerLength(started.flatMap((w) => w.shape));
  const header = Promise.all(started.map((w) => w.stanzas)).then((parts) => {
    const bytes = encodeHeader(parts.flat(), fileKey);
    if (bytes.length !== length) throw new Error("internal error: the header length differs from its shape");
    return bytes;
  });
  return { length, header };
}

/**
 * Finds the file key: tries each identity in turn, then verifies the header MAC with it (before
 * any payload is read). FormatError from an identity (malformed stanza) stops at once; AuthError
 * (a stanza was ours but did not open) is remembered and the next identity is tried. Returns the
 * 16-byte file key in locked memory; the caller destroys it.
 */
export function unwrapFileKey(h: ParsedHeader, identities: Identity[]): LockedBuffer {
  let fileKey: LockedBuffer | null = null;
  let firstAuthError: AuthError | null = null;
  for (const identity of identities) {
    try {
      fileKey = identity.unwrap(h.stanzas);
    } catch (e) {
      if (e instanceof AuthError) {
        firstAuthError ??= e;
        continue;
      }
      throw e;
    }
    if (fileKey !== null) break;
  }
  if (fileKey === null) {
    throw firstAuthError ?? new AuthError("no identity matched any of the file's recipients");
  }
  try {
    if (fileKey.size !== FILE_KEY_BYTES) throw new FormatError("unwrapped file key has the wrong length");
    using expected = LockedBuffer.alloc(MAC_BYTES);
    headerMacInto(expected.bytes(), fileKey, h.headerBytes);
    if (!expected.equals(h.mac)) {
      throw new AuthError("header MAC mismatch: the file was tampered with or corrupted");
    }
  } catch (e) {
    fileKey.destroy();
    throw e;
  }
  return fileKey;
}
