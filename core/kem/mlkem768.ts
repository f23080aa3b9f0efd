// ML-KEM-768 (FIPS 203) through @noble/post-quantum, with every secret smem can reach kept in
// LockedBuffers: the 64-byte seed (d || z), the expanded 2400-byte decapsulation key and each
// shared secret. noble returns fresh JS arrays; they are copied into locked memory and zeroed at
// once. What noble copies internally (polynomials, Keccak states) is listed in docs/SECURITY.md.
import { ml_kem768 } from "@noble/post-quantum/ml-kem.js";
import { requireLength } from "../bytes";
import { FormatError } from "../errors";
import { LockedBuffer } from "../locked-buffer";

export const MLKEM768_SEED_BYTES = 64;
export const MLKEM768_PUBLIC_KEY_BYTES = 1184;
export const MLKEM768_SECRET_KEY_BYTES = 2400;
export const MLKEM768_CIPHERTEXT_BYTES = 1088;
export const MLKEM768_SHARED_SECRET_BYTES = 32;

/** Copies a noble-owned secret into locked memory and zeroes the original. */
export function lockAndWipe(secret: Uint8Array): LockedBuffer {
  const locked = LockedBuffer.alloc(secret.length);
  locked.bytes().set(secret);
  secret.fill(0);
  return locked;
}

/**
 * The FIPS 203 encapsulation-key check (length, then every coefficient below q), which noble
 * runs inside encapsulate(); as a separate step it lets recipients be rejected when parsed.
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
    if (c0 >= 3329 || c1 >= 3329) {
      throw new FormatError("invalid ML-KEM-768 encapsulation key: coefficient not reduced modulo q");
    }
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
    try {
      ownSeed.bytes().set(view);
      const keys = ml_kem768.keygen(ownSeed.bytes());
      const secretKey = lockAndWipe(keys.secretKey);
      return new MlKem768PrivateKey(ownSeed, secretKey, keys.publicKey);
    } catch (error) {
      ownSeed.destroy();
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
    return lockAndWipe(ml_kem768.decapsulate(cipherText, this.#secretKey.bytes()));
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
 * Encapsulates to `publicKey`. `message` (32 bytes) is the FIPS 203 randomness m, drawn into
 * locked memory when not given (tests pass it to check known answers).
 */
export function mlkem768Encapsulate(publicKey: Uint8Array, message?: Uint8Array): Encapsulation {
  validateMlKem768PublicKey(publicKey);
  using m = LockedBuffer.random(32);
  if (message) {
    requireLength("ML-KEM-768 encapsulation randomness", message, 32);
    m.bytes().set(message);
  }
  const result = ml_kem768.encapsulate(publicKey, m.bytes());
  return { cipherText: result.cipherText, sharedSecret: lockAndWipe(result.sharedSecret) };
}
