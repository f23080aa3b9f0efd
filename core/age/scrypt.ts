// age's native passphrase stanza (C2SP age spec, "The scrypt recipient type"):
//   -> scrypt <salt: base64 of 16 bytes> <log2 N: decimal>
//   body = ChaCha20-Poly1305(key = scrypt(N, r = 8, p = 1, 32 bytes,
//            S = "age-encryption.org/v1/scrypt" || salt, P = passphrase), nonce 0, file key)
// Written with log2 N = 18 (as age); read up to 22 (as age: about 4 GiB and 15 s), refusing
// more before any work so a hostile file cannot make us spend it.
import { concatBytes, utf8 } from "../bytes";
import { FormatError } from "../errors";
import { scryptInto } from "../kdf";
import { LockedBuffer } from "../locked-buffer";
import { randomBytes } from "../random";
import { decodeBase64, encodeBase64 } from "./base64";
import { requireWrappedFileKey, wrapFileKey } from "./key-wrap";
import { findOnlyStanza, openFileKey, parseDecimalArgument, uniqueLabel } from "./passphrase-stanza";
import type { Identity, Recipient } from "./recipient";
import type { Stanza } from "./stanza";

export const SCRYPT_STANZA = "scrypt";
export const SCRYPT_LABEL = "age-encryption.org/v1/scrypt";
export const SCRYPT_SALT_BYTES = 16;
export const SCRYPT_DEFAULT_WORK_FACTOR = 18;
export const SCRYPT_MAX_WORK_FACTOR = 22;

function scryptWrapKey(passphrase: LockedBuffer, salt: Uint8Array, logN: number): LockedBuffer {
  const key = LockedBuffer.alloc(32);
  try {
    scryptInto(key.bytes(), passphrase, concatBytes(utf8(SCRYPT_LABEL), salt), logN);
  } catch (e) {
    key.destroy();
    throw e;
  }
  return key;
}

function checkPassphrase(passphrase: LockedBuffer): void {
  if (passphrase.size === 0) throw new RangeError("the passphrase is empty");
}

/** Encrypts to a passphrase with scrypt. Borrows `passphrase` (the caller destroys it). */
export class ScryptRecipient implements Recipient {
  readonly labels: readonly string[] = [uniqueLabel()];
  readonly #passphrase: LockedBuffer;
  readonly #workFactor: number;

  constructor(passphrase: LockedBuffer, opts: { workFactor?: number } = {}) {
    checkPassphrase(passphrase);
    const workFactor = opts.workFactor ?? SCRYPT_DEFAULT_WORK_FACTOR;
    if (!Number.isInteger(workFactor) || workFactor < 1 || workFactor > SCRYPT_MAX_WORK_FACTOR) {
      throw new RangeError(`scrypt work factor must be an integer from 1 to ${SCRYPT_MAX_WORK_FACTOR}`);
    }
    this.#passphrase = passphrase;
    this.#workFactor = workFactor;
  }

  wrap(fileKey: LockedBuffer): Stanza[] {
    const salt = randomBytes(SCRYPT_SALT_BYTES);
    using wrapKey = scryptWrapKey(this.#passphrase, salt, this.#workFactor);
    return [
      {
        type: SCRYPT_STANZA,
        args: [encodeBase64(salt), String(this.#workFactor)],
        body: wrapFileKey(wrapKey, fileKey),
      },
    ];
  }
}

/** Decrypts scrypt files with a passphrase. Borrows `passphrase` (the caller destroys it). */
export class ScryptIdentity implements Identity {
  readonly #passphrase: LockedBuffer;
  readonly #maxWorkFactor: number;

  constructor(passphrase: LockedBuffer, opts: { maxWorkFactor?: number } = {}) {
    checkPassphrase(passphrase);
    this.#passphrase = passphrase;
    this.#maxWorkFactor = opts.maxWorkFactor ?? SCRYPT_MAX_WORK_FACTOR;
  }

  unwrap(stanzas: readonly Stanza[]): LockedBuffer | null {
    const stanza = findOnlyStanza(stanzas, SCRYPT_STANZA);
    if (stanza === null) return null;
    if (stanza.args.length !== 2) {
      throw new FormatError(`invalid scrypt stanza: expected 2 arguments, found ${stanza.args.length}`);
    }
    const salt = decodeBase64(stanza.args[0] as string);
    if (salt === null || salt.length !== SCRYPT_SALT_BYTES) {
      throw new FormatError("invalid scrypt stanza: the salt is not canonical base64 of 16 bytes");
    }
    const logN = parseDecimalArgument(
      SCRYPT_STANZA,
      "work factor",
      stanza.args[1] as string,
      this.#maxWorkFactor,
    );
    requireWrappedFileKey(SCRYPT_STANZA, stanza.body);
    using wrapKey = scryptWrapKey(this.#passphrase, salt, logN);
    return openFileKey(wrapKey, stanza.body);
  }
}
