// The streaming armor codec (armor.ts) as a ByteSource / ByteSink, so the STREAM engines can
// read and write armored files without knowing about armor. Armor carries ciphertext only.
import type { ByteSink, ByteSource } from "../stream/io";
import { ArmorDecoder, ArmorEncoder } from "./armor";

const READ_BYTES = 256 * 1024;

/** Decodes armored text from `inner`; FormatError (exit 2) on anything that is not strict armor. */
export class ArmorSource implements ByteSource {
  #decoder = new ArmorDecoder();
  #pending: Uint8Array = new Uint8Array(0);
  #ended = false;
  #text = new Uint8Array(READ_BYTES);

  constructor(readonly inner: ByteSource) {}

  /** At most three bytes per four characters of armor still to read, plus what is decoded. */
  remaining(): number | null {
    const inner = this.inner.remaining?.() ?? null;
    return inner === null ? null : this.#pending.length + Math.ceil((inner * 3) / 4);
  }

  async read(into: Uint8Array): Promise<number> {
    while (this.#pending.length === 0) {
      if (this.#ended) return 0;
      const n = await this.inner.read(this.#text);
      if (n === 0) {
        this.#ended = true;
        this.#pending = this.#decoder.end();
      } else {
        this.#pending = this.#decoder.push(this.#text.subarray(0, n));
      }
    }
    const n = Math.min(into.length, this.#pending.length);
    into.set(this.#pending.subarray(0, n));
    this.#pending = this.#pending.subarray(n);
    return n;
  }
}

/** Armors everything written to it into `inner`; end() writes the last line and END. */
export class ArmorSink implements ByteSink {
  #encoder = new ArmorEncoder();
  constructor(readonly inner: ByteSink) {}

  write(bytes: Uint8Array): Promise<void> {
    // push() returns fresh memory, so the caller may reuse `bytes` at once.
    return this.inner.write(this.#encoder.push(bytes));
  }

  end(): Promise<void> {
    return this.inner.write(this.#encoder.end());
  }
}
