// Opening and saving sedit files. The passphrase is stretched once per opened file; the derived
// key then waits in an Enclave and is opened only for the moment of a save. Decrypted text goes
// straight into a LockedBuffer; saving re-uses the file's salt and KDF parameters (upgrading v1
// and v2 to v3) with a fresh random nonce.
import { xchachaOpenInto, xchachaSealInto } from "../aead";
import type { KeyBytes } from "../bytes";
import { Enclave } from "../enclave";
import { AuthError, FormatError } from "../errors";
import { DEFAULT_KDF, deriveKey, type KdfParams } from "../kdf";
import { LockedBuffer } from "../locked-buffer";
import { randomBytes } from "../random";
import { isValidUtf8 } from "../text/utf8";
import {
  checkSeditKdfParams,
  encodeSeditV3Header,
  parseSeditHeader,
  SEDIT_NONCE_BYTES,
  SEDIT_SALT_BYTES,
  SEDIT_TAG_BYTES,
  SEDIT_V3_HEADER_BYTES,
  type SeditVersion,
} from "./format";

/** The key of one sedit file, with the salt and parameters it was derived from. */
export class SeditKey {
  readonly salt: Uint8Array;
  readonly params: Readonly<KdfParams>;
  #key: Enclave;

  private constructor(key: LockedBuffer, salt: Uint8Array, params: KdfParams) {
    this.salt = salt.slice();
    this.params = Object.freeze({ ...params });
    this.#key = Enclave.seal(key); // destroys the LockedBuffer
  }

  /** Stretches `passphrase` with the given salt and parameters (the slow step). */
  static derive(passphrase: KeyBytes, salt: Uint8Array, params: KdfParams): SeditKey {
    checkSeditKdfParams(params);
    return new SeditKey(deriveKey(passphrase, salt, params), salt, params);
  }

  /** A key for a new file: random 16-byte salt, the given (default) parameters. */
  static create(passphrase: KeyBytes, params: KdfParams = DEFAULT_KDF): SeditKey {
    return SeditKey.derive(passphrase, randomBytes(SEDIT_SALT_BYTES), params);
  }

  /** A complete v3 file holding `plaintext` (the header carries this key's salt and parameters). */
  seal(plaintext: Uint8Array): Uint8Array {
    const header = encodeSeditV3Header(this.params, this.salt);
    const nonce = randomBytes(SEDIT_NONCE_BYTES);
    const out = new Uint8Array(
      SEDIT_V3_HEADER_BYTES + SEDIT_NONCE_BYTES + plaintext.length + SEDIT_TAG_BYTES,
    );
    out.set(header, 0);
    out.set(nonce, SEDIT_V3_HEADER_BYTES);
    using key = this.#key.open();
    xchachaSealInto(out.subarray(SEDIT_V3_HEADER_BYTES + SEDIT_NONCE_BYTES), key, nonce, plaintext, header);
    return out;
  }

  /**
   * Decrypts `body` (nonce || ciphertext || tag) into a new LockedBuffer the caller owns. AuthError
   * when the tag does not verify, FormatError when the text is not UTF-8.
   */
  open(body: Uint8Array, aad: Uint8Array): LockedBuffer {
    if (body.length < SEDIT_NONCE_BYTES + SEDIT_TAG_BYTES) {
      throw new FormatError("file too short to be an encrypted sedit file");
    }
    const nonce = body.subarray(0, SEDIT_NONCE_BYTES);
    const ciphertext = body.subarray(SEDIT_NONCE_BYTES);
    const plaintext = LockedBuffer.alloc(ciphertext.length - SEDIT_TAG_BYTES);
    try {
      let ok: boolean;
      {
        using key = this.#key.open();
        ok = xchachaOpenInto(plaintext.bytes(), key, nonce, ciphertext, aad);
      }
      if (!ok) throw new AuthError("decryption failed — wrong key or tampered header");
      if (!isValidUtf8(plaintext.bytes())) throw new FormatError("decrypted content is not valid UTF-8");
      return plaintext;
    } catch (err) {
      plaintext.destroy();
      throw err;
    }
  }
}

export interface OpenedSedit {
  /** The format version the file was in (saves always write v3). */
  version: SeditVersion;
  key: SeditKey;
  /** The decrypted text (UTF-8, checked); the caller destroys it. */
  plaintext: LockedBuffer;
}

/**
 * Decrypts a whole sedit file (one detectSedit() recognised). FormatError (exit 2) when it is
 * malformed or the text is not UTF-8, AuthError (exit 3) for a wrong passphrase or any tampering.
 */
export function openSedit(file: Uint8Array, passphrase: KeyBytes): OpenedSedit {
  const header = parseSeditHeader(file);
  const body = file.subarray(header.bodyOffset);
  if (body.length < SEDIT_NONCE_BYTES + SEDIT_TAG_BYTES) {
    throw new FormatError("file too short to be an encrypted sedit file");
  }
  const key = SeditKey.derive(passphrase, header.salt, header.params);
  const plaintext = key.open(body, header.aad);
  return { version: header.version, key, plaintext };
}
