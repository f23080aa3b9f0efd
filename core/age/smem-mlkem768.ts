// smem's pure ML-KEM-768 recipient type (DESIGN 7.2; docs/FORMAT.md "smem-mlkem768"), built
// like age's X25519 stanza with ML-KEM-768 in place of the Diffie-Hellman:
//
//   (ct, ss)  = ML-KEM-768.Encaps(ek)                       ek: the recipient, 1184 bytes
//   wrap key  = HKDF-SHA-256(ikm = ss, salt = ct || ek, info = "smem/v1/mlkem768")
//   body      = ChaCha20-Poly1305(wrap key, nonce = 12 zero bytes, file key)
//   stanza    = -> smem-mlkem768 <base64(ct), 1088 bytes>
//               <base64(body), 32 bytes>
import { utf8 } from "../bytes";
import { FormatError } from "../errors";
import { hkdfSha256Into } from "../hash";
import {
  MLKEM768_CIPHERTEXT_BYTES,
  MlKem768PrivateKey,
  mlkem768Encapsulate,
  validateMlKem768PublicKey,
} from "../kem/mlkem768";
import { LockedBuffer } from "../locked-buffer";
import {
  decodeStanzaArgument,
  encodeStanzaArgument,
  type Identity,
  type Recipient,
  requireWrappedFileKey,
  type Stanza,
  unwrapFileKey,
  wrapFileKey,
} from "./key-wrap";
import { POSTQUANTUM_LABEL } from "./mlkem768x25519";

export const SMEM_MLKEM768_STANZA = "smem-mlkem768";
export const SMEM_MLKEM768_INFO = "smem/v1/mlkem768";
const INFO = utf8(SMEM_MLKEM768_INFO);

function wrapKeyFor(sharedSecret: LockedBuffer, cipherText: Uint8Array, publicKey: Uint8Array): LockedBuffer {
  const salt = new Uint8Array(cipherText.length + publicKey.length);
  salt.set(cipherText, 0);
  salt.set(publicKey, cipherText.length);
  const key = LockedBuffer.alloc(32);
  hkdfSha256Into(key.bytes(), sharedSecret, salt, INFO);
  return key;
}

/**
 * One smem-mlkem768 stanza. `message` is ML-KEM's 32-byte encapsulation randomness m, for the
 * known-answer example in docs/FORMAT.md only; normally it is drawn into locked memory.
 */
export function wrapSmemMlKem768(publicKey: Uint8Array, fileKey: LockedBuffer, message?: Uint8Array): Stanza {
  const { cipherText, sharedSecret } = mlkem768Encapsulate(publicKey, message);
  using ss = sharedSecret;
  using wrapKey = wrapKeyFor(ss, cipherText, publicKey);
  const body = wrapFileKey(wrapKey, fileKey);
  return { type: SMEM_MLKEM768_STANZA, args: [encodeStanzaArgument(cipherText)], body };
}

/** The wrap key of a stanza, for the known-answer example (tests). */
export function smemMlKem768WrapKey(
  sharedSecret: LockedBuffer,
  cipherText: Uint8Array,
  publicKey: Uint8Array,
) {
  return wrapKeyFor(sharedSecret, cipherText, publicKey);
}

export class SmemMlKem768Recipient implements Recipient {
  readonly publicKey: Uint8Array;
  readonly labels: readonly string[] = [POSTQUANTUM_LABEL];

  constructor(publicKey: Uint8Array) {
    validateMlKem768PublicKey(publicKey);
    this.publicKey = publicKey.slice();
  }

  wrap(fileKey: LockedBuffer): Stanza[] {
    return [wrapSmemMlKem768(this.publicKey, fileKey)];
  }
}

export class SmemMlKem768Identity implements Identity, Disposable {
  readonly #key: MlKem768PrivateKey;

  private constructor(key: MlKem768PrivateKey) {
    this.#key = key;
  }

  /** From the 64-byte FIPS 203 seed d || z (copied; the caller keeps its own). */
  static fromSeed(seed: LockedBuffer | Uint8Array): SmemMlKem768Identity {
    return new SmemMlKem768Identity(MlKem768PrivateKey.fromSeed(seed));
  }

  static generate(): SmemMlKem768Identity {
    return new SmemMlKem768Identity(MlKem768PrivateKey.generate());
  }

  get publicKey(): Uint8Array {
    return this.#key.publicKey;
  }

  seed(): Uint8Array {
    return this.#key.seed();
  }

  recipient(): SmemMlKem768Recipient {
    return new SmemMlKem768Recipient(this.#key.publicKey);
  }

  /** The raw KEM shared secret for a ciphertext (`smem kem decaps`). */
  decapsulate(cipherText: Uint8Array): LockedBuffer {
    return this.#key.decapsulate(cipherText);
  }

  unwrap(stanzas: readonly Stanza[]): LockedBuffer | null {
    for (const stanza of stanzas) {
      if (stanza.type !== SMEM_MLKEM768_STANZA) continue;
      if (stanza.args.length !== 1)
        throw new FormatError("invalid smem-mlkem768 stanza: expected one argument");
      const ct = decodeStanzaArgument(
        SMEM_MLKEM768_STANZA,
        stanza.args[0] as string,
        MLKEM768_CIPHERTEXT_BYTES,
      );
      requireWrappedFileKey(SMEM_MLKEM768_STANZA, stanza.body);
      using ss = this.#key.decapsulate(ct);
      using wrapKey = wrapKeyFor(ss, ct, this.#key.publicKey);
      const fileKey = unwrapFileKey(wrapKey, stanza.body);
      if (fileKey) return fileKey;
    }
    return null;
  }

  destroy(): void {
    this.#key.destroy();
  }

  [Symbol.dispose](): void {
    this.destroy();
  }
}
