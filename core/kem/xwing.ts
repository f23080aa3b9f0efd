// X-Wing (draft-connolly-cfrg-xwing-kem; "MLKEM768-X25519" in draft-ietf-hpke-pq, KEM id 0x647a),
// the KEM behind age's mlkem768x25519 recipients. Composed here rather than taken whole from
// noble's ml_kem768_x25519 so that the X25519 half runs in libsodium on locked memory and
// all-zero X25519 outputs are refused, as age (Go's crypto/ecdh) refuses them:
//
//   expanded  = SHAKE256(seed, 96)                        seed: 32 bytes, the identity
//   (ekM, dkM) = ML-KEM-768.KeyGen(d = expanded[0:32], z = expanded[32:64])
//   skX = expanded[64:96], pkX = X25519(skX, 9)
//   public key = ekM || pkX                               1216 bytes
//   ciphertext = ctM || ctX                               1120 bytes
//   shared secret = SHA3-256(ssM || ssX || ctX || pkX || "\.//^\")
import { shake256 } from "@noble/hashes/sha3.js";
import { concatBytes, requireLength } from "../bytes";
import { FormatError } from "../errors";
import { sha3_256Into } from "../hash";
import { LockedBuffer } from "../locked-buffer";
import { X25519_BYTES, x25519Base, x25519Into } from "../x25519";
import {
  type Encapsulation,
  MLKEM768_CIPHERTEXT_BYTES,
  MLKEM768_PUBLIC_KEY_BYTES,
  MlKem768PrivateKey,
  mlkem768Encapsulate,
  validateMlKem768PublicKey,
} from "./mlkem768";

export const XWING_SEED_BYTES = 32;
export const XWING_PUBLIC_KEY_BYTES = MLKEM768_PUBLIC_KEY_BYTES + X25519_BYTES; // 1216
export const XWING_CIPHERTEXT_BYTES = MLKEM768_CIPHERTEXT_BYTES + X25519_BYTES; // 1120
export const XWING_SHARED_SECRET_BYTES = 32;
/** The combiner's domain separator, ASCII `\.//^\` (6 bytes). */
export const XWING_LABEL = new Uint8Array([0x5c, 0x2e, 0x2f, 0x2f, 0x5e, 0x5c]);

/** SHAKE256(seed) squeezed straight into locked memory; noble's sponge state is zeroed after. */
function expandSeed(seed: Uint8Array): LockedBuffer {
  const out = LockedBuffer.alloc(96);
  const xof = shake256.create({ dkLen: 96 });
  try {
    xof.update(seed);
    xof.xofInto(out.bytes());
  } finally {
    xof.destroy();
  }
  return out;
}

/** SHA3-256 of the combiner input, computed natively into locked memory. */
function combine(ssM: LockedBuffer, ssX: LockedBuffer, ctX: Uint8Array, pkX: Uint8Array): LockedBuffer {
  const inputLength = 32 + 32 + X25519_BYTES + X25519_BYTES + XWING_LABEL.length;
  using input = LockedBuffer.alloc(inputLength);
  const view = input.bytes();
  view.set(ssM.bytes(), 0);
  view.set(ssX.bytes(), 32);
  view.set(ctX, 64);
  view.set(pkX, 96);
  view.set(XWING_LABEL, 128);
  const out = LockedBuffer.alloc(XWING_SHARED_SECRET_BYTES);
  sha3_256Into(out.bytes(), view);
  return out;
}

function lowOrder(what: string): FormatError {
  return new FormatError(`${what}: the X25519 share is a low-order point (all-zero shared secret)`);
}

/** Length, ML-KEM modulus and X25519 checks on a 1216-byte X-Wing encapsulation key. */
export function validateXWingPublicKey(publicKey: Uint8Array): void {
  if (publicKey.length !== XWING_PUBLIC_KEY_BYTES) {
    throw new FormatError(
      `invalid X-Wing public key: ${publicKey.length} bytes, expected ${XWING_PUBLIC_KEY_BYTES}`,
    );
  }
  validateMlKem768PublicKey(publicKey.subarray(0, MLKEM768_PUBLIC_KEY_BYTES));
}

/** An X-Wing decapsulation key: the 32-byte seed and what it expands to, all in locked memory. */
export class XWingPrivateKey implements Disposable {
  readonly publicKey: Uint8Array;
  readonly #seed: LockedBuffer;
  readonly #mlkem: MlKem768PrivateKey;
  readonly #x25519: LockedBuffer;
  readonly #x25519Public: Uint8Array;

  private constructor(seed: LockedBuffer, mlkem: MlKem768PrivateKey, x25519: LockedBuffer) {
    this.#seed = seed;
    this.#mlkem = mlkem;
    this.#x25519 = x25519;
    this.#x25519Public = x25519Base(x25519);
    this.publicKey = concatBytes(mlkem.publicKey, this.#x25519Public);
  }

  /** Derives the key pair from a 32-byte seed; the seed is copied, the caller keeps its own. */
  static fromSeed(seed: LockedBuffer | Uint8Array): XWingPrivateKey {
    const view = seed instanceof LockedBuffer ? seed.bytes() : seed;
    requireLength("X-Wing seed", view, XWING_SEED_BYTES);
    const ownSeed = LockedBuffer.alloc(XWING_SEED_BYTES);
    ownSeed.bytes().set(view);
    let mlkem: MlKem768PrivateKey | undefined;
    let x25519: LockedBuffer | undefined;
    try {
      using expanded = expandSeed(ownSeed.bytes());
      const e = expanded.bytes();
      mlkem = MlKem768PrivateKey.fromSeed(e.subarray(0, 64));
      x25519 = LockedBuffer.alloc(X25519_BYTES);
      x25519.bytes().set(e.subarray(64, 96));
      return new XWingPrivateKey(ownSeed, mlkem, x25519);
    } catch (error) {
      ownSeed.destroy();
      mlkem?.destroy();
      x25519?.destroy();
      throw error;
    }
  }

  static generate(): XWingPrivateKey {
    using seed = LockedBuffer.random(XWING_SEED_BYTES);
    return XWingPrivateKey.fromSeed(seed);
  }

  /** The 32-byte seed (a view of locked memory, valid until destroy()). */
  seed(): Uint8Array {
    return this.#seed.bytes();
  }

  /**
   * The shared secret for a 1120-byte ciphertext. A ciphertext for another key yields an
   * unrelated secret (implicit rejection); a low-order X25519 share throws FormatError.
   */
  decapsulate(cipherText: Uint8Array): LockedBuffer {
    if (cipherText.length !== XWING_CIPHERTEXT_BYTES) {
      throw new FormatError(
        `invalid X-Wing ciphertext: ${cipherText.length} bytes, expected ${XWING_CIPHERTEXT_BYTES}`,
      );
    }
    const ctM = cipherText.subarray(0, MLKEM768_CIPHERTEXT_BYTES);
    const ctX = cipherText.subarray(MLKEM768_CIPHERTEXT_BYTES);
    using ssX = LockedBuffer.alloc(X25519_BYTES);
    if (!x25519Into(ssX.bytes(), this.#x25519, ctX)) throw lowOrder("invalid X-Wing ciphertext");
    using ssM = this.#mlkem.decapsulate(ctM);
    return combine(ssM, ssX, ctX, this.#x25519Public);
  }

  destroy(): void {
    this.#seed.destroy();
    this.#mlkem.destroy();
    this.#x25519.destroy();
  }

  [Symbol.dispose](): void {
    this.destroy();
  }
}

/**
 * Encapsulates to a 1216-byte X-Wing public key. `randomness` (64 bytes: ML-KEM m || X25519
 * ephemeral scalar) is for known-answer tests only; normally it is drawn into locked memory.
 */
export function xwingEncapsulate(publicKey: Uint8Array, randomness?: Uint8Array): Encapsulation {
  validateXWingPublicKey(publicKey);
  const pkM = publicKey.subarray(0, MLKEM768_PUBLIC_KEY_BYTES);
  const pkX = publicKey.subarray(MLKEM768_PUBLIC_KEY_BYTES);
  using coins = LockedBuffer.random(64);
  if (randomness) {
    requireLength("X-Wing encapsulation randomness", randomness, 64);
    coins.bytes().set(randomness);
  }
  const c = coins.bytes();
  const ephemeral = c.subarray(32, 64);
  const ctX = x25519Base(ephemeral);
  using ssX = LockedBuffer.alloc(X25519_BYTES);
  if (!x25519Into(ssX.bytes(), ephemeral, pkX)) throw lowOrder("invalid X-Wing public key");
  const m = mlkem768Encapsulate(pkM, c.subarray(0, 32));
  try {
    return {
      cipherText: concatBytes(m.cipherText, ctX),
      sharedSecret: combine(m.sharedSecret, ssX, ctX, pkX),
    };
  } finally {
    m.sharedSecret.destroy();
  }
}
