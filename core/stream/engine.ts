// The streaming STREAM engines: constant memory whatever the input size, chunk plaintext only in
// locked memory, and three things happening at once — the shim sealing or opening batch N on
// every core, batch N+1 (and N+2) being read, batch N-1 being written.
//
// The final chunk carries the last flag, so the engine must know whether more input follows
// before it processes a batch. It reads ahead: batch N is processed only once batch N+1 has been
// read (or found empty). A short batch means the input ended.
import { useNormalJitPolicy } from "../jit-policy";
import { LockedBuffer } from "../locked-buffer";
import {
  CHUNK_BYTES,
  defaultThreads,
  openBatch,
  SEALED_CHUNK_BYTES,
  sealBatch,
  sealedLength,
  sealFileBatch,
} from "./batch";
import { type ByteSink, type ByteSource, readFull } from "./io";

/** 32 chunks (2 MiB of plaintext) per batch: three plaintext batches stay under the common
 * 8 MiB RLIMIT_MEMLOCK, and one FFI call per 2 MiB keeps the per-call cost negligible. */
export const DEFAULT_BATCH_CHUNKS = 32;

export interface EngineOptions {
  /** Chunks per batch (default DEFAULT_BATCH_CHUNKS). */
  batchChunks?: number;
  /** Worker threads per batch (0 = one per CPU). */
  threads?: number;
  /** Called after every batch with the plaintext bytes processed so far. */
  onProgress?: (plaintextBytes: number) => void;
}

export interface EngineResult {
  /** Plaintext bytes sealed or released. */
  plaintextBytes: number;
}

/**
 * Chunks per batch: the configured number, or fewer when the source knows it holds less, so a
 * 1 KiB file does not cost megabytes of locked buffers (`unit`: bytes one chunk takes there).
 */
function batchChunksOf(opts: EngineOptions, source: ByteSource, unit: number): number {
  const n = opts.batchChunks ?? DEFAULT_BATCH_CHUNKS;
  if (!Number.isInteger(n) || n < 1 || n > 4096) throw new RangeError("batchChunks must be 1..4096");
  const left = source.remaining?.() ?? null;
  // One chunk more than the bytes fill: the first read then comes back short and marks the end.
  return left === null ? n : Math.min(n, Math.floor(left / unit) + 1);
}

async function settle(pending: Promise<void> | null): Promise<void> {
  if (pending) await pending;
}

const ABANDON_READ_MS = 250;

type PendingRead = { promise: Promise<number>; into: LockedBuffer | null };

/**
 * Cleanup after the engine stops: in-flight I/O must not land in unmapped memory. A pending
 * write is awaited. A pending read (after a failure elsewhere) may never end — stdin from a
 * terminal — so it gets a short grace period; if it is still running, the one buffer it fills is
 * destroyed when it settles instead of now.
 */
async function release(
  buffers: LockedBuffer[],
  pendingReads: (PendingRead | null)[],
  pendingWrite: Promise<void> | null,
): Promise<void> {
  if (pendingWrite) await pendingWrite.catch(() => {});
  const busy = new Set<LockedBuffer>();
  for (const pendingRead of pendingReads) {
    if (!pendingRead) continue;
    const done = await Promise.race([
      pendingRead.promise.then(
        () => true,
        () => true,
      ),
      new Promise<boolean>((resolve) => setTimeout(() => resolve(false), ABANDON_READ_MS).unref()),
    ]);
    if (!done && pendingRead.into) {
      const late = pendingRead.into;
      busy.add(late);
      pendingRead.promise.finally(() => late.destroy()).catch(() => {});
    }
  }
  for (const b of buffers) if (!busy.has(b)) b.destroy();
}

/**
 * Seals everything `source` yields as an age STREAM payload under `key` (32 bytes) to `sink`.
 * Writes only the chunks (the caller writes any header and nonce first).
 */
export async function sealStream(
  key: LockedBuffer,
  source: ByteSource,
  sink: ByteSink,
  opts: EngineOptions = {},
): Promise<EngineResult> {
  const file = source.positional?.() ?? null;
  if (file) return sealFile(key, source, file, sink, opts);
  const chunks = batchChunksOf(opts, source, CHUNK_BYTES);
  const plainSize = chunks * CHUNK_BYTES;
  const plain = [LockedBuffer.alloc(plainSize), LockedBuffer.alloc(plainSize), LockedBuffer.alloc(plainSize)];
  const sealed = [new Uint8Array(chunks * SEALED_CHUNK_BYTES), new Uint8Array(chunks * SEALED_CHUNK_BYTES)];
  let pendingWrite: Promise<void> | null = null;
  let pendingRead: PendingRead | null = null;
  // With a source that allows it (a regular file), the read after next starts as soon as its
  // buffer is free instead of after the next read has finished: two reads in flight.
  let earlyRead: PendingRead | null = null;
  const readInto = (buf: LockedBuffer): PendingRead => ({
    promise: readFull(source, buf.bytes()),
    into: buf,
  });
  try {
    let counter = 0;
    let total = 0;
    let slot = 0;
    let length = await readFull(source, (plain[0] as LockedBuffer).bytes());
    let ended = length < plainSize;
    const concurrent = source.concurrentReads === true;
    if (!ended) pendingRead = readInto(plain[1] as LockedBuffer);
    if (!ended && concurrent) earlyRead = readInto(plain[2] as LockedBuffer);
    for (let out = 0; ; out ^= 1) {
      // Read ahead: is there anything after this batch?
      let nextLength = 0;
      if (!ended && pendingRead) {
        nextLength = await pendingRead.promise;
        pendingRead = null;
      }
      const final = ended || nextLength === 0;
      if (!final) useNormalJitPolicy();
      const nextEnded = nextLength < plainSize;
      if (!final && !nextEnded) {
        if (earlyRead) {
          pendingRead = earlyRead;
          earlyRead = null;
        } else {
          pendingRead = readInto(plain[(slot + 2) % 3] as LockedBuffer);
        }
      }
      const target = sealed[out] as Uint8Array;
      const n = sealBatch(
        target,
        key,
        plain[slot] as LockedBuffer,
        length,
        counter,
        final,
        opts.threads ?? 0,
      );
      // This batch's plaintext buffer is free: the read after next can go into it now.
      if (concurrent && pendingRead && !earlyRead) earlyRead = readInto(plain[slot] as LockedBuffer);
      // The write two batches back used this same output buffer and has finished (awaited below
      // before the next write starts).
      await settle(pendingWrite);
      pendingWrite = sink.write(target.subarray(0, n));
      counter += n === 0 ? 0 : Math.ceil(n / SEALED_CHUNK_BYTES);
      total += length;
      opts.onProgress?.(total);
      if (final) break;
      slot = (slot + 1) % 3;
      length = nextLength;
      ended = nextEnded;
    }
    await settle(pendingWrite);
    pendingWrite = null;
    return { plaintextBytes: total };
  } finally {
    await release(plain, [pendingRead, earlyRead], pendingWrite);
  }
}

/**
 * sealStream for a regular file (ByteSource.positional): the shim's workers read each chunk and
 * seal it at once (sealFileBatch), so reading takes no thread of its own and the plaintext is
 * sealed while it is still in cache; batch N is written while batch N+1 is read and sealed.
 */
async function sealFile(
  key: LockedBuffer,
  source: ByteSource,
  file: { fd: number; offset: number; name: string },
  sink: ByteSink,
  opts: EngineOptions,
): Promise<EngineResult> {
  const chunks = batchChunksOf(opts, source, CHUNK_BYTES);
  // One 64 KiB chunk of locked scratch per thread, not a whole batch: reused for every chunk
  // that thread reads, it stays in its core's cache.
  const threads = opts.threads || defaultThreads();
  const plain = LockedBuffer.alloc(Math.min(threads, chunks) * CHUNK_BYTES);
  const sealed = [new Uint8Array(chunks * SEALED_CHUNK_BYTES), new Uint8Array(chunks * SEALED_CHUNK_BYTES)];
  let pendingWrite: Promise<void> | null = null;
  try {
    let offset = file.offset;
    let counter = 0;
    for (let out = 0; ; out ^= 1) {
      const target = sealed[out] as Uint8Array;
      const batch = await sealFileBatch(
        target,
        key,
        plain,
        chunks,
        file.fd,
        offset,
        counter,
        file.name,
        opts.threads ?? 0,
      );
      // The previous batch's write used the other buffer; this one is written while the next
      // batch is read and sealed into that one.
      await settle(pendingWrite);
      pendingWrite = sink.write(target.subarray(0, batch.sealedBytes));
      offset += batch.plaintextBytes;
      counter += chunks;
      opts.onProgress?.(offset - file.offset);
      if (batch.final) break;
      useNormalJitPolicy();
    }
    await settle(pendingWrite);
    pendingWrite = null;
    source.readTo?.(offset);
    return { plaintextBytes: offset - file.offset };
  } finally {
    if (pendingWrite) await pendingWrite.catch(() => {});
    plain.destroy();
  }
}

/**
 * Opens an age STREAM payload from `source` (just after the nonce) under `key`, writing each
 * batch's plaintext to `sink` only after every chunk in it authenticated. On a failure the
 * authenticated chunks before it are written, then the error (AuthError) is thrown: the sink
 * decides what "released" means (stdout: gone; an atomic file: discarded on error).
 */
export async function openStream(
  key: LockedBuffer,
  source: ByteSource,
  sink: ByteSink,
  opts: EngineOptions = {},
): Promise<EngineResult> {
  const chunks = batchChunksOf(opts, source, SEALED_CHUNK_BYTES);
  const sealedSize = chunks * SEALED_CHUNK_BYTES;
  const sealed = [new Uint8Array(sealedSize), new Uint8Array(sealedSize), new Uint8Array(sealedSize)];
  // Allocated on first use: a final batch needs no more than its ciphertext's length (a 1 KiB
  // file then locks one small buffer, not two 64 KiB ones), and no batch comes after it.
  const plain: LockedBuffer[] = [];
  const plainFor = (index: number, final: boolean, sealedLength: number): LockedBuffer => {
    let buf = plain[index];
    if (!buf) {
      buf = LockedBuffer.alloc(
        final ? Math.max(1, Math.min(chunks * CHUNK_BYTES, sealedLength)) : chunks * CHUNK_BYTES,
      );
      plain[index] = buf;
    }
    return buf;
  };
  let pendingWrite: Promise<void> | null = null;
  // Ciphertext buffers are ordinary memory: an abandoned read into one needs no special care.
  let pendingRead: PendingRead | null = null;
  let earlyRead: PendingRead | null = null;
  const readInto = (buf: Uint8Array): PendingRead => ({ promise: readFull(source, buf), into: null });
  try {
    let counter = 0;
    let total = 0;
    let slot = 0;
    let length = await readFull(source, sealed[0] as Uint8Array);
    let ended = length < sealedSize;
    // Asked only now: a source with bytes read ahead (the header's) reads them out first.
    const concurrent = source.concurrentReads === true;
    if (!ended) pendingRead = readInto(sealed[1] as Uint8Array);
    if (!ended && concurrent) earlyRead = readInto(sealed[2] as Uint8Array);
    for (let out = 0; ; out ^= 1) {
      let nextLength = 0;
      if (!ended && pendingRead) {
        nextLength = await pendingRead.promise;
        pendingRead = null;
      }
      const final = ended || nextLength === 0;
      if (!final) useNormalJitPolicy();
      const nextEnded = nextLength < sealedSize;
      if (!final && !nextEnded) {
        if (earlyRead) {
          pendingRead = earlyRead;
          earlyRead = null;
        } else {
          pendingRead = readInto(sealed[(slot + 2) % 3] as Uint8Array);
        }
      }
      // plain[out] was last written two batches back, and that write has been awaited; the
      // previous batch's write (other buffer) keeps running while this batch is opened.
      const target = plainFor(out, final, length);
      const opened = openBatch(
        target,
        key,
        sealed[slot] as Uint8Array,
        length,
        counter,
        final,
        opts.threads ?? 0,
      );
      if (concurrent && pendingRead && !earlyRead && !opened.error) {
        earlyRead = readInto(sealed[slot] as Uint8Array);
      }
      await settle(pendingWrite);
      pendingWrite = null;
      if (opened.released > 0) pendingWrite = sink.write(target.bytes().subarray(0, opened.released));
      total += opened.released;
      if (opened.error) {
        await settle(pendingWrite);
        pendingWrite = null;
        throw opened.error;
      }
      opts.onProgress?.(total);
      counter += chunks;
      if (final) break;
      slot = (slot + 1) % 3;
      length = nextLength;
      ended = nextEnded;
    }
    await settle(pendingWrite);
    pendingWrite = null;
    return { plaintextBytes: total };
  } finally {
    await release(plain, [pendingRead, earlyRead], pendingWrite);
  }
}

export { sealedLength };
