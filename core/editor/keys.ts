// Turns raw terminal input into key events. Typed text stays bytes: a text event is a view into
// the input chunk (complete UTF-8 sequences only), which the caller inserts into the locked
// document and then wipes, so the text never becomes a JS string on its way in.
import { utf8SequenceLength } from "../text/utf8";

export type NamedKey =
  | "up"
  | "down"
  | "left"
  | "right"
  | "home"
  | "end"
  | "pageup"
  | "pagedown"
  | "insert"
  | "delete"
  | "backspace"
  | "enter"
  | "tab"
  | "esc"
  | "f1"
  | "f2"
  | "f3"
  | "f4"
  | "f5"
  | "f6"
  | "f7"
  | "f8"
  | "f9"
  | "f10"
  | "f11"
  | "f12";

export type KeyEvent =
  | { kind: "text"; bytes: Uint8Array }
  | { kind: "key"; key: NamedKey }
  /** Ctrl plus a letter a..z (Ctrl-@ is "@", Ctrl-_ is "_"). Tab, Enter, Esc come as keys. */
  | { kind: "ctrl"; letter: string };

const ESC = 0x1b;

// CSI <n> ~ forms (xterm, rxvt, linux console, tmux).
const TILDE_KEYS: Record<number, NamedKey> = {
  1: "home",
  2: "insert",
  3: "delete",
  4: "end",
  5: "pageup",
  6: "pagedown",
  7: "home",
  8: "end",
  11: "f1",
  12: "f2",
  13: "f3",
  14: "f4",
  15: "f5",
  17: "f6",
  18: "f7",
  19: "f8",
  20: "f9",
  21: "f10",
  23: "f11",
  24: "f12",
};

// CSI/SS3 final letters.
const LETTER_KEYS: Record<string, NamedKey> = {
  A: "up",
  B: "down",
  C: "right",
  D: "left",
  H: "home",
  F: "end",
  P: "f1",
  Q: "f2",
  R: "f3",
  S: "f4",
};

export class KeyDecoder {
  /** Bytes of a UTF-8 sequence or escape sequence cut by the end of the previous chunk. */
  #pending = new Uint8Array(32);
  #pendingLength = 0;
  /** The last chunk joined with carried bytes (holds typed text): wiped on the next call. */
  #joined: Uint8Array | null = null;

  /**
   * Decodes one chunk. Text events are views into `chunk` (or into an internal carry buffer) and
   * are valid only until the next call.
   */
  feed(input: Uint8Array): KeyEvent[] {
    let chunk = input;
    this.#joined?.fill(0);
    this.#joined = null;
    if (this.#pendingLength > 0) {
      const joined = new Uint8Array(this.#pendingLength + input.length);
      joined.set(this.#pending.subarray(0, this.#pendingLength));
      joined.set(input, this.#pendingLength);
      this.#pending.fill(0);
      this.#pendingLength = 0;
      chunk = joined;
      this.#joined = joined;
    }
    const events: KeyEvent[] = [];
    let i = 0;
    const n = chunk.length;
    while (i < n) {
      const b = chunk[i] as number;
      if (b === ESC) {
        i = this.#escape(chunk, i, events);
        continue;
      }
      if (b === 0x0d || b === 0x0a) {
        events.push({ kind: "key", key: "enter" });
        i += b === 0x0d && chunk[i + 1] === 0x0a ? 2 : 1; // a pasted CRLF is one line break
      } else if (b === 0x09) {
        events.push({ kind: "key", key: "tab" });
        i++;
      } else if (b === 0x7f) {
        events.push({ kind: "key", key: "backspace" });
        i++;
      } else if (b < 0x20) {
        events.push({ kind: "ctrl", letter: String.fromCharCode(b + 0x40).toLowerCase() });
        i++;
      } else {
        // A run of printable text: stop at the first control byte or ESC.
        const start = i;
        while (i < n) {
          const c = chunk[i] as number;
          if (c < 0x20 || c === 0x7f) break;
          const len = utf8SequenceLength(chunk, i, n);
          if (len === 0) break;
          i += len;
        }
        if (i > start) events.push({ kind: "text", bytes: chunk.subarray(start, i) });
        if (i < n && (chunk[i] as number) >= 0x80 && utf8SequenceLength(chunk, i, n) === 0) {
          if (!this.#isTruncatedTail(chunk, i, n)) {
            i++; // an ill-formed byte: dropped, so the document stays valid UTF-8
            continue;
          }
          this.#carry(chunk.subarray(i));
          i = n;
        }
      }
    }
    return events;
  }

  /** Whether bytes are held back waiting for the rest of an escape or UTF-8 sequence. */
  get pending(): boolean {
    return this.#pendingLength > 0;
  }

  /**
   * Called when no more input came for a moment: a held-back ESC is the Esc key; an escape
   * sequence or UTF-8 sequence that never completed is dropped.
   */
  flush(): KeyEvent[] {
    const wasEsc = this.#pendingLength === 1 && this.#pending[0] === ESC;
    this.#pending.fill(0);
    this.#pendingLength = 0;
    return wasEsc ? [{ kind: "key", key: "esc" }] : [];
  }

  /** Whether bytes [i, n) are the start of a valid multi-byte sequence cut short. */
  #isTruncatedTail(chunk: Uint8Array, i: number, n: number): boolean {
    const b0 = chunk[i] as number;
    const need =
      b0 >= 0xf0 && b0 <= 0xf4 ? 4 : b0 >= 0xe0 && b0 <= 0xef ? 3 : b0 >= 0xc2 && b0 <= 0xdf ? 2 : 0;
    if (need === 0 || n - i >= need) return false;
    for (let k = i + 1; k < n; k++) if (((chunk[k] as number) & 0xc0) !== 0x80) return false;
    return true;
  }

  #carry(bytes: Uint8Array): void {
    if (bytes.length > this.#pending.length) return; // nonsense input: drop it
    this.#pending.set(bytes);
    this.#pendingLength = bytes.length;
  }

  /** Parses an escape sequence at `i`; returns the index after it. */
  #escape(chunk: Uint8Array, i: number, events: KeyEvent[]): number {
    const n = chunk.length;
    const next = chunk[i + 1];
    if (next === 0x5b /* [ */ || next === 0x4f /* O */) {
      // Parameters (digits and ;), then one final byte in 0x40..0x7e.
      let j = i + 2;
      while (j < n && (((chunk[j] as number) >= 0x30 && (chunk[j] as number) <= 0x3f) || chunk[j] === 0x3b))
        j++;
      if (j >= n) {
        // Sequence cut by the chunk end: keep it for the next chunk.
        this.#carry(chunk.subarray(i));
        return n;
      }
      const final = String.fromCharCode(chunk[j] as number);
      const params = String.fromCharCode(...chunk.subarray(i + 2, j));
      const key = final === "~" ? TILDE_KEYS[Number(params.split(";")[0])] : LETTER_KEYS[final];
      if (key !== undefined) events.push({ kind: "key", key });
      return j + 1;
    }
    if (i + 1 >= n) {
      // ESC as the last byte: the Esc key, or the start of a sequence whose rest has not been
      // read yet. Keep it; the next chunk, or flush() after a short pause, decides.
      this.#carry(chunk.subarray(i));
      return n;
    }
    // A lone ESC (the key itself); whatever follows is decoded on its own.
    events.push({ kind: "key", key: "esc" });
    return i + 1;
  }
}
