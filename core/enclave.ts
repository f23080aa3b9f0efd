// Enclave: a secret at rest inside the process, encrypted (XChaCha20-Poly1305) under the coffer
// key, so that between uses no plaintext copy exists in memory, as memguard's Enclave.
import { AEAD_TAG_BYTES, XCHACHA_NONCE_BYTES, xchachaOpenInto, xchachaSealInto } from "./aead";
import { cofferKey } from "./coffer";
import { SmemError } from "./errors";
import { LockedBuffer } from "./locked-buffer";
import { randomBytes } from "./random";

/**
 * Test seam: the live ciphertext array of an enclave (public data: it is encrypted), so tests can
 * show that altering it makes open() fail. Not exported from core/index.ts.
 */
export const ENCLAVE_CIPHERTEXT: unique symbol = Symbol("smem.enclave.ciphertext");

export class Enclave {
  readonly size: number;
  readonly #nonce: Uint8Array;
  readonly #ciphertext: Uint8Array;

  private constructor(size: number, nonce: Uint8Array, ciphertext: Uint8Array) {
    this.size = size;
    this.#nonce = nonce;
    this.#ciphertext = ciphertext;
  }

  get [ENCLAVE_CIPHERTEXT](): Uint8Array {
    return this.#ciphertext;
  }

  /** Encrypts `buf` into a new Enclave and destroys `buf` (wiped and unmapped). */
  static seal(buf: LockedBuffer): Enclave {
    try {
      const nonce = randomBytes(XCHACHA_NONCE_BYTES);
      const ciphertext = new Uint8Array(buf.size + AEAD_TAG_BYTES);
      const { key } = cofferKey();
      try {
        xchachaSealInto(ciphertext, key, nonce, buf.bytes());
      } finally {
        key.destroy();
      }
      return new Enclave(buf.size, nonce, ciphertext);
    } finally {
      buf.destroy();
    }
  }

  /** Decrypts into a new LockedBuffer the caller owns (and destroys). */
  open(): LockedBuffer {
    const out = LockedBuffer.alloc(this.size);
    const { key } = cofferKey();
    let ok = false;
    try {
      ok = xchachaOpenInto(out.bytes(), key, this.#nonce, this.#ciphertext);
    } finally {
      key.destroy();
      if (!ok) out.destroy();
    }
    if (!ok) {
      throw new SmemError("enclave cannot be opened: its key was purged or the enclave was altered", 5);
    }
    return out;
  }
}
