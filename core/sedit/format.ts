// The seed editor's file format (DESIGN 7.3; every byte in docs/FORMAT.md, section "sedit").
// v1 and v2 are read only; v3 is what smem writes. Parsing here touches public bytes only (magic,
// KDF parameters, salt); the body is handed to core/sedit/file.ts for decryption.
import { utf8 } from "../bytes";
import { FormatError } from "../errors";
import { DEFAULT_KDF, type KdfParams } from "../kdf";

export type SeditVersion = 1 | 2 | 3;

export const SEDIT_MAGIC_BYTES = 8;
export const SEDIT_SALT_BYTES = 16;
export const SEDIT_V3_HEADER_BYTES = 40;
/** XChaCha20-Poly1305 nonce in front of every body. */
export const SEDIT_NONCE_BYTES = 24;
export const SEDIT_TAG_BYTES = 16;

/** "SEDIT" 00, version byte, 00. */
export function seditMagic(version: SeditVersion): Uint8Array {
  return new Uint8Array([0x53, 0x45, 0x44, 0x49, 0x54, 0x00, version, 0x00]);
}

/** v1 files all share this salt (why v2 added a per-file one). */
export const SEDIT_V1_SALT: Uint8Array = utf8("sedit-v1-salt000");

/**
 * Upper bounds on the KDF parameters smem accepts from a v3 header (and for new files). The
 * header is read before anything is authenticated, so without a bound a crafted file could ask for
 * terabytes of Argon2id memory or hours of work before the tag check fails. The bounds sit far
 * above the defaults (64 MiB, 3 passes, 1000 rounds): 4 GiB, 1024 passes, 100 million SHA3 rounds.
 */
export const SEDIT_KDF_LIMITS = Object.freeze({
  minMemoryKiB: 8,
  maxMemoryKiB: 4 * 1024 * 1024,
  minIterations: 1,
  maxIterations: 1024,
  maxRounds: 100_000_000,
});

export interface SeditHeader {
  version: SeditVersion;
  salt: Uint8Array;
  params: KdfParams;
  /** Associated data for the AEAD: the 40-byte header for v3, empty for v1/v2. */
  aad: Uint8Array;
  /** Where nonce || ciphertext || tag starts. */
  bodyOffset: number;
}

/** The sedit version whose magic starts `file`, or null (the file is plaintext). */
export function detectSedit(file: Uint8Array): SeditVersion | null {
  if (file.length < SEDIT_MAGIC_BYTES) return null;
  for (const version of [1, 2, 3] as const) {
    const magic = seditMagic(version);
    if (magic.every((b, i) => file[i] === b)) return version;
  }
  return null;
}

/** Throws a FormatError naming the first KDF parameter outside SEDIT_KDF_LIMITS. */
export function checkSeditKdfParams(p: KdfParams): void {
  const L = SEDIT_KDF_LIMITS;
  if (!Number.isInteger(p.memoryKiB) || p.memoryKiB < L.minMemoryKiB || p.memoryKiB > L.maxMemoryKiB) {
    throw new FormatError(
      `sedit KDF memory of ${p.memoryKiB} KiB is outside the accepted ${L.minMemoryKiB}..${L.maxMemoryKiB} KiB (4 GiB)`,
    );
  }
  if (!Number.isInteger(p.iterations) || p.iterations < L.minIterations || p.iterations > L.maxIterations) {
    throw new FormatError(
      `sedit KDF iterations of ${p.iterations} are outside the accepted ${L.minIterations}..${L.maxIterations}`,
    );
  }
  if (!Number.isSafeInteger(p.rounds) || p.rounds < 0 || p.rounds > L.maxRounds) {
    throw new FormatError(`sedit KDF rounds of ${p.rounds} are outside the accepted 0..${L.maxRounds}`);
  }
}

/** Reads the header of a file that detectSedit() recognised. FormatError when it is cut short or out of bounds. */
export function parseSeditHeader(file: Uint8Array): SeditHeader {
  const version = detectSedit(file);
  if (version === null) throw new FormatError("not a sedit file (no SEDIT magic)");
  if (version === 1) {
    return {
      version,
      salt: SEDIT_V1_SALT.slice(),
      params: { ...DEFAULT_KDF },
      aad: new Uint8Array(0),
      bodyOffset: SEDIT_MAGIC_BYTES,
    };
  }
  if (version === 2) {
    if (file.length < SEDIT_MAGIC_BYTES + SEDIT_SALT_BYTES) {
      throw new FormatError("corrupted v2 file (too short for salt)");
    }
    return {
      version,
      salt: file.slice(SEDIT_MAGIC_BYTES, SEDIT_MAGIC_BYTES + SEDIT_SALT_BYTES),
      params: { ...DEFAULT_KDF },
      aad: new Uint8Array(0),
      bodyOffset: SEDIT_MAGIC_BYTES + SEDIT_SALT_BYTES,
    };
  }
  if (file.length < SEDIT_V3_HEADER_BYTES) {
    throw new FormatError("corrupted v3 file (too short for header)");
  }
  const view = new DataView(file.buffer, file.byteOffset, SEDIT_V3_HEADER_BYTES);
  const rounds = view.getBigUint64(16, false);
  if (rounds > BigInt(SEDIT_KDF_LIMITS.maxRounds)) {
    throw new FormatError(
      `sedit KDF rounds of ${rounds} are outside the accepted 0..${SEDIT_KDF_LIMITS.maxRounds}`,
    );
  }
  const params: KdfParams = {
    memoryKiB: view.getUint32(8, false),
    iterations: view.getUint32(12, false),
    rounds: Number(rounds),
  };
  checkSeditKdfParams(params);
  return {
    version,
    salt: file.slice(24, SEDIT_V3_HEADER_BYTES),
    params,
    aad: file.slice(0, SEDIT_V3_HEADER_BYTES),
    bodyOffset: SEDIT_V3_HEADER_BYTES,
  };
}

/** The 40-byte v3 header: magic || m u32 BE || t u32 BE || rounds u64 BE || salt(16). */
export function encodeSeditV3Header(params: KdfParams, salt: Uint8Array): Uint8Array {
  checkSeditKdfParams(params);
  if (salt.length !== SEDIT_SALT_BYTES) {
    throw new RangeError(`sedit salt must be ${SEDIT_SALT_BYTES} bytes, got ${salt.length}`);
  }
  const header = new Uint8Array(SEDIT_V3_HEADER_BYTES);
  header.set(seditMagic(3), 0);
  const view = new DataView(header.buffer);
  view.setUint32(8, params.memoryKiB, false);
  view.setUint32(12, params.iterations, false);
  view.setBigUint64(16, BigInt(params.rounds), false);
  header.set(salt, 24);
  return header;
}
