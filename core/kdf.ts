// smem's KDF (DESIGN section 6): Argon2id (p = 1, 32 bytes, v0x13) then SHA3-256 applied
// max(rounds, 1) times. It runs entirely in the shim, so the passphrase, k0 and every digest of the
// chain stay out of the JS heap; the result lands in a LockedBuffer.
import { shim } from "../ffi";
import { type KeyBytes, viewOf } from "./bytes";
import { LockedBuffer } from "./locked-buffer";

export interface KdfParams {
  /** Argon2id memory in KiB (>= 8). */
  memoryKiB: number;
  /** Argon2id passes (>= 1). */
  iterations: number;
  /** Sequential SHA3-256 rounds after Argon2id (0 and 1 are the same). */
  rounds: number;
}

export const DEFAULT_KDF: KdfParams = Object.freeze({ memoryKiB: 65536, iterations: 3, rounds: 1000 });

export const KDF_KEY_BYTES = 32;
export const KDF_MIN_SALT_BYTES = 8;
const U32_MAX = 0xffffffff;

/** Throws a RangeError naming the first parameter out of range. */
export function validateKdfParams(p: KdfParams): void {
  if (!Number.isInteger(p.memoryKiB) || p.memoryKiB < 8 || p.memoryKiB > U32_MAX) {
    throw new RangeError(`memory must be an integer from 8 to ${U32_MAX} KiB, got ${p.memoryKiB}`);
  }
  if (!Number.isInteger(p.iterations) || p.iterations < 1 || p.iterations > U32_MAX) {
    throw new RangeError(`iterations must be an integer from 1 to ${U32_MAX}, got ${p.iterations}`);
  }
  if (!Number.isSafeInteger(p.rounds) || p.rounds < 0) {
    throw new RangeError(`rounds must be a non-negative integer, got ${p.rounds}`);
  }
}

/** What both deriveKey and deriveKeyAsync refuse before any work: bad parameters, a short salt. */
function checkKdfArguments(p: KdfParams, salt: Uint8Array): void {
  validateKdfParams(p);
  if (salt.length < KDF_MIN_SALT_BYTES) {
    throw new RangeError(`salt must be at least ${KDF_MIN_SALT_BYTES} bytes, got ${salt.length}`);
  }
}

const KDF_FAILED = "key derivation failed (out of memory for the Argon2id parameters?)";

export function deriveKey(passphrase: KeyBytes, salt: Uint8Array, p: KdfParams = DEFAULT_KDF): LockedBuffer {
  checkKdfArguments(p, salt);
  const pw = viewOf(passphrase);
  const key = LockedBuffer.alloc(KDF_KEY_BYTES);
  const status = shim().smem_kdf_derive(
    key.bytes(),
    pw,
    pw.length,
    salt,
    salt.length,
    p.memoryKiB,
    p.iterations,
    BigInt(p.rounds),
  );
  if (status !== 0) {
    key.destroy();
    throw new Error(KDF_FAILED);
  }
  return key;
}

const POLL_MS = 1;

/**
 * deriveKey on a native thread of its own: the caller's event loop keeps running (seal encrypts
 * the payload meanwhile). The job copies the passphrase into locked memory it owns and wipes it
 * when done. Where no thread can start it falls back to deriveKey. The job is always finished
 * (its thread joined) before the promise settles.
 */
export async function deriveKeyAsync(
  passphrase: KeyBytes,
  salt: Uint8Array,
  p: KdfParams = DEFAULT_KDF,
): Promise<LockedBuffer> {
  checkKdfArguments(p, salt);
  const pw = viewOf(passphrase);
  // Allocated first: once the job has started, nothing may throw before it is finished.
  const key = LockedBuffer.alloc(KDF_KEY_BYTES);
  const job = shim().smem_kdf_derive_start(
    pw,
    pw.length,
    salt,
    salt.length,
    p.memoryKiB,
    p.iterations,
    BigInt(p.rounds),
  );
  if (!job) {
    key.destroy();
    return deriveKey(passphrase, salt, p);
  }
  while (shim().smem_kdf_job_done(job) !== 1) {
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
  if (shim().smem_kdf_job_finish(job, key.bytes()) !== 0) {
    key.destroy();
    throw new Error(KDF_FAILED);
  }
  return key;
}

/** Argon2id with every RFC 9106 input, into `out` (for tests and for callers needing raw Argon2id). */
export function argon2idInto(
  out: Uint8Array,
  password: KeyBytes,
  salt: Uint8Array,
  opts: { memoryKiB: number; iterations: number; lanes?: number; secret?: Uint8Array; ad?: Uint8Array },
): void {
  const pw = viewOf(password);
  const secret = opts.secret ?? new Uint8Array(0);
  const ad = opts.ad ?? new Uint8Array(0);
  const status = shim().smem_argon2id(
    out,
    out.length,
    pw,
    pw.length,
    salt,
    salt.length,
    secret,
    secret.length,
    ad,
    ad.length,
    opts.iterations,
    opts.memoryKiB,
    opts.lanes ?? 1,
  );
  if (status !== 0) throw new RangeError("Argon2id rejected its parameters");
}

/** scrypt as age uses it (N = 2^logN), into `out`. */
export function scryptInto(
  out: Uint8Array,
  password: KeyBytes,
  salt: Uint8Array,
  logN: number,
  r = 8,
  p = 1,
): void {
  const pw = viewOf(password);
  if (shim().smem_scrypt(out, out.length, pw, pw.length, salt, salt.length, logN, r, p) !== 0) {
    throw new RangeError("scrypt rejected its parameters or ran out of memory");
  }
}
