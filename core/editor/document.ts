// A text document: a GapBuffer of UTF-8 bytes in locked memory plus an index of line starts kept
// as byte offsets (numbers, not text). Only the lines on screen are ever decoded into strings.
import { GapBuffer } from "./gap-buffer";

const LF = 0x0a;

export class TextDocument implements Disposable {
  readonly #buf: GapBuffer;
  /** Byte offset where each line starts; lineStarts[0] is always 0. */
  #lineStarts: number[] = [0];

  constructor(initial: Uint8Array) {
    this.#buf = GapBuffer.from(initial);
    for (let i = 0; i < initial.length; i++) if (initial[i] === LF) this.#lineStarts.push(i + 1);
  }

  get length(): number {
    return this.#buf.length;
  }

  get lineCount(): number {
    return this.#lineStarts.length;
  }

  byteAt(pos: number): number {
    return this.#buf.byteAt(pos);
  }

  lineStart(line: number): number {
    return this.#lineStarts[line] as number;
  }

  /** Offset just past the last byte of `line`, not counting its newline. */
  lineEnd(line: number): number {
    return line + 1 < this.#lineStarts.length ? (this.#lineStarts[line + 1] as number) - 1 : this.#buf.length;
  }

  /** The line holding byte offset `pos` (binary search). */
  lineOf(pos: number): number {
    let lo = 0;
    let hi = this.#lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((this.#lineStarts[mid] as number) <= pos) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  insert(pos: number, data: Uint8Array): void {
    this.#buf.insert(pos, data);
    const line = this.lineOf(pos);
    const added: number[] = [];
    for (let i = 0; i < data.length; i++) if (data[i] === LF) added.push(pos + i + 1);
    for (let l = line + 1; l < this.#lineStarts.length; l++) {
      this.#lineStarts[l] = (this.#lineStarts[l] as number) + data.length;
    }
    if (added.length > 0) this.#lineStarts.splice(line + 1, 0, ...added);
  }

  delete(start: number, end: number): void {
    if (end <= start) return;
    const first = this.lineOf(start);
    const last = this.lineOf(end);
    this.#buf.delete(start, end - start);
    // Lines starting inside (start, end] are gone; later ones shift left.
    this.#lineStarts.splice(first + 1, last - first);
    for (let l = first + 1; l < this.#lineStarts.length; l++) {
      this.#lineStarts[l] = (this.#lineStarts[l] as number) - (end - start);
    }
  }

  /** Zero-copy view of [start, end), valid until the next edit. */
  view(start: number, end: number): Uint8Array {
    return this.#buf.view(start, end);
  }

  /** The whole text as one view (for saving), valid until the next edit. */
  contents(): Uint8Array {
    return this.#buf.contents();
  }

  destroy(): void {
    this.#buf.destroy();
    this.#lineStarts = [0];
  }

  [Symbol.dispose](): void {
    this.destroy();
  }
}
