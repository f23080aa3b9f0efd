// ASCII armor for age files (C2SP age spec, "ASCII armor"): strict PEM (RFC 7468 section 3)
// with the label "AGE ENCRYPTED FILE", padded standard base64 in 64-column lines, no headers.
//
// Accepted, and nothing else: up to 1 KiB of whitespace-only lines before the BEGIN line and
// up to 1 KiB of whitespace after the END line (as age), LF or CRLF line endings, no newline
// after the END line. Rejected (FormatError, exit 2): anything else before or after, a data line
// that is empty, longer than 64 columns or not canonical padded base64, a short data line that
// is not the last, missing END line, whitespace inside lines, another label.
// Both directions stream with bounded memory: ArmorDecoder/ArmorEncoder take chunks of any size.
import { utf8 } from "../bytes";
import { FormatError } from "../errors";
import { decodeBase64Into, decodedLength, encodeBase64Into, encodeBase64RangeInto } from "./base64";

export const ARMOR_BEGIN = "-----BEGIN AGE ENCRYPTED FILE-----";
export const ARMOR_END = "-----END AGE ENCRYPTED FILE-----";
const BEGIN = utf8(ARMOR_BEGIN);
const END = utf8(ARMOR_END);
const COLUMNS = 64;
const BYTES_PER_LINE = 48;
/** Whitespace tolerated before the BEGIN line and after the END line (as age). */
export const MAX_ARMOR_WHITESPACE = 1024;
/** How many leading bytes isArmored needs to decide (or the whole input, if shorter). */
export const ARMOR_DETECT_BYTES = MAX_ARMOR_WHITESPACE + BEGIN.length;

const LF = 0x0a;
const CR = 0x0d;

function isSpace(c: number): boolean {
  return c === 0x20 || (c >= 0x09 && c <= 0x0d);
}

function equalsAt(bytes: Uint8Array, start: number, end: number, want: Uint8Array): boolean {
  if (end - start !== want.length) return false;
  for (let i = 0; i < want.length; i++) if (bytes[start + i] !== want[i]) return false;
  return true;
}

function armorError(what: string): FormatError {
  return new FormatError(`invalid armor: ${what}`);
}

/**
 * Does this input start (after whitespace) with the armor BEGIN line? Pass the first
 * ARMOR_DETECT_BYTES bytes, or all of the input if it is shorter.
 */
export function isArmored(start: Uint8Array): boolean {
  let i = 0;
  const limit = Math.min(start.length, ARMOR_DETECT_BYTES);
  while (i < limit && isSpace(start[i] as number)) i++;
  if (start.length - i < BEGIN.length) return false;
  return equalsAt(start, i, i + BEGIN.length, BEGIN);
}

type DecoderState = "leading" | "data" | "footer" | "trailing";

/** Streaming armor decoder: push() chunks, get payload bytes back; end() checks the close. */
export class ArmorDecoder {
  #state: DecoderState = "leading";
  /** An incomplete line carried over from the previous chunk. */
  #carry: Uint8Array = new Uint8Array(0);
  #whitespace = 0;

  /** Decodes every complete line in `chunk`; returns the payload bytes they hold. */
  push(chunk: Uint8Array): Uint8Array {
    let input = chunk;
    if (this.#carry.length > 0) {
      input = new Uint8Array(this.#carry.length + chunk.length);
      input.set(this.#carry, 0);
      input.set(chunk, this.#carry.length);
    }
    const out = new Uint8Array(decodedLength(input.length));
    let o = 0;
    let pos = 0;
    for (;;) {
      if (this.#state === "trailing") {
        this.#trailing(input, pos, input.length);
        pos = input.length;
        break;
      }
      const eol = input.indexOf(LF, pos);
      if (eol < 0) break;
      o = this.#line(input, pos, eol, out, o);
      pos = eol + 1;
    }
    this.#carry = input.slice(pos);
    this.#checkCarry();
    return out.subarray(0, o);
  }

  /** Input is over: decodes a last line without newline and checks the armor was closed. */
  end(): Uint8Array {
    const rest = this.#carry;
    this.#carry = new Uint8Array(0);
    const out = new Uint8Array(decodedLength(rest.length));
    let o = 0;
    if (rest.length > 0) o = this.#line(rest, 0, rest.length, out, 0);
    if (this.#state === "leading") throw armorError(`missing "${ARMOR_BEGIN}" line`);
    if (this.#state !== "trailing") throw armorError(`missing "${ARMOR_END}" line`);
    return out.subarray(0, o);
  }

  /** Bounds the carried partial line so garbage without newlines cannot grow it. */
  #checkCarry(): void {
    const n = this.#carry.length;
    if (this.#state === "leading") {
      if (n > MAX_ARMOR_WHITESPACE + BEGIN.length + 1) throw armorError("no BEGIN line near the start");
    } else if (this.#state === "data") {
      if (n > COLUMNS + 1) throw armorError("line longer than 64 columns");
    } else if (this.#state === "footer") {
      if (n > END.length + 1) throw armorError(`a short line must be the last, followed by "${ARMOR_END}"`);
    }
  }

  #trailing(bytes: Uint8Array, start: number, end: number): void {
    for (let i = start; i < end; i++) {
      if (!isSpace(bytes[i] as number)) throw armorError("data after the END line");
    }
    this.#whitespace += end - start;
    if (this.#whitespace >= MAX_ARMOR_WHITESPACE) throw armorError("too much whitespace after the END line");
  }

  /** One line bytes[start, end) without its LF; decoded data goes to out[o..]. */
  #line(bytes: Uint8Array, start: number, lineEnd: number, out: Uint8Array, o: number): number {
    const end = lineEnd > start && bytes[lineEnd - 1] === CR ? lineEnd - 1 : lineEnd;
    switch (this.#state) {
      case "leading": {
        let blank = true;
        for (let i = start; i < end; i++) if (!isSpace(bytes[i] as number)) blank = false;
        if (blank) {
          this.#whitespace += lineEnd - start + 1;
          if (this.#whitespace > MAX_ARMOR_WHITESPACE)
            throw armorError("too much whitespace before the BEGIN line");
          return o;
        }
        if (!equalsAt(bytes, start, end, BEGIN)) throw armorError(`the first line is not "${ARMOR_BEGIN}"`);
        this.#state = "data";
        this.#whitespace = 0;
        return o;
      }
      case "data": {
        if (equalsAt(bytes, start, end, END)) {
          this.#state = "trailing";
          return o;
        }
        if (end === start) throw armorError("empty line inside the armored data");
        if (end - start > COLUMNS) throw armorError("line longer than 64 columns");
        const next = decodeBase64Into(bytes, start, end, true, out, o);
        if (next < 0) throw armorError("a line is not canonical padded base64");
        if (next - o < BYTES_PER_LINE) this.#state = "footer";
        return next;
      }
      case "footer":
        if (!equalsAt(bytes, start, end, END)) {
          throw armorError(`a short line must be the last, followed by "${ARMOR_END}"`);
        }
        this.#state = "trailing";
        return o;
      case "trailing":
        this.#trailing(bytes, start, lineEnd);
        return o;
    }
  }
}

/** Streaming armor encoder: push() payload chunks, get armored text; end() closes it. */
export class ArmorEncoder {
  #started = false;
  #carry = new Uint8Array(BYTES_PER_LINE);
  #carried = 0;

  push(chunk: Uint8Array): Uint8Array {
    const total = this.#carried + chunk.length;
    const lines = Math.floor(total / BYTES_PER_LINE);
    const head = this.#started ? 0 : BEGIN.length + 1;
    const out = new Uint8Array(head + lines * (COLUMNS + 1));
    let o = 0;
    if (!this.#started) {
      out.set(BEGIN, 0);
      out[BEGIN.length] = LF;
      o = head;
      this.#started = true;
    }
    let i = 0;
    if (this.#carried > 0 && lines > 0) {
      const need = BYTES_PER_LINE - this.#carried;
      this.#carry.set(chunk.subarray(0, need), this.#carried);
      o = encodeBase64Into(this.#carry, true, out, o);
      out[o++] = LF;
      this.#carried = 0;
      i = need;
    }
    for (; i + BYTES_PER_LINE <= chunk.length; i += BYTES_PER_LINE) {
      o = encodeBase64RangeInto(chunk, i, i + BYTES_PER_LINE, true, out, o);
      out[o++] = LF;
    }
    this.#carry.set(chunk.subarray(i), this.#carried);
    this.#carried += chunk.length - i;
    return out;
  }

  /** The last partial line (if any) and the END line. */
  end(): Uint8Array {
    const head = this.push(new Uint8Array(0));
    const tail = this.#carried > 0 ? Math.ceil(this.#carried / 3) * 4 + 1 : 0;
    const out = new Uint8Array(head.length + tail + END.length + 1);
    out.set(head, 0);
    let o = head.length;
    if (this.#carried > 0) {
      o = encodeBase64Into(this.#carry.subarray(0, this.#carried), true, out, o);
      out[o++] = LF;
      this.#carried = 0;
    }
    out.set(END, o);
    out[o + END.length] = LF;
    return out;
  }
}

/** Armors a whole buffer. */
export function armor(payload: Uint8Array): Uint8Array {
  const enc = new ArmorEncoder();
  const body = enc.push(payload);
  const tail = enc.end();
  const out = new Uint8Array(body.length + tail.length);
  out.set(body, 0);
  out.set(tail, body.length);
  return out;
}

/** Strictly decodes a whole armored buffer (FormatError if anything is off). */
export function dearmor(text: Uint8Array): Uint8Array {
  const dec = new ArmorDecoder();
  const body = dec.push(text);
  const tail = dec.end();
  if (tail.length === 0) return body;
  const out = new Uint8Array(body.length + tail.length);
  out.set(body, 0);
  out.set(tail, body.length);
  return out;
}
