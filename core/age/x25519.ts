// age's X25519 recipient type (C2SP age spec): `-> X25519 <ephemeral share>`, body =
// ChaCha20-Poly1305(HKDF-SHA-256(ikm = shared secret, salt = share || recipient,
// info "age-encryption.org/v1/X25519"), nonce 0, file key). All-zero shared secrets (low-order
// shares or recipients) are refused. Scalars and shared secrets stay in locked memory (libsodium).
import { concatBytes, requireLength, utf8 } from "../bytes";
import { FormatError } from "../errors";
import { hkdfSha256Into } from "../hash";
import { LockedBuffer } from "../locked-buffer";
import { X25519_BYTES, x25519Base, x25519Into } from "../x25519";
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

export const X25519_STANZA = "X25519";
const INFO = utf8("age-encryption.org/v1/X25519");

function wrapKeyFor(sharedSecret: LockedBuffer, share: Uint8Array, recipient: Uint8Array): LockedBuffer {
  const key = LockedBuffer.alloc(32);
  hkdfSha256Into(key.bytes(), sharedSecret, concatBytes(share, recipient), INFO);
  return key;
}

export class X25519Recipient implements Recipient {
  readonly publicKey: Uint8Array;

  constructor(publicKey: Uint8Array) {
    requireLength("X25519 recipient", publicKey, X25519_BYTES);
    this.publicKey = publicKey.slice();
  }

  wrap(fileKey: LockedBuffer): Stanza[] {
    using ephemeral = LockedBuffer.random(X25519_BYTES);
    const share = x25519Base(ephemeral);
    using shared = LockedBuffer.alloc(X25519_BYTES);
    if (!x25519Into(shared.bytes(), ephemeral, this.publicKey)) {
      throw new FormatError("invalid X25519 recipient: low-order public key");
    }
    using wrapKey = wrapKeyFor(shared, share, this.publicKey);
    return [
      { type: X25519_STANZA, args: [encodeStanzaArgument(share)], body: wrapFileKey(wrapKey, fileKey) },
    ];
  }
}

export class X25519Identity implements Identity, Disposable {
  readonly publicKey: Uint8Array;
  readonly #scalar: LockedBuffer;

  private constructor(scalar: LockedBuffer) {
    this.#scalar = scalar;
    this.publicKey = x25519Base(scalar);
  }

  /** From the 32-byte secret scalar (copied; the caller keeps its own). */
  static fromSeed(seed: LockedBuffer | Uint8Array): X25519Identity {
    const view = seed instanceof LockedBuffer ? seed.bytes() : seed;
    requireLength("X25519 identity", view, X25519_BYTES);
    const scalar = LockedBuffer.alloc(X25519_BYTES);
    scalar.bytes().set(view);
    return new X25519Identity(scalar);
  }

  static generate(): X25519Identity {
    return new X25519Identity(LockedBuffer.random(X25519_BYTES));
  }

  /** The 32-byte scalar (a view of locked memory). */
  seed(): Uint8Array {
    return this.#scalar.bytes();
  }

  recipient(): X25519Recipient {
    return new X25519Recipient(this.publicKey);
  }

  unwrap(stanzas: readonly Stanza[]): LockedBuffer | null {
    for (const stanza of stanzas) {
      if (stanza.type !== X25519_STANZA) continue;
      if (stanza.args.length !== 1) throw new FormatError("invalid X25519 stanza: expected one argument");
      const share = decodeStanzaArgument(X25519_STANZA, stanza.args[0] as string, X25519_BYTES);
      requireWrappedFileKey(X25519_STANZA, stanza.body);
      using shared = LockedBuffer.alloc(X25519_BYTES);
      if (!x25519Into(shared.bytes(), this.#scalar, share)) {
        throw new FormatError("invalid X25519 stanza: low-order ephemeral share");
      }
      using wrapKey = wrapKeyFor(shared, share, this.publicKey);
      const fileKey = unwrapFileKey(wrapKey, stanza.body);
      if (fileKey) return fileKey;
    }
    return null;
  }

  destroy(): void {
    this.#scalar.destroy();
  }

  [Symbol.dispose](): void {
    this.destroy();
  }
}
