// smem's passphrase stanza (DESIGN 7.2), the default for `smem seal -p`:
//   -> smem-argon2id <salt> <memoryKiB> <iterations> <rounds>
//   <body>
// salt: canonical unpadded base64 of 16 random bytes; memoryKiB, iterations, rounds: positive
// decimals without leading zeros. Being stanza arguments, all of them are covered by the header
// MAC. The body is 32 bytes:
//   wrap key = deriveKey(passphrase, "smem-argon2id" || salt, {memoryKiB, iterations, rounds})
//              (DESIGN 6: Argon2id v1.3, p = 1, 32 bytes, then SHA3-256 chained `rounds` times)
//   body     = ChaCha20-Poly1305(wrap key, nonce = 12 zero bytes, plaintext = 16-byte file key)
// The label prefix keeps the wrap key distinct from `smem kdf` output for the same salt. Like
// scrypt, the stanza must be the only one in its header. docs/FORMAT.md has a worked example.
//
// Reading refuses parameters above ARGON2ID_READ_LIMITS before doing any work, so a hostile file
// cannot make us allocate gigabytes or spin for minutes: memory at most 2 GiB, iterations at most
// 64, memory x iterations at most 16 GiB-passes (about 85x the default), rounds at most 10^7.
import { concatBytes, utf8 } from "../bytes";
import { FormatError } from "../errors";
import { DEFAULT_KDF, deriveKey, deriveKeyAsync, type KdfParams, validateKdfParams } from "../kdf";
import type { LockedBuffer } from "../locked-buffer";
import { randomBytes } from "../random";
import { decodeBase64, encodeBase64 } from "./base64";
import { requireWrappedFileKey, WRAPPED_FILE_KEY_BYTES, wrapFileKey } from "./key-wrap";
import { findOnlyStanza, openFileKey, parseDecimalArgument, uniqueLabel } from "./passphrase-stanza";
import type { Identity, Recipient } from "./recipient";
import type { Stanza } from "./stanza";

export const ARGON2ID_STANZA = "smem-argon2id";
export const ARGON2ID_LABEL = "smem-argon2id";
export const ARGON2ID_SALT_BYTES = 16;

export interface Argon2idLimits {
  maxMemoryKiB: number;
  maxIterations: number;
  /** Bound on memoryKiB x iterations (the Argon2id work). */
  maxMemoryPasses: number;
  maxRounds: number;
}

export const ARGON2ID_READ_LIMITS: Argon2idLimits = Object.freeze({
  maxMemoryKiB: 2 * 1024 * 1024,
  maxIterations: 64,
  maxMemoryPasses: 16 * 1024 * 1024,
  maxRounds: 10_000_000,
});

const MIN_MEMORY_KIB = 8;

function checkLimits(p: KdfParams, limits: Argon2idLimits, fail: (msg: string) => Error): void {
  if (p.memoryKiB < MIN_MEMORY_KIB)
    throw fail(`memory ${p.memoryKiB} KiB is below the minimum of ${MIN_MEMORY_KIB}`);
  if (p.memoryKiB > limits.maxMemoryKiB) {
    throw fail(`memory ${p.memoryKiB} KiB is above the limit of ${limits.maxMemoryKiB}`);
  }
  if (p.iterations > limits.maxIterations) {
    throw fail(`iterations ${p.iterations} is above the limit of ${limits.maxIterations}`);
  }
  if (p.memoryKiB * p.iterations > limits.maxMemoryPasses) {
    throw fail(`memory x iterations is above the limit of ${limits.maxMemoryPasses} KiB-passes`);
  }
  if (p.rounds > limits.maxRounds) throw fail(`rounds ${p.rounds} is above the limit of ${limits.maxRounds}`);
}

function argon2idWrapKey(passphrase: LockedBuffer, salt: Uint8Array, p: KdfParams): LockedBuffer {
  return deriveKey(passphrase, concatBytes(utf8(ARGON2ID_LABEL), salt), p);
}

/** Encrypts to a passphrase with smem's KDF. Borrows `passphrase` (the caller destroys it). */
export class Argon2idRecipient implements Recipient {
  readonly labels: readonly string[] = [uniqueLabel()];
  readonly #passphrase: LockedBuffer;
  readonly #params: KdfParams;

  constructor(passphrase: LockedBuffer, params: KdfParams = DEFAULT_KDF) {
    if (passphrase.size === 0) throw new RangeError("the passphrase is empty");
    validateKdfParams(params);
    // rounds 0 and 1 derive the same key; the stanza spells it 1 so there is one encoding.
    const p = { ...params, rounds: Math.max(params.rounds, 1) };
    checkLimits(p, ARGON2ID_READ_LIMITS, (msg) => new RangeError(`smem-argon2id parameters: ${msg}`));
    this.#passphrase = passphrase;
    this.#params = p;
  }

  #args(salt: Uint8Array): string[] {
    const p = this.#params;
    return [encodeBase64(salt), String(p.memoryKiB), String(p.iterations), String(p.rounds)];
  }

  wrap(fileKey: LockedBuffer): Stanza[] {
    const salt = randomBytes(ARGON2ID_SALT_BYTES);
    using wrapKey = argon2idWrapKey(this.#passphrase, salt, this.#params);
    return [{ type: ARGON2ID_STANZA, args: this.#args(salt), body: wrapFileKey(wrapKey, fileKey) }];
  }

  /** The KDF on a thread of its own; the stanza's shape (salt and parameters) is known at once. */
  wrapAsync(fileKey: LockedBuffer): { shape: Stanza[]; stanzas: Promise<Stanza[]> } {
    const salt = randomBytes(ARGON2ID_SALT_BYTES);
    const args = this.#args(salt);
    const label = concatBytes(utf8(ARGON2ID_LABEL), salt);
    const stanzas = deriveKeyAsync(this.#passphrase, label, this.#params).then((wrapKey) => {
      try {
        return [{ type: ARGON2ID_STANZA, args, body: wrapFileKey(wrapKey, fileKey) }];
      } finally {
        wrapKey.destroy();
      }
    });
    return {
      shape: [{ type: ARGON2ID_STANZA, args, body: new Uint8Array(WRAPPED_FILE_KEY_BYTES) }],
      stanzas,
    };
  }
}

/** The salt and parameters of an smem-argon2id stanza, validated against `limits`. */
export function parseArgon2idStanza(
  stanza: Stanza,
  limits: Argon2idLimits = ARGON2ID_READ_LIMITS,
): { salt: Uint8Array; params: KdfParams } {
  const t = ARGON2ID_STANZA;
  if (stanza.args.length !== 4) {
    throw new FormatError(`invalid ${t} stanza: expected 4 arguments, found ${stanza.args.length}`);
  }
  const [saltText, memoryText, iterationsText, roundsText] = stanza.args as [string, string, string, string];
  const salt = decodeBase64(saltText);
  if (salt === null || salt.length !== ARGON2ID_SALT_BYTES) {
    throw new FormatError(`invalid ${t} stanza: the salt is not canonical base64 of 16 bytes`);
  }
  const params: KdfParams = {
    memoryKiB: parseDecimalArgument(t, "memory", memoryText, limits.maxMemoryKiB),
    iterations: parseDecimalArgument(t, "iterations", iterationsText, limits.maxIterations),
    rounds: parseDecimalArgument(t, "rounds", roundsText, limits.maxRounds),
  };
  checkLimits(params, limits, (msg) => new FormatError(`invalid ${t} stanza: ${msg}`));
  return { salt, params };
}

/** Decrypts smem-argon2id files with a passphrase. Borrows `passphrase`. */
export class Argon2idIdentity implements Identity {
  readonly #passphrase: LockedBuffer;
  readonly #limits: Argon2idLimits;

  constructor(passphrase: LockedBuffer, limits: Argon2idLimits = ARGON2ID_READ_LIMITS) {
    if (passphrase.size === 0) throw new RangeError("the passphrase is empty");
    this.#passphrase = passphrase;
    this.#limits = limits;
  }

  unwrap(stanzas: readonly Stanza[]): LockedBuffer | null {
    const stanza = findOnlyStanza(stanzas, ARGON2ID_STANZA);
    if (stanza === null) return null;
    const { salt, params } = parseArgon2idStanza(stanza, this.#limits);
    requireWrappedFileKey(ARGON2ID_STANZA, stanza.body);
    using wrapKey = argon2idWrapKey(this.#passphrase, salt, params);
    return openFileKey(wrapKey, stanza.body);
  }
}
