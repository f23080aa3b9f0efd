// Atomic named outputs (DESIGN 3.4): bytes go to a temp file beside the target (mode 0600), which
// is fsynced and renamed over the target only on commit(); abort() or any failure removes it and
// leaves an existing target untouched. A target that is a character device, a FIFO or a socket
// (/dev/null, /dev/stdout, a named pipe) cannot be replaced by rename and is written straight
// through; /dev/stdout, /dev/stderr and /dev/fd/N are written on the descriptor itself.
import { toHex } from "./bytes";
import { IoError } from "./errors";
import { closeFile, fileInfo, nodeFs, nodePath, openFile, pathInfo, writeFrom } from "./file-io";
import { onCleanup } from "./process-guard";
import { randomBytes } from "./random";
import { lockTempFile, removeStaleTemps, tempNameFor } from "./stale-temp";
import { neverBlocks, SYNC_IO_MAX_BYTES } from "./sync-io";

const TEMP_MODE = 0o600;

function describe(err: unknown): string {
  const e = err as NodeJS.ErrnoException;
  return e?.code ?? e?.message ?? String(err);
}

/** Follows a symlink so that the rename replaces the file it points to, not the link. */
function resolveTarget(target: string): string {
  try {
    if (nodeFs().lstatSync(target).isSymbolicLink()) return nodeFs().realpathSync(target);
  } catch {
    // Missing target (or dangling link): write beside the path as given.
  }
  return target;
}

function isStreamDevice(path: string): boolean {
  try {
    const st = pathInfo(path);
    return st.isCharacterDevice() || st.isFIFO() || st.isSocket();
  } catch {
    return false;
  }
}

/**
 * The descriptor a path names when it is one of this process's own (/dev/stdout, /dev/stderr,
 * /dev/fd/N, /proc/self/fd/N): written directly and never closed. Re-opening such a path fails
 * for a socket (a child's stdout under Node or Bun is a socketpair), and resolving it gives a
 * pseudo-name such as "pipe:[N]", which is not a path at all.
 */
function ownDescriptor(path: string): number | null {
  if (process.platform === "win32") return null;
  if (path === "/dev/stdout") return 1;
  if (path === "/dev/stderr") return 2;
  // (The pattern is tried only on those prefixes: a regular expression's first use compiles it.)
  if (!path.startsWith("/dev/fd/") && !path.startsWith("/proc/self/fd/")) return null;
  const m = /^\/(?:dev\/fd|proc\/self\/fd)\/(\d+)$/.exec(path);
  return m ? Number(m[1]) : null;
}

export class AtomicFile implements Disposable {
  /** The path the bytes end up at. */
  readonly target: string;
  /** The temp file's path, or null when writing straight through to a device or FIFO. */
  readonly tempPath: string | null;
  #fd: number | null;
  /** Bytes written so far (write, writeAsync, reserveAsync). */
  #length = 0;
  /** False for a descriptor the process already had (stdout): it is written, never closed. */
  readonly #ownsFd: boolean;
  #done = false;
  #unregister: () => void;
  /** A temp file or /dev/null: small writes skip the thread pool (see ./sync-io). */
  readonly #neverBlocks: boolean;

  private constructor(target: string, tempPath: string | null, fd: number, ownsFd = true) {
    this.target = target;
    this.tempPath = tempPath;
    this.#fd = fd;
    this.#ownsFd = ownsFd;
    this.#neverBlocks = tempPath !== null || neverBlocks(fd);
    this.#unregister = tempPath ? onCleanup(() => this.#discard()) : () => {};
  }

  /** Opens a temp file in the target's directory (or the device itself); throws IoError. */
  static create(target: string): AtomicFile {
    // Devices, FIFOs and sockets are checked on the path as given (stat follows links) and
    // written through it, never through what it resolves to.
    if (isStreamDevice(target)) {
      const own = ownDescriptor(target);
      if (own !== null) return new AtomicFile(target, null, own, false);
      try {
        return new AtomicFile(target, null, openFile(target, "w"));
      } catch (err) {
        throw new IoError(`cannot open ${target} for writing: ${describe(err)}`);
      }
    }
    const real = resolveTarget(target);
    const { basename, dirname, join } = nodePath();
    const dir = dirname(real);
    for (let attempt = 0; ; attempt++) {
      const temp = join(dir, tempNameFor(basename(real), toHex(randomBytes(6))));
      try {
        const fd = openFile(temp, "wx", TEMP_MODE);
        // Held while the file is open: tells later writers this temp file is alive.
        lockTempFile(fd);
        const file = new AtomicFile(real, temp, fd);
        removeStaleTemps(dir, basename(real), temp);
        return file;
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === "EEXIST" && attempt < 8) continue;
        throw new IoError(`cannot create a temporary file beside ${target}: ${describe(err)}`);
      }
    }
  }

  /** Appends `bytes` (a view of a LockedBuffer is written directly from locked memory). */
  write(bytes: Uint8Array): void {
    const fd = this.#openFd();
    let offset = 0;
    try {
      while (offset < bytes.length) offset += writeFrom(fd, bytes.subarray(offset));
    } catch (err) {
      this.abort();
      throw new IoError(`cannot write ${this.target}: ${describe(err)}`);
    }
    this.#length += bytes.length;
  }

  /** True when bytes can be written out of order (a temp file, not a device or FIFO). */
  get seekable(): boolean {
    return this.tempPath !== null;
  }

  /**
   * Keeps the next `length` bytes of a temp file for later (zeros until then) and returns their
   * offset, for writeAtAsync: a header that is known only after the bytes behind it.
   */
  async reserveAsync(length: number): Promise<number> {
    if (!this.seekable) throw new Error("internal error: cannot reserve bytes on a device or FIFO");
    const at = this.#length;
    await this.writeAsync(new Uint8Array(length));
    return at;
  }

  /** Overwrites bytes already written (reserved) at `position`; the end of the file stays. */
  async writeAtAsync(bytes: Uint8Array, position: number): Promise<void> {
    const fd = this.#openFd();
    if (!this.seekable || position + bytes.length > this.#length) {
      throw new Error("internal error: writeAtAsync outside the bytes written");
    }
    let offset = 0;
    try {
      while (offset < bytes.length) {
        offset += await new Promise<number>((resolve, reject) =>
          nodeFs().write(fd, bytes, offset, bytes.length - offset, position + offset, (err, n) =>
            err ? reject(err) : resolve(n),
          ),
        );
      }
    } catch (err) {
      this.abort();
      throw new IoError(`cannot write ${this.target}: ${describe(err)}`);
    }
  }

  /**
   * Like write(), but on the I/O thread pool, so the caller's CPU work (a STREAM batch) overlaps
   * it. One call at a time: await each before the next.
   */
  async writeAsync(bytes: Uint8Array): Promise<void> {
    const fd = this.#openFd();
    if (bytes.length <= SYNC_IO_MAX_BYTES && this.#neverBlocks) {
      this.write(bytes);
      return;
    }
    let offset = 0;
    try {
      while (offset < bytes.length) {
        offset += await new Promise<number>((resolve, reject) =>
          nodeFs().write(fd, bytes, offset, bytes.length - offset, null, (err, n) =>
            err ? reject(err) : resolve(n),
          ),
        );
      }
    } catch (err) {
      this.abort();
      throw new IoError(`cannot write ${this.target}: ${describe(err)}`);
    }
    this.#length += bytes.length;
  }

  /** fsync, rename over the target, fsync the directory. On failure the temp file is removed. */
  commit(): void {
    const fd = this.#openFd();
    if (this.tempPath === null) {
      this.#done = true;
      this.#fd = null;
      if (this.#ownsFd) closeFile(fd);
      return;
    }
    try {
      nodeFs().fsyncSync(fd);
      closeFile(fd);
      this.#fd = null;
      nodeFs().renameSync(this.tempPath, this.target);
    } catch (err) {
      this.abort();
      throw new IoError(`cannot write ${this.target}: ${describe(err)}`);
    }
    this.#done = true;
    this.#unregister();
    syncDirectory(nodePath().dirname(this.target));
  }

  /**
   * Like commit(), but never replaces an existing target: the temp file is hard-linked to the
   * target name (which fails if it exists, atomically) and then unlinked. For outputs that must
   * not clobber anything, such as new key files. Throws IoError (temp removed) if the target exists.
   */
  commitNew(): void {
    const fd = this.#openFd();
    if (this.tempPath === null) {
      this.abort();
      throw new IoError(`${this.target} already exists; refusing to overwrite it`);
    }
    try {
      nodeFs().fsyncSync(fd);
      closeFile(fd);
      this.#fd = null;
      nodeFs().linkSync(this.tempPath, this.target);
    } catch (err) {
      this.abort();
      if ((err as NodeJS.ErrnoException).code === "EEXIST") {
        throw new IoError(`${this.target} already exists; refusing to overwrite it`);
      }
      throw new IoError(`cannot write ${this.target}: ${describe(err)}`);
    }
    this.#discard();
    this.#unregister();
    syncDirectory(nodePath().dirname(this.target));
  }

  /** Closes and removes the temp file; the target is left as it was. Idempotent. */
  abort(): void {
    if (this.#done) return;
    this.#discard();
    this.#unregister();
  }

  [Symbol.dispose](): void {
    this.abort();
  }

  #discard(): void {
    this.#done = true;
    if (this.#fd !== null && this.#ownsFd) {
      try {
        closeFile(this.#fd);
      } catch {
        // Already closed by a failed write.
      }
    }
    this.#fd = null;
    if (this.tempPath !== null) {
      try {
        nodeFs().unlinkSync(this.tempPath);
      } catch {
        // Already gone.
      }
    }
  }

  #openFd(): number {
    if (this.#done || this.#fd === null) throw new IoError(`${this.target} is already closed`);
    return this.#fd;
  }
}

// The rename is durable only once the directory entry is: fsync the directory (not possible on
// Windows, where opening a directory fails; NTFS journals the rename itself).
function syncDirectory(dir: string): void {
  if (process.platform === "win32") return;
  let fd: number | null = null;
  try {
    fd = openFile(dir, "r");
    if (fileInfo(fd).isDirectory()) nodeFs().fsyncSync(fd);
  } catch {
    // Some filesystems refuse fsync on directories; the data itself is already synced.
  } finally {
    if (fd !== null) closeFile(fd);
  }
}

/** Writes `bytes` to `target` atomically (see AtomicFile). */
export function writeFileAtomic(target: string, bytes: Uint8Array): void {
  const file = AtomicFile.create(target);
  file.write(bytes);
  file.commit();
}
