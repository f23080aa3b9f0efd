// ML-KEM-768 (FIPS 203) in the native shim (libsodium's crypto_kem_mlkem768_*). Every secret is
// written by native code straight into locked memory and never exists on the JS heap: the
// 64-byte seed (d || z), the expanded 2400-byte decapsulation key, the encapsulation randomness
// and each shared secret. Only public values (encapsulation key, ciphertext) are JS arrays.
import { shim } from "../../ffi";
import { requireLength } from "../bytes";
import { FormatError } from "../errors";
import { LockedBuffer } from "../locked-buffer";

export const MLKEM768_SEED_BYTES = 64;
export const MLKEM768_PUBLIC_KEY_BYTES = 1184;
export const MLKEM768_SECRET_KEY_BYTES = 2400;
export const MLKEM768_CIPHERTEXT_BYTES = 1088;
export const MLKEM768_SHARED_SECRET_BYTES = 32;
/** FIPS 203 encapsulation randomness m. */
const MLKEM768_COIN_BYTES = 32;

const UNREDUCED = "invalid ML-KEM-768 encapsulation key: coefficient not reduced modulo q";

/**
 * The FIPS 203 encapsulation-key check (length, then every coefficient below q). Encapsulation
 * runs it natively as well (libsodium refuses such keys); this copy lets recipients and key
 * strings be rejected when they are parsed, with a message that says why.
 */
export function validateMlKem768PublicKey(publicKey: Uint8Array): void {
  if (publicKey.length !== MLKEM768_PUBLIC_KEY_BYTES) {
    throw new FormatError(
      `invalid ML-KEM-768 encapsulation key: ${publicKey.length} bytes, expected ${MLKEM768_PUBLIC_KEY_BYTES}`,
    );
  }
  // ByteDecode12 then ByteEncode12 must round-trip: each 12-bit coefficient must be < 3329.
  const polyBytes = MLKEM768_PUBLIC_KEY_BYTES - 32;
  for (let i = 0; i < polyBytes; i += 3) {
    const b0 = publicKey[i] as number;
    const b1 = publicKey[i + 1] as number;
    const b2 = publicKey[i + 2] as number;
    const c0 = b0 | ((b1 & 0x0f) << 8);
    const c1 = (b1 >> 4) | (b2 << 4);
    if (c0 >= 3329 || c1 >= 3329) throw new FormatError(UNREDUCED);
  }
}

/** An ML-KEM-768 decapsulation key held in locked memory, derived from its 64-byte seed. */
export class MlKem768PrivateKey implements Disposable {
  readonly publicKey: Uint8Array;
  readonly #seed: LockedBuffer;
  readonly #secretKey: LockedBuffer;

  private constructor(seed: LockedBuffer, secretKey: LockedBuffer, publicKey: Uint8Array) {
    this.#seed = seed;
    this.#secretKey = secretKey;
    this.publicKey = publicKey;
  }

  /** Derives the key pair from `seed` (d || z); the seed is copied, the caller keeps its own. */
  static fromSeed(seed: LockedBuffer | Uint8Array): MlKem768PrivateKey {
    const view = seed instanceof LockedBuffer ? seed.bytes() : seed;
    requireLength("ML-KEM-768 seed", view, MLKEM768_SEED_BYTES);
    const ownSeed = LockedBuffer.alloc(MLKEM768_SEED_BYTES);
    let secretKey: LockedBuffer | undefined;
    try {
      ownSeed.bytes().set(view);
      secretKey = LockedBuffer.alloc(MLKEM768_SECRET_KEY_BYTES);
      const publicKey = new Uint8Array(MLKEM768_PUBLIC_KEY_BYTES);
      const sk = secretKey.bytes();
      const s = ownSeed.bytes();
      if (
        shim().smem_kem_mlkem768_seed_keypair(publicKey, publicKey.length, sk, sk.length, s, s.length) !== 0
      ) {
        throw new Error("ML-KEM-768 key generation failed in the shim");
      }
      return new MlKem768PrivateKey(ownSeed, secretKey, publicKey);
    } catch (error) {
      ownSeed.destroy();
      secretKey?.destroy();
      throw error;
    }
  }

  /** A fresh key pair from the OS CSPRNG. */
  static generate(): MlKem768PrivateKey {
    using seed = LockedBuffer.random(MLKEM768_SEED_BYTES);
    return MlKem768PrivateKey.fromSeed(seed);
  }

  /** The 64-byte seed (a view of locked memory, valid until destroy()). */
  seed(): Uint8Array {
    return this.#seed.bytes();
  }

  /** The expanded 2400-byte FIPS 203 decapsulation key (a view of locked memory). */
  decapsulationKey(): Uint8Array {
    return this.#secretKey.bytes();
  }

  /**
   * The 32-byte shared secret for `cipherText`. A ciphertext made for another key gives an
   * unrelated secret (implicit rejection), never an error; only a wrong length throws.
   */
  decapsulate(cipherText: Uint8Array): LockedBuffer {
    if (cipherText.length !== MLKEM768_CIPHERTEXT_BYTES) {
      throw new FormatError(
        `invalid ML-KEM-768 ciphertext: ${cipherText.length} bytes, expected ${MLKEM768_CIPHERTEXT_BYTES}`,
      );
    }
    const out = LockedBuffer.alloc(MLKEM768_SHARED_SECRET_BYTES);
    const ss = out.bytes();
    const sk = this.#secretKey.bytes();
    if (shim().smem_kem_mlkem768_dec(ss, ss.length, cipherText, cipherText.length, sk, sk.length) !== 0) {
      out.destroy();
      throw new Error("ML-KEM-768 decapsulation failed in the shim");
    }
    return out;
  }

  destroy(): void {
    this.#seed.destroy();
    this.#secretKey.destroy();
  }

  [Symbol.dispose](): void {
    this.destroy();
  }
}

export interface Encapsulation {
  cipherText: Uint8Array;
  sharedSecret: LockedBuffer;
}

/**
 * Encapsulates to `publicKey`. `message` (32 bytes) is the FIPS 203 randomness m, for
 * known-answer tests; without it the shim draws m itself and wipes it. A key that fails the
 * FIPS 203 modulus check is refused by the shim (FormatError).
 */
export function mlkem768Encapsulate(publicKey: Uint8Array, message?: Uint8Array): Encapsulation {
  if (publicKey.length !== MLKEM768_PUBLIC_KEY_BYTES) validateMlKem768PublicKey(publicKey);
  if (message) requireLength("ML-KEM-768 encapsulation randomness", message, MLKEM768_COIN_BYTES);
  const cipherText = new Uint8Array(MLKEM768_CIPHERTEXT_BYTES);
  const sharedSecret = LockedBuffer.alloc(MLKEM768_SHARED_SECRET_BYTES);
  const ss = sharedSecret.bytes();
  const lib = shim();
  const rc = message
    ? lib.smem_kem_mlkem768_enc_deterministic(
        cipherText,
        cipherText.length,
        ss,
        ss.length,
        publicKey,
        publicKey.length,
        message,
        message.length,
      )
    : lib.smem_kem_mlkem768_enc(cipherText, cipherText.length, ss, ss.length, publicKey, publicKey.length);
  if (rc !== 0) {
    sharedSecret.destroy();
    throw new FormatError(UNREDUCED);
  }
  return { cipherText, sharedSecret };
}
