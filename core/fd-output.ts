// Writing bytes (often a view of a LockedBuffer) to an fd such as stdout, completely, straight
// from the caller's memory.
import { writeSync } from "node:fs";
import { IoError } from "./errors";

/** Writes all of `bytes` to `fd`, waiting out EAGAIN on a non-blocking fd; IoError on failure. */
export function writeAllSync(fd: number, bytes: Uint8Array, what = `fd ${fd}`): void {
  let offset = 0;
  while (offset < bytes.length) {
    try {
      offset += writeSync(fd, bytes, offset, bytes.length - offset);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === "EAGAIN" || code === "EWOULDBLOCK") {
        Bun.sleepSync(1);
        continue;
      }
      if (code === "EINTR") continue;
      throw new IoError(`cannot write to ${what}: ${code ?? (err as Error).message}`);
    }
  }
}
