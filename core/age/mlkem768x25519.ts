// age's post-quantum recipient type (age 1.3, typage 0.3; C2SP age spec): the file key is
// sealed with HPKE base mode, KEM MLKEM768-X25519 (X-Wing), HKDF-SHA256, ChaCha20Poly1305,
// info "age-encryption.org/mlkem768x25519", empty AAD. Stanza `-> mlkem768x25519 <enc>` where
// enc is the 1120-byte X-Wing ciphertext; the body is the 32-byte HPKE ciphertext.
import { utf8 } from "../bytes";
import { FormatError } from "../errors";
import {
  HPKE_KEM_MLKEM768_X25519,
  hpkeKeySchedule,
  hpkeSealFirst,
  hpkeXWingOpenFirstInto,
} from "../kem/hpke";
import {
  validateXWingPublicKey,
  XWING_CIPHERTEXT_BYTES,
  XWingPrivateKey,
  xwingEncapsulate,
} from "../kem/xwing";
import { LockedBuffer } from "../locked-buffer";
import {
  decodeStanzaArgument,
  encodeStanzaArgument,
  FILE_KEY_BYTES,
  type Identity,
  type Recipient,
  requireFileKey,
  requireWrappedFileKey,
  type Stanza,
} from "./key-wrap";

export const MLKEM768X25519_STANZA = "mlkem768x25519";
export const POSTQUANTUM_LABEL = "postquantum";
const INFO = utf8("age-encryption.org/mlkem768x25519");

export class MlKem768X25519Recipient implements Recipient {
  readonly publicKey: Uint8Array;
  readonly labels: readonly string[] = [POSTQUANTUM_LABEL];

  constructor(publicKey: Uint8Array) {
    validateXWingPublicKey(publicKey);
    this.publicKey = publicKey.slice();
  }

  wrap(fileKey: LockedBuffer): Stanza[] {
    requireFileKey(fileKey);
    const { cipherText, sharedSecret } = xwingEncapsulate(this.publicKey);
    using ss = sharedSecret;
    using ctx = hpkeKeySchedule(ss, HPKE_KEM_MLKEM768_X25519, INFO);
    const body = hpkeSealFirst(ctx, fileKey.bytes());
    return [{ type: MLKEM768X25519_STANZA, args: [encodeStanzaArgument(cipherText)], body }];
  }
}

export class MlKem768X25519Identity implements Identity, Disposable {
  readonly #key: XWingPrivateKey;

  private constructor(key: XWingPrivateKey) {
    this.#key = key;
  }

  /** From the 32-byte X-Wing seed (copied; the caller keeps its own). */
  static fromSeed(seed: LockedBuffer | Uint8Array): MlKem768X25519Identity {
    return new MlKem768X25519Identity(XWingPrivateKey.fromSeed(seed));
  }

  static generate(): MlKem768X25519Identity {
    return new MlKem768X25519Identity(XWingPrivateKey.generate());
  }

  get publicKey(): Uint8Array {
    return this.#key.publicKey;
  }

  /** The 32-byte seed (a view of locked memory). */
  seed(): Uint8Array {
    return this.#key.seed();
  }

  recipient(): MlKem768X25519Recipient {
    return new MlKem768X25519Recipient(this.#key.publicKey);
  }

  /** The raw KEM shared secret for a ciphertext (`smem kem decaps`). */
  decapsulate(cipherText: Uint8Array): LockedBuffer {
    return this.#key.decapsulate(cipherText);
  }

  unwrap(stanzas: readonly Stanza[]): LockedBuffer | null {
    for (const stanza of stanzas) {
      if (stanza.type !== MLKEM768X25519_STANZA) continue;
      if (stanza.args.length !== 1) {
        throw new FormatError("invalid mlkem768x25519 stanza: expected one argument");
      }
      const enc = decodeStanzaArgument(
        MLKEM768X25519_STANZA,
        stanza.args[0] as string,
        XWING_CIPHERTEXT_BYTES,
      );
      requireWrappedFileKey(MLKEM768X25519_STANZA, stanza.body);
      // Implicit rejection: a stanza for another key decapsulates to an unrelated secret and
      // fails the AEAD; only a low-order X25519 share throws. The shared secret never leaves
      // the shim.
      const fileKey = LockedBuffer.alloc(FILE_KEY_BYTES);
      try {
        if (hpkeXWingOpenFirstInto(fileKey.bytes(), this.#key.seed(), enc, stanza.body, INFO)) return fileKey;
      } catch (error) {
        fileKey.destroy();
        throw error;
      }
      fileKey.destroy();
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
