// Byte sources and sinks for the streaming engines. Reads and writes go through node:fs's
// asynchronous calls, which Bun runs on its thread pool: while the main thread is inside a
// (synchronous, multi-threaded) STREAM batch call, the next batch is being read and the previous
// one written. Reads land straight in the caller's buffer (a LockedBuffer view for plaintext).
import { shim } from "../../ffi";
import { IoError } from "../errors";
import {
  closeFile,
  fileInfo,
  nodeFs,
  openFile,
  readInto,
  readNowait,
  writeFrom,
  writeNowait,
} from "../file-io";
import { isPipeOrSocket, NOWAIT_MAX_BYTES, neverBlocks, SYNC_IO_MAX_BYTES } from "../sync-io";

export interface ByteSource {
  /** Reads up to `into.length` bytes into `into`; resolves to the count, 0 at end of input. */
  read(into: Uint8Array): Promise<number>;
  /**
   * True when a read may start before the previous one has finished and each read fills its
   * buffer completely unless the input ends (a regular file read at explicit offsets): the
   * engines then keep two reads in flight.
   */
  readonly concurrentReads?: boolean;
  /**
   * How many bytes are left, when the source knows (a regular file): a hint that keeps buffers
   * small for small inputs, never a promise (a growing file simply takes more batches).
   */
  remaining?(): number | null;
  /**
   * A regular file that the caller may read itself at explicit offsets (POSIX): its descriptor
   * and the offset of the next byte, or null. Whoever reads that way reports where it stopped
   * with readTo(), and reads nothing more through read().
   */
  positional?(): { fd: number; offset: number; name: string } | null;
  /** After reading through positional(): everything up to `end` (the input's end) was taken. */
  readTo?(end: number): void;
}

export interface ByteSink {
  /** Writes all of `bytes` (the caller keeps the buffer untouched until this resolves). */
  write(bytes: Uint8Array): Promise<void>;
  /**
   * Optional, for outputs that can be written out of order (a regular file of our own): keeps
   * the next `length` bytes for later and goes on after them; the returned fill() writes them.
   */
  reserve?(length: number): Promise<ReservedBytes>;
}

/** A range kept by ByteSink.reserve; fill() writes exactly its length, once. */
export interface ReservedBytes {
  fill(bytes: Uint8Array): Promise<void>;
  /**
   * Optional: the write failed before fill(); take back what was written from the reserved
   * range on, where that leaves the output as it was (`> file`: empty again).
   */
  discard?(): void;
}

function describe(err: NodeJS.ErrnoException): string {
  return err.code ?? err.message;
}

const RETRY_MS = 2;
const SEEK_SET = 0;
const SEEK_CUR = 1;

function pause(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * Reads an fd; `prefix` (bytes already read while sniffing the format) comes first. A regular
 * file (POSIX) is read at explicit offsets from where its descriptor stood, each read filling its
 * whole buffer, so that several can be in flight; the descriptor's own offset is moved along as
 * sequential reads would have moved it (a shell's `{ smem seal; cat; } < file` still works).
 */
export class FdSource implements ByteSource {
  #prefix: Uint8Array;
  /** Next offset to hand out; undefined until decided, null when reading sequentially. */
  #next: number | null | undefined;
  #eof = false;
  #delivered = 0;
  /** Whether reads may first be tried without waiting (a pipe or socket); decided on first use. */
  #pipeOrSocket: boolean | undefined;
  constructor(
    readonly fd: number,
    readonly name: string,
    prefix: Uint8Array = new Uint8Array(0),
  ) {
    this.#prefix = prefix;
  }

  get concurrentReads(): boolean {
    return this.#prefix.length === 0 && this.#offset() !== null;
  }

  #offset(): number | null {
    if (this.#next === undefined) {
      this.#next = null;
      if (process.platform !== "win32") {
        try {
          if (fileInfo(this.fd).isFile()) {
            const at = Number(shim().smem_fd_seek(this.fd, 0, SEEK_CUR));
            if (at >= 0) this.#next = at;
            this.#delivered = Math.max(at, 0);
          }
        } catch {
          this.#next = null;
        }
      }
    }
    return this.#next;
  }

  positional(): { fd: number; offset: number; name: string } | null {
    if (this.#prefix.length > 0 || process.platform === "win32") return null;
    const at = this.#offset();
    return at === null ? null : { fd: this.fd, offset: at, name: this.name };
  }

  readTo(end: number): void {
    this.#next = end;
    this.#eof = true;
    if (end > this.#delivered) {
      this.#delivered = end;
      shim().smem_fd_seek(this.fd, end, SEEK_SET);
    }
  }

  remaining(): number | null {
    const at = this.#offset();
    if (at === null) return null;
    try {
      return this.#prefix.length + Math.max(0, fileInfo(this.fd).size - at);
    } catch {
      return null;
    }
  }

  async read(into: Uint8Array): Promise<number> {
    if (into.length === 0) return 0;
    if (this.#prefix.length > 0) {
      const n = Math.min(into.length, this.#prefix.length);
      into.set(this.#prefix.subarray(0, n));
      this.#prefix = this.#prefix.subarray(n);
      return n;
    }
    const start = this.#offset();
    if (start === null) {
      // A pipe with bytes waiting (or at its end) answers at once, without node:fs or the
      // thread pool (`cat backup.age | smem open …`); otherwise the asynchronous read waits.
      this.#pipeOrSocket ??= isPipeOrSocket(this.fd);
      const now = this.#pipeOrSocket ? this.#readNowait(into) : null;
      return now ?? this.#readOnce(into, null);
    }
    if (this.#eof) return 0;
    // This read owns [start, start + into.length): the next one starts after it at once.
    this.#next = start + into.length;
    const small = into.length <= SYNC_IO_MAX_BYTES;
    let filled = 0;
    while (filled < into.length) {
      const rest = into.subarray(filled);
      const n = small ? this.#readNow(rest, start + filled) : await this.#readOnce(rest, start + filled);
      if (n === 0) {
        this.#eof = true;
        break;
      }
      filled += n;
    }
    if (filled > 0 && start + filled > this.#delivered) {
      this.#delivered = start + filled;
      shim().smem_fd_seek(this.fd, this.#delivered, SEEK_SET);
    }
    return filled;
  }

  /** A read from a pipe or socket that cannot wait, or null (see ../sync-io). */
  #readNowait(into: Uint8Array): number | null {
    for (;;) {
      try {
        return readNowait(this.fd, into);
      } catch (err) {
        const e = err as NodeJS.ErrnoException;
        if (e.code === "EINTR") continue;
        throw new IoError(`cannot read ${this.name}: ${describe(e)}`);
      }
    }
  }

  /** A read of a regular file at `position`, on this thread (see ../sync-io). */
  #readNow(into: Uint8Array, position: number): number {
    for (;;) {
      try {
        return readInto(this.fd, into, position);
      } catch (err) {
        const e = err as NodeJS.ErrnoException;
        if (e.code === "EINTR") continue;
        throw new IoError(`cannot read ${this.name}: ${describe(e)}`);
      }
    }
  }

  async #readOnce(into: Uint8Array, position: number | null): Promise<number> {
    for (;;) {
      try {
        return await new Promise<number>((resolve, reject) =>
          nodeFs().read(this.fd, into, 0, into.length, position, (err, n) =>
            err ? reject(err) : resolve(n),
          ),
        );
      } catch (err) {
        const e = err as NodeJS.ErrnoException;
        // A non-blocking fd inherited from the parent (a pipe set O_NONBLOCK): wait and retry.
        if (e.code === "EAGAIN" || e.code === "EWOULDBLOCK") {
          await pause(RETRY_MS);
          continue;
        }
        if (e.code === "EINTR") continue;
        throw new IoError(`cannot read ${this.name}: ${describe(e)}`);
      }
    }
  }
}

/** Writes an fd (stdout, or an opened file), all of every buffer. */
const O_APPEND = 0o2000;

/** A small text file such as /proc/self/fdinfo/N (read up to 4 KiB). */
function readSmallFile(path: string): string {
  const fd = openFile(path, "r");
  try {
    const buf = new Uint8Array(4096);
    let n = 0;
    for (let got = 1; got > 0 && n < buf.length; n += got) got = readInto(fd, buf.subarray(n));
    return new TextDecoder().decode(buf.subarray(0, n));
  } finally {
    closeFile(fd);
  }
}

/**
 * The octal `flags:` field of a /proc/self/fdinfo text, or null. Parsed by hand: a regular
 * expression is compiled on its first use, in every `seal … > file`.
 */
export function fdinfoFlags(text: string): number | null {
  for (const line of text.split("\n")) {
    if (!line.startsWith("flags:")) continue;
    const digits = line.slice("flags:".length).trim();
    if (digits.length === 0) return null;
    for (let i = 0; i < digits.length; i++) {
      const c = digits.charCodeAt(i);
      if (c < 0x30 || c > 0x37) return null;
    }
    return Number.parseInt(digits, 8);
  }
  return null;
}

/**
 * May bytes of this fd be written out of order? A regular file (Linux) not opened for appending,
 * whose offset can be read: `> file` or `1<> file`, not `>> file`, pipes or devices.
 */
function positionalFile(fd: number): boolean {
  if (process.platform !== "linux") return false;
  try {
    if (!fileInfo(fd).isFile()) return false;
    const flags = fdinfoFlags(readSmallFile(`/proc/self/fdinfo/${fd}`));
    if (flags === null || (flags & O_APPEND) !== 0) return false;
    return Number(shim().smem_fd_seek(fd, 0, SEEK_CUR)) >= 0;
  } catch {
    return false;
  }
}

/**
 * Writes an fd (stdout, or an opened file), all of every buffer. On a regular file (`> file`) it
 * can also keep bytes for later (reserve), from the descriptor's offset at that moment.
 */
export class FdSink implements ByteSink {
  reserve?: (length: number) => Promise<ReservedBytes>;
  readonly #neverBlocks: boolean;
  readonly #pipeOrSocket: boolean;

  constructor(
    readonly fd: number,
    readonly name: string,
  ) {
    if (positionalFile(fd)) this.reserve = (length) => this.#reserve(length);
    this.#neverBlocks = neverBlocks(fd);
    this.#pipeOrSocket = !this.#neverBlocks && isPipeOrSocket(fd);
  }

  async #reserve(length: number): Promise<ReservedBytes> {
    const at = Number(shim().smem_fd_seek(this.fd, 0, SEEK_CUR));
    if (at < 0) throw new IoError(`cannot write ${this.name}: its offset cannot be read`);
    // Nothing after our offset (`> file`): a failure can leave the file as the shell made it.
    // Otherwise (`1<> file` over existing bytes) what was overwritten cannot come back.
    const nothingAfter = fileInfo(this.fd).size <= at;
    await this.write(new Uint8Array(length));
    return {
      fill: (bytes) => this.#writeAll(bytes, at),
      discard: () => {
        if (!nothingAfter) return;
        try {
          nodeFs().ftruncateSync(this.fd, at);
          shim().smem_fd_seek(this.fd, at, SEEK_SET);
        } catch {
          // Best effort: the command fails with its own error either way.
        }
      },
    };
  }

  write(bytes: Uint8Array): Promise<void> {
    return this.#writeAll(bytes, null);
  }

  /** All of `bytes`, at the current offset (null) or at `position` (the offset stays). */
  async #writeAll(bytes: Uint8Array, position: number | null): Promise<void> {
    const now = this.#neverBlocks && bytes.length <= SYNC_IO_MAX_BYTES;
    let offset = 0;
    while (offset < bytes.length) {
      try {
        const at = position === null ? null : position + offset;
        if (now) {
          offset += writeFrom(this.fd, bytes.subarray(offset), at);
          continue;
        }
        // A pipe with room takes a small write at once (`smem open … | tar x` then needs
        // neither node:fs nor the thread pool); a full one gets the asynchronous write.
        const written =
          this.#pipeOrSocket && at === null && bytes.length - offset <= NOWAIT_MAX_BYTES
            ? writeNowait(this.fd, bytes.subarray(offset))
            : 0;
        offset +=
          written > 0
            ? written
            : await new Promise<number>((resolve, reject) =>
                nodeFs().write(this.fd, bytes, offset, bytes.length - offset, at, (err, n) =>
                  err ? reject(err) : resolve(n),
                ),
              );
      } catch (err) {
        const e = err as NodeJS.ErrnoException;
        if (e.code === "EAGAIN" || e.code === "EWOULDBLOCK") {
          await pause(RETRY_MS);
          continue;
        }
        if (e.code === "EINTR") continue;
        if (e.code === "EPIPE") throw new IoError(`cannot write ${this.name}: the reader went away (EPIPE)`);
        throw new IoError(`cannot write ${this.name}: ${describe(e)}`);
      }
    }
  }
}

/** Fills `into` from `source` until it is full or the input ends; returns the byte count. */
export async function readFull(source: ByteSource, into: Uint8Array): Promise<number> {
  let filled = 0;
  while (filled < into.length) {
    const n = await source.read(into.subarray(filled));
    if (n === 0) break;
    filled += n;
  }
  return filled;
}

/** `prefix` first (bytes read ahead while sniffing a format), then `inner`. */
export class PrefixSource implements ByteSource {
  #prefix: Uint8Array;
  constructor(
    prefix: Uint8Array,
    readonly inner: ByteSource,
  ) {
    this.#prefix = prefix;
  }
  get concurrentReads(): boolean {
    return this.#prefix.length === 0 && this.inner.concurrentReads === true;
  }

  remaining(): number | null {
    const inner = this.inner.remaining?.() ?? null;
    return inner === null ? null : this.#prefix.length + inner;
  }

  async read(into: Uint8Array): Promise<number> {
    if (this.#prefix.length === 0) return this.inner.read(into);
    const n = Math.min(into.length, this.#prefix.length);
    into.set(this.#prefix.subarray(0, n));
    this.#prefix = this.#prefix.subarray(n);
    return n;
  }
}

/** A source over bytes already in memory (tests, small inputs). */
export class BytesSource implements ByteSource {
  #rest: Uint8Array;
  constructor(bytes: Uint8Array) {
    this.#rest = bytes;
  }
  remaining(): number {
    return this.#rest.length;
  }
  async read(into: Uint8Array): Promise<number> {
    const n = Math.min(into.length, this.#rest.length);
    into.set(this.#rest.subarray(0, n));
    this.#rest = this.#rest.subarray(n);
    return n;
  }
}

/** A sink that collects everything written (tests, small outputs). Public data only. */
export class CollectSink implements ByteSink {
  #parts: Uint8Array[] = [];
  async write(bytes: Uint8Array): Promise<void> {
    this.#parts.push(bytes.slice());
  }
  bytes(): Uint8Array {
    let total = 0;
    for (const p of this.#parts) total += p.length;
    const out = new Uint8Array(total);
    let at = 0;
    for (const p of this.#parts) {
      out.set(p, at);
      at += p.length;
    }
    return out;
  }
}
