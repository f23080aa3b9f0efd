// Synchronous file operations for the commands' common path: open, stat, read, write and close
// a regular file, a device or stdout. On POSIX they go through the shim (zig-shim/src/file.c), so
// that a short `smem open` never imports node:fs, whose import alone is well over a millisecond
// of its start-up; on Windows they are node:fs's own. Errors carry node:fs's `code` ("ENOENT"),
// so callers handle both alike. Everything else (rename, fsync, directories, asynchronous reads
// and writes) uses node:fs, loaded on first use through nodeFs().
import { shim } from "../ffi";

export type NodeFs = typeof import("node:fs");

/** node:fs, imported on first use (a static import would be paid by every command at start). */
export function nodeFs(): NodeFs {
  return require("node:fs") as NodeFs;
}

// node:path, imported on first use (one accessor for ffi/ and core/: ffi/cache-dir.ts); only
// paths that also load node:fs need it here.
export { nodePath } from "../ffi";

/** What callers read from a stat: node:fs's Stats has all of it too. */
export interface FileInfo {
  size: number;
  rdev: number;
  dev: number;
  ino: number;
  mode: number;
  isFile(): boolean;
  isDirectory(): boolean;
  isCharacterDevice(): boolean;
  isFIFO(): boolean;
  isSocket(): boolean;
}

/** An error as node:fs throws it: `code`, `errno` (positive), `syscall`, `path`. */
export interface FileError extends Error {
  code: string;
  errno: number;
  syscall: string;
  path?: string;
}

const viaShim = process.platform !== "win32";

// File type bits of st_mode: the same values on Linux and macOS.
const S_IFMT = 0o170000;
const S_IFREG = 0o100000;
const S_IFDIR = 0o040000;
const S_IFCHR = 0o020000;
const S_IFIFO = 0o010000;
const S_IFSOCK = 0o140000;

class ShimFileInfo implements FileInfo {
  constructor(
    readonly mode: number,
    readonly size: number,
    readonly rdev: number,
    readonly dev: number,
    readonly ino: number,
  ) {}
  isFile(): boolean {
    return (this.mode & S_IFMT) === S_IFREG;
  }
  isDirectory(): boolean {
    return (this.mode & S_IFMT) === S_IFDIR;
  }
  isCharacterDevice(): boolean {
    return (this.mode & S_IFMT) === S_IFCHR;
  }
  isFIFO(): boolean {
    return (this.mode & S_IFMT) === S_IFIFO;
  }
  isSocket(): boolean {
    return (this.mode & S_IFMT) === S_IFSOCK;
  }
}

function failure(result: number, syscall: string, path?: string): FileError {
  const errno = -result;
  const name = shim().smem_errno_name(errno);
  const code = name ? String(name) : `errno ${errno}`;
  const err = new Error(`${code}: ${syscall}${path === undefined ? "" : ` '${path}'`}`) as FileError;
  err.code = code;
  err.errno = errno;
  err.syscall = syscall;
  if (path !== undefined) err.path = path;
  return err;
}

const encoder = new TextEncoder();

function cPath(path: string, syscall: string): Uint8Array {
  if (path.includes("\0")) {
    const err = new Error(`${syscall}: the path contains a NUL byte`) as FileError;
    err.code = "ERR_INVALID_ARG_VALUE";
    err.errno = 0;
    err.syscall = syscall;
    throw err;
  }
  return encoder.encode(`${path}\0`);
}

const infoWords = new BigInt64Array(5);

function infoOf(result: number, syscall: string, path?: string): FileInfo {
  if (result !== 0) throw failure(result, syscall, path);
  const w = infoWords;
  return new ShimFileInfo(Number(w[0]), Number(w[1]), Number(w[2]), Number(w[3]), Number(w[4]));
}

/** How a file is opened: "r" read, "w" create or truncate, "wx" create a file that must not exist. */
export type OpenHow = "r" | "w" | "wx";
const OPEN_HOW: Record<OpenHow, number> = { r: 0, w: 1, wx: 2 };

/** open(2) with O_CLOEXEC, as node:fs's openSync(path, how, mode). */
export function openFile(path: string, how: OpenHow, mode = 0o666): number {
  if (!viaShim) return nodeFs().openSync(path, how, mode);
  const fd = shim().smem_file_open(cPath(path, "open"), OPEN_HOW[how], mode);
  if (fd < 0) throw failure(fd, "open", path);
  return fd;
}

/** fstat(2). */
export function fileInfo(fd: number): FileInfo {
  if (!viaShim) return nodeFs().fstatSync(fd);
  return infoOf(shim().smem_file_stat(fd, infoWords), "fstat");
}

/** stat(2) (links followed). */
export function pathInfo(path: string): FileInfo {
  if (!viaShim) return nodeFs().statSync(path);
  return infoOf(shim().smem_path_stat(cPath(path, "stat"), infoWords), "stat", path);
}

/** One read into `into`: at `position`, or at the descriptor's offset when null. 0 at the end. */
export function readInto(fd: number, into: Uint8Array, position: number | null = null): number {
  if (!viaShim) return nodeFs().readSync(fd, into, 0, into.length, position);
  const n = Number(shim().smem_file_read(fd, into, into.length, position ?? -1));
  if (n < 0) throw failure(n, "read");
  return n;
}

/** One write of `bytes` (possibly short): at `position`, or at the descriptor's offset when null. */
export function writeFrom(fd: number, bytes: Uint8Array, position: number | null = null): number {
  if (!viaShim) return nodeFs().writeSync(fd, bytes, 0, bytes.length, position);
  const n = Number(shim().smem_file_write(fd, bytes, bytes.length, position ?? -1));
  if (n < 0) throw failure(n, "write");
  return n;
}

/**
 * One write to a pipe or socket that never waits for the reader (smem_fd_write_nowait): the
 * bytes written, or 0 when the write would have to wait, or when `fd` is neither (and always on
 * Windows). A reader that went away is EPIPE, thrown like node:fs would.
 */
export function writeNowait(fd: number, bytes: Uint8Array): number {
  if (!viaShim || bytes.length === 0) return 0;
  const n = Number(shim().smem_fd_write_nowait(fd, bytes, bytes.length));
  if (n >= 0) return n;
  const err = failure(n, "write");
  if (err.code === "EAGAIN") return 0;
  throw err;
}

/**
 * One read from a pipe or socket that never waits for the writer (smem_fd_read_nowait): the byte
 * count (0 at the end of the input), or null when the read would have to wait, or when `fd` is
 * neither (and always on Windows).
 */
export function readNowait(fd: number, into: Uint8Array): number | null {
  if (!viaShim || into.length === 0) return null;
  const n = Number(shim().smem_fd_read_nowait(fd, into, into.length));
  if (n >= 0) return n;
  const err = failure(n, "read");
  if (err.code === "EAGAIN") return null;
  throw err;
}

/** close(2). */
export function closeFile(fd: number): void {
  if (!viaShim) {
    nodeFs().closeSync(fd);
    return;
  }
  const r = shim().smem_file_close(fd);
  if (r !== 0) throw failure(r, "close");
}
