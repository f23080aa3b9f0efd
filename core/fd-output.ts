// Writing bytes (often a view of a LockedBuffer) to an fd such as stdout, completely, straight
// from the caller's memory.
import { IoError } from "./errors";
import { writeFrom } from "./file-io";

/** Writes all of `bytes` to `fd`, waiting out EAGAIN on a non-blocking fd; IoError on failure. */
export function writeAllSync(fd: number, bytes: Uint8Array, what = `fd ${fd}`): void {
  let offset = 0;
  while (offset < bytes.length) {
    try {
      offset += writeFrom(fd, bytes.subarray(offset));
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
