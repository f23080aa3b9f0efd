// Temp files of atomic outputs (core/atomic-file.ts) that a killed process left behind. A live
// writer holds an exclusive flock on its temp file for as long as the file is open; the kernel
// drops the lock when the process dies, however it dies (SIGKILL included). So the next atomic
// write to the same target removes a temp file only when all of this holds:
//   - its name is exactly smem's temp name for that target: `.<target name>.<12 hex>.smem-tmp`;
//   - it is a regular file (not a symlink) owned by the current user;
//   - it has not been modified for STALE_AFTER_MS (covers the instant between a writer creating
//     its file and locking it, and writers of smem versions that took no lock);
//   - an exclusive non-blocking flock on it succeeds, i.e. no process holds one.
// Anything else is left alone, and every failure (permissions, a filesystem without locks, a race
// with another cleaner) only means the file stays. POSIX only: on Windows an open file cannot be
// removed, and a killed writer's file is left as before.
import { closeSync, constants, fstatSync, lstatSync, openSync, readdirSync, unlinkSync } from "node:fs";
import { join } from "node:path";
import { shim } from "../ffi";

export const TEMP_SUFFIX = ".smem-tmp";
const TEMP_TAIL = /^[0-9a-f]{12}\.smem-tmp$/;
export const STALE_AFTER_MS = 10 * 60 * 1000;

/** Takes the writer's lock on a freshly created temp file (best effort; false if not held). */
export function lockTempFile(fd: number): boolean {
  if (process.platform === "win32") return false;
  try {
    return shim().smem_flock(fd, 1, 1) === 0;
  } catch {
    return false;
  }
}

/** Is `name` smem's temp name for a target named `base`? */
export function isTempNameFor(name: string, base: string): boolean {
  const prefix = `.${base}.`;
  return name.startsWith(prefix) && TEMP_TAIL.test(name.slice(prefix.length));
}

/** Removes stale temp files of target `base` in `dir` (never `own`); returns how many. */
export function removeStaleTemps(dir: string, base: string, own: string | null, now = Date.now()): number {
  if (process.platform === "win32") return 0;
  const uid = process.getuid?.();
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return 0;
  }
  let removed = 0;
  for (const name of names) {
    if (!isTempNameFor(name, base)) continue;
    const path = join(dir, name);
    if (path === own) continue;
    try {
      const st = lstatSync(path);
      if (!st.isFile() || st.uid !== uid || now - st.mtimeMs < STALE_AFTER_MS) continue;
      const fd = openSync(path, constants.O_RDONLY | constants.O_NOFOLLOW);
      try {
        const same = fstatSync(fd);
        if (same.ino !== st.ino || same.dev !== st.dev) continue;
        if (shim().smem_flock(fd, 1, 1) !== 0) continue; // a live writer holds it (or no locks here)
        unlinkSync(path);
        removed++;
      } finally {
        closeSync(fd);
      }
    } catch {
      // Gone meanwhile, not ours to open, or no locks on this filesystem: leave it.
    }
  }
  return removed;
}
