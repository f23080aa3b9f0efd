// When a read or write may skip the I/O thread pool. Bun runs node:fs's asynchronous calls on
// its pool, and each one costs a hand-off both ways (plus starting the pool's threads on first
// use, and importing node:fs): for a small file that is most of the time `smem open` spends on
// I/O. A small transfer on a descriptor that cannot block (a regular file, /dev/null) is done
// synchronously instead. Pipes, terminals and sockets stay asynchronous, so a stalled reader or
// writer never blocks the main thread (signal handlers and temp-file cleanup run there), with one
// exception each way: a small write to a pipe or socket is first tried with a call that cannot
// wait (file-io's writeNowait), and goes asynchronous only when the peer has no room for it; a
// read from one (readNowait) answers at once when bytes are waiting or the input has ended.
import { fileInfo, pathInfo } from "./file-io";

/** Transfers up to this size are synchronous on descriptors that cannot block. */
export const SYNC_IO_MAX_BYTES = 64 * 1024;

let devNullRdev: number | null | undefined;

/** Writes to a pipe or socket up to this size are tried without waiting first (see above). */
export const NOWAIT_MAX_BYTES = 64 * 1024;

/** True for a pipe, FIFO or socket: writeNowait and readNowait can work there without waiting. */
export function isPipeOrSocket(fd: number): boolean {
  try {
    const st = fileInfo(fd);
    return st.isFIFO() || st.isSocket();
  } catch {
    return false;
  }
}

/** True for a regular file or /dev/null: reads and writes complete without waiting on a peer. */
export function neverBlocks(fd: number): boolean {
  try {
    const st = fileInfo(fd);
    if (st.isFile()) return true;
    if (!st.isCharacterDevice() || process.platform === "win32") return false;
    if (devNullRdev === undefined) {
      try {
        devNullRdev = pathInfo("/dev/null").rdev;
      } catch {
        devNullRdev = null;
      }
    }
    return st.rdev === devNullRdev;
  } catch {
    return false;
  }
}
