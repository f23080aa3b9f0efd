// The editor's document bytes: a gap buffer whose storage is always one LockedBuffer. Edits
// happen at the gap, which moves to the edit position; growing allocates a bigger LockedBuffer,
// copies both halves across and destroys (wipes and unmaps) the old one, so no copy of the text
// is ever left behind in memory that is not locked.
import { LockedBuffer } from "../locked-buffer";

const MIN_CAPACITY = 4096;

export class GapBuffer implements Disposable {
  #store: LockedBuffer;
  #gapStart: number;
  #gapEnd: number;

  private constructor(capacity: number) {
    this.#store = LockedBuffer.alloc(capacity);
    this.#gapStart = 0;
    this.#gapEnd = capacity;
  }

  /** A buffer holding a copy of `initial` (the caller still owns and destroys `initial`). */
  static from(initial: Uint8Array): GapBuffer {
    const gb = new GapBuffer(Math.max(MIN_CAPACITY, initial.length + (initial.length >> 1)));
    gb.insert(0, initial);
    return gb;
  }

  /** Document length in bytes. */
  get length(): number {
    return this.#store.size - (this.#gapEnd - this.#gapStart);
  }

  /** Bytes of locked memory held (for tests). */
  get capacity(): number {
    return this.#store.size;
  }

  byteAt(pos: number): number {
    const bytes = this.#store.bytes();
    return (pos < this.#gapStart ? bytes[pos] : bytes[pos + this.#gapEnd - this.#gapStart]) as number;
  }

  insert(pos: number, data: Uint8Array): void {
    this.#checkPos(pos);
    if (data.length === 0) return;
    this.#ensureGap(data.length);
    this.#moveGap(pos);
    this.#store.bytes().set(data, this.#gapStart);
    this.#gapStart += data.length;
  }

  /** Removes `count` bytes starting at `pos`; the removed bytes are wiped. */
  delete(pos: number, count: number): void {
    this.#checkPos(pos);
    if (count < 0 || pos + count > this.length) throw new RangeError("delete past the end of the document");
    if (count === 0) return;
    this.#moveGap(pos);
    this.#store.bytes().fill(0, this.#gapEnd, this.#gapEnd + count);
    this.#gapEnd += count;
  }

  /**
   * A zero-copy view of bytes [start, end). If the range straddles the gap, the gap moves out of
   * the way first. The view is valid until the next edit.
   */
  view(start: number, end: number): Uint8Array {
    if (start < 0 || end < start || end > this.length) throw new RangeError("view outside the document");
    if (start < this.#gapStart && end > this.#gapStart) this.#moveGap(end);
    const bytes = this.#store.bytes();
    return end <= this.#gapStart
      ? bytes.subarray(start, end)
      : bytes.subarray(start + this.#gapEnd - this.#gapStart, end + this.#gapEnd - this.#gapStart);
  }

  /** The whole document as one view (moves the gap to the end). Valid until the next edit. */
  contents(): Uint8Array {
    this.#moveGap(this.length);
    return this.#store.bytes().subarray(0, this.length);
  }

  destroy(): void {
    this.#store.destroy();
  }

  [Symbol.dispose](): void {
    this.destroy();
  }

  #checkPos(pos: number): void {
    if (!Number.isInteger(pos) || pos < 0 || pos > this.length) {
      throw new RangeError(`position ${pos} outside the document (length ${this.length})`);
    }
  }

  #moveGap(pos: number): void {
    if (pos === this.#gapStart) return;
    const bytes = this.#store.bytes();
    const gap = this.#gapEnd - this.#gapStart;
    if (pos < this.#gapStart) {
      // Bytes [pos, gapStart) move to the end of the gap.
      bytes.copyWithin(pos + gap, pos, this.#gapStart);
      bytes.fill(0, pos, Math.min(pos + gap, this.#gapStart));
    } else {
      // Bytes [gapEnd, pos + gap) move to the front of the gap.
      bytes.copyWithin(this.#gapStart, this.#gapEnd, pos + gap);
      bytes.fill(0, Math.max(this.#gapEnd, pos), pos + gap);
    }
    this.#gapStart = pos;
    this.#gapEnd = pos + gap;
  }

  #ensureGap(need: number): void {
    if (this.#gapEnd - this.#gapStart >= need) return;
    const length = this.length;
    let capacity = this.#store.size * 2;
    while (capacity - length < need) capacity *= 2;
    const bigger = LockedBuffer.alloc(capacity);
    const from = this.#store.bytes();
    const to = bigger.bytes();
    const tail = this.#store.size - this.#gapEnd;
    to.set(from.subarray(0, this.#gapStart), 0);
    to.set(from.subarray(this.#gapEnd), capacity - tail);
    this.#store.destroy();
    this.#store = bigger;
    this.#gapEnd = capacity - tail;
  }
}
