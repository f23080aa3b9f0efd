// X-Wing (draft-connolly-cfrg-xwing-kem; "MLKEM768-X25519" in draft-ietf-hpke-pq, KEM id 0x647a),
// the KEM behind age's mlkem768x25519 recipients, in the native shim (libsodium's
// crypto_kem_xwing_*):
//
//   expanded  = SHAKE256(seed, 96)                        seed: 32 bytes, the identity
//   (ekM, dkM) = ML-KEM-768.KeyGen(d = expanded[0:32], z = expanded[32:64])
//   skX = expanded[64:96], pkX = X25519(skX, 9)
//   public key = ekM || pkX                               1216 bytes
//   ciphertext = ctM || ctX                               1120 bytes
//   shared secret = SHA3-256(ssM || ssX || ctX || pkX || "\.//^\")
//
// The secret key is the seed: it is the only secret smem holds (in a LockedBuffer); libsodium
// re-expands it on its own stack for each decapsulation and wipes every intermediate. All-zero
// X25519 outputs (low-order shares) are refused both ways, as age (Go's crypto/ecdh) refuses them.
import { shim } from "../../ffi";
import { requireLength } from "../bytes";
import { FormatError } from "../errors";
import { LockedBuffer } from "../locked-buffer";
import { X25519_BYTES } from "../x25519";
import {
  type Encapsulation,
  MLKEM768_CIPHERTEXT_BYTES,
  MLKEM768_PUBLIC_KEY_BYTES,
  validateMlKem768PublicKey,
} from "./mlkem768";

export const XWING_SEED_BYTES = 32;
export const XWING_PUBLIC_KEY_BYTES = MLKEM768_PUBLIC_KEY_BYTES + X25519_BYTES; // 1216
export const XWING_CIPHERTEXT_BYTES = MLKEM768_CIPHERTEXT_BYTES + X25519_BYTES; // 1120
export const XWING_SHARED_SECRET_BYTES = 32;
/** The combiner's domain separator, ASCII `\.//^\` (6 bytes). */
export const XWING_LABEL = new Uint8Array([0x5c, 0x2e, 0x2f, 0x2f, 0x5e, 0x5c]);
/** ML-KEM m || X25519 ephemeral scalar. */
const XWING_COIN_BYTES = 64;

function lowOrder(what: string): FormatError {
  return new FormatError(`${what}: the X25519 share is a low-order point (all-zero shared secret)`);
}

/** Length and ML-KEM modulus checks on a 1216-byte X-Wing encapsulation key. */
export function validateXWingPublicKey(publicKey: Uint8Array): void {
  if (publicKey.length !== XWING_PUBLIC_KEY_BYTES) {
    throw new FormatError(
      `invalid X-Wing public key: ${publicKey.length} bytes, expected ${XWING_PUBLIC_KEY_BYTES}`,
    );
  }
  validateMlKem768PublicKey(publicKey.subarray(0, MLKEM768_PUBLIC_KEY_BYTES));
}

/**
 * An X-Wing decapsulation key: its 32-byte seed in locked memory, and the public key, derived
 * on first use (`smem open` only decapsulates, and the derivation is a whole ML-KEM key
 * generation: about a fifth of the native work of opening a file).
 */
export class XWingPrivateKey implements Disposable {
  readonly #seed: LockedBuffer;
  #publicKey: Uint8Array | null = null;

  private constructor(seed: LockedBuffer) {
    this.#seed = seed;
  }

  /** Takes a copy of a 32-byte seed; the caller keeps its own. */
  static fromSeed(seed: LockedBuffer | Uint8Array): XWingPrivateKey {
    const view = seed instanceof LockedBuffer ? seed.bytes() : seed;
    requireLength("X-Wing seed", view, XWING_SEED_BYTES);
    const ownSeed = LockedBuffer.alloc(XWING_SEED_BYTES);
    ownSeed.bytes().set(view);
    return new XWingPrivateKey(ownSeed);
  }

  /** The 1216-byte encapsulation key (ML-KEM-768 || X25519). */
  get publicKey(): Uint8Array {
    if (this.#publicKey) return this.#publicKey;
    const s = this.#seed.bytes();
    const publicKey = new Uint8Array(XWING_PUBLIC_KEY_BYTES);
    // sk = NULL: the seed already is the secret key, no second copy is made.
    if (shim().smem_kem_xwing_seed_keypair(publicKey, publicKey.length, null, 0, s, s.length) !== 0) {
      throw new Error("X-Wing key generation failed in the shim");
    }
    this.#publicKey = publicKey;
    return publicKey;
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
    const out = LockedBuffer.alloc(XWING_SHARED_SECRET_BYTES);
    const ss = out.bytes();
    const sk = this.#seed.bytes();
    if (shim().smem_kem_xwing_dec(ss, ss.length, cipherText, cipherText.length, sk, sk.length) !== 0) {
      out.destroy();
      throw lowOrder("invalid X-Wing ciphertext");
    }
    return out;
  }

  destroy(): void {
    this.#seed.destroy();
  }

  [Symbol.dispose](): void {
    this.destroy();
  }
}

/**
 * Encapsulates to a 1216-byte X-Wing public key. `randomness` (64 bytes: ML-KEM m || X25519
 * ephemeral scalar) is for known-answer tests only; normally the shim draws it and wipes it.
 */
export function xwingEncapsulate(publicKey: Uint8Array, randomness?: Uint8Array): Encapsulation {
  if (publicKey.length !== XWING_PUBLIC_KEY_BYTES) validateXWingPublicKey(publicKey);
  if (randomness) requireLength("X-Wing encapsulation randomness", randomness, XWING_COIN_BYTES);
  const cipherText = new Uint8Array(XWING_CIPHERTEXT_BYTES);
  const sharedSecret = LockedBuffer.alloc(XWING_SHARED_SECRET_BYTES);
  const ss = sharedSecret.bytes();
  const lib = shim();
  const rc = randomness
    ? lib.smem_kem_xwing_enc_deterministic(
        cipherText,
        cipherText.length,
        ss,
        ss.length,
        publicKey,
        publicKey.length,
        randomness,
        randomness.length,
      )
    : lib.smem_kem_xwing_enc(cipherText, cipherText.length, ss, ss.length, publicKey, publicKey.length);
  if (rc !== 0) {
    sharedSecret.destroy();
    // The shim refuses both an unreduced ML-KEM key and a low-order X25519 key; say which.
    validateXWingPublicKey(publicKey);
    throw lowOrder("invalid X-Wing public key");
  }
  return { cipherText, sharedSecret };
}
