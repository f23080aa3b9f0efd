// One FFI call seals or opens a whole batch of age STREAM chunks on every core (zig-shim/src/
// stream.c). Plaintext sits in LockedBuffers; their addresses go to the shim directly, so no
// plaintext ever passes through JS-managed memory.
import { shim } from "../../ffi";
import { AuthError, IoError } from "../errors";
import type { LockedBuffer } from "../locked-buffer";

export const CHUNK_BYTES = 65536;
export const TAG_BYTES = 16;
export const SEALED_CHUNK_BYTES = CHUNK_BYTES + TAG_BYTES;

const STREAM_OK = 0;
const STREAM_EINVAL = -1;
const STREAM_EAUTH = -2;
const STREAM_ETRUNCATED = -3;
const STREAM_ETRAILING = -4;
const STREAM_EEMPTY = -5;
const STREAM_EIO = -6;
const STREAM_ESHRANK = -7;
const STREAM_ENOMEM = -8;

/** Sealed size of `plainLength` bytes of a batch (whole chunks, or the final piece). */
export function sealedLength(plainLength: number, final: boolean): number {
  const chunks = final ? Math.max(1, Math.ceil(plainLength / CHUNK_BYTES)) : plainLength / CHUNK_BYTES;
  return plainLength + chunks * TAG_BYTES;
}

/**
 * Seals `length` bytes of `plain` (from offset 0) as chunks `counter`, `counter + 1`, … into
 * `out`; returns the sealed length. Non-final batches must be whole chunks.
 */
export function sealBatch(
  out: Uint8Array,
  key: LockedBuffer,
  plain: LockedBuffer,
  length: number,
  counter: number,
  final: boolean,
  threads = 0,
): number {
  const sealed = sealedLength(length, final);
  if (length > plain.size || sealed > out.length || !Number.isInteger(sealed)) {
    throw new RangeError("STREAM batch does not fit its buffers");
  }
  const rc = shim().smem_stream_seal(
    out,
    out.length,
    plain.ptr,
    length,
    key.ptr,
    counter,
    final ? 1 : 0,
    threads,
  );
  if (rc !== STREAM_OK) throw new RangeError(`STREAM seal rejected its arguments (${rc})`);
  return sealed;
}

export interface FileBatch {
  /** Plaintext bytes read (and sealed) from the file. */
  plaintextBytes: number;
  /** Sealed bytes in `out` (from offset 0). */
  sealedBytes: number;
  /** The payload is complete: the file ended in this batch or right after it. */
  final: boolean;
}

const fileBatchResult = new BigUint64Array(3);

async function errnoName(errno: number): Promise<string> {
  const { constants } = await import("node:os");
  const name = Object.entries(constants.errno).find(([, n]) => n === errno)?.[0];
  return name ?? `errno ${errno}`;
}

/**
 * Reads the next `chunks` chunks of a regular file at `offset` and seals them as chunks
 * `counter`, `counter + 1`, … into `out`, on every core (zig-shim/src/stream.c): each worker
 * reads a chunk into its own 64 KiB of `scratch` (locked) and seals it at once, so the
 * plaintext stays in that core's cache. `scratch` bounds the thread count (one chunk each).
 * `name` is for errors (IoError).
 */
export async function sealFileBatch(
  out: Uint8Array,
  key: LockedBuffer,
  scratch: LockedBuffer,
  chunks: number,
  fd: number,
  offset: number,
  counter: number,
  name: string,
  threads = 0,
): Promise<FileBatch> {
  if (!Number.isInteger(chunks) || chunks < 1 || out.length < chunks * SEALED_CHUNK_BYTES) {
    throw new RangeError("STREAM file batch does not fit its buffers");
  }
  const rc = shim().smem_stream_seal_fd(
    out,
    out.length,
    scratch.ptr,
    scratch.size,
    chunks,
    fd,
    offset,
    key.ptr,
    counter,
    threads,
    fileBatchResult,
  );
  if (rc === STREAM_EIO) {
    throw new IoError(`cannot read ${name}: ${await errnoName(Number(fileBatchResult[2]))}`);
  }
  if (rc === STREAM_ESHRANK) throw new IoError(`${name} got shorter while it was being read`);
  if (rc === STREAM_ENOMEM) throw new IoError("out of memory");
  if (rc !== STREAM_OK) throw new RangeError(`STREAM file seal rejected its arguments (${rc})`);
  return {
    plaintextBytes: Number(fileBatchResult[0]),
    sealedBytes: Number(fileBatchResult[1]),
    final: fileBatchResult[2] === 1n,
  };
}

export interface OpenedBatch {
  /** Plaintext bytes (from offset 0 of `out`) that authenticated and may be released. */
  released: number;
  /** Set when something failed: what to tell the user (the released bytes are still genuine). */
  error: AuthError | null;
}

const goodChunks = new BigUint64Array(1);

function failure(rc: number, counter: number): AuthError {
  switch (rc) {
    case STREAM_ETRUNCATED:
      return new AuthError("the encrypted data is truncated: it ends before its final chunk");
    case STREAM_ETRAILING:
      return new AuthError("trailing data after the end of the encrypted data");
    case STREAM_EEMPTY:
      return new AuthError("the encrypted data ends with an empty chunk, which is not allowed");
    default:
      return new AuthError(
        `chunk ${counter} failed to authenticate: wrong key, or the data was tampered with or corrupted`,
      );
  }
}

/**
 * Opens `length` sealed bytes of `sealed` as chunks starting at `counter` into `out` (locked).
 * Only the authenticated prefix is reported as released; everything after the first bad chunk is
 * wiped by the shim.
 */
export function openBatch(
  out: LockedBuffer,
  key: LockedBuffer,
  sealed: Uint8Array,
  length: number,
  counter: number,
  final: boolean,
  threads = 0,
): OpenedBatch {
  if (length > sealed.length) throw new RangeError("STREAM batch does not fit its buffer");
  if (length === 0 && !final) return { released: 0, error: null };
  const rc = shim().smem_stream_open(
    out.ptr,
    out.size,
    sealed,
    length,
    key.ptr,
    counter,
    final ? 1 : 0,
    threads,
    goodChunks,
  );
  if (rc === STREAM_EINVAL) throw new RangeError("STREAM open rejected its arguments");
  const good = Number(goodChunks[0]);
  if (rc === STREAM_OK) {
    return { released: length - good * TAG_BYTES, error: null };
  }
  if (rc !== STREAM_EAUTH && rc !== STREAM_ETRUNCATED && rc !== STREAM_ETRAILING && rc !== STREAM_EEMPTY) {
    throw new RangeError(`STREAM open returned an unknown status ${rc}`);
  }
  // Good chunks are whole except possibly the last one of the input.
  return {
    released: Math.min(good * CHUNK_BYTES, length - good * TAG_BYTES),
    error: failure(rc, counter + good),
  };
}

/** Worker threads the shim uses when asked for 0 (one per online CPU). */
export function defaultThreads(): number {
  return shim().smem_stream_default_threads();
}
