// Temp files of atomic outputs (core/atomic-file.ts) that a killed process left behind. A live
// writer holds an exclusive flock on its temp file for as long as the file is open; the kernel
// drops the lock when the process dies, however it dies (SIGKILL included). A lock only speaks for
// the kernel that holds it (an NFS share mounted `nolock` keeps locks per client), so on Linux the
// temp name carries a tag of the running kernel's boot id, `.<target>.<boot8>-<12 hex>.smem-tmp`,
// and the next atomic write to the same target removes a temp file only when all of this holds:
//   - its name is exactly smem's temp name for that target with this kernel's boot tag;
//   - it is a regular file (not a symlink) owned by the current user;
//   - it has not been modified for STALE_AFTER_MS (covers the instant between a writer creating
//     its file and locking it);
//   - an exclusive non-blocking flock on it succeeds, i.e. no process holds one.
// Anything else is left alone (untagged names from other systems or older versions, files from
// before a reboot), and every failure (permissions, a filesystem without locks, a race with
// another cleaner) only means the file stays. Linux only: elsewhere there is no boot id to tag
// with, and on Windows an open file cannot be removed anyway.
import { shim } from "../ffi";
import { nodeFs, nodePath } from "./file-io";

export const TEMP_SUFFIX = ".smem-tmp";
export const STALE_AFTER_MS = 10 * 60 * 1000;

let bootTagCache: string | null | undefined;

/** Eight hex digits of this kernel's boot id (Linux), or null. */
export function bootTag(): string | null {
  if (bootTagCache === undefined) {
    bootTagCache = null;
    if (process.platform === "linux") {
      try {
        const id = nodeFs()
          .readFileSync("/proc/sys/kernel/random/boot_id", "utf8")
          .replace(/[^0-9a-f]/g, "");
        if (id.length >= 8) bootTagCache = id.slice(0, 8);
      } catch {
        bootTagCache = null;
      }
    }
  }
  return bootTagCache;
}

/** The temp file name for a target named `base` and 12 random hex digits. */
export function tempNameFor(base: string, randomHex: string): string {
  const tag = bootTag();
  return `.${base}.${tag ? `${tag}-` : ""}${randomHex}${TEMP_SUFFIX}`;
}

/** Takes the writer's lock on a freshly created temp file (best effort; false if not held). */
export function lockTempFile(fd: number): boolean {
  if (process.platform === "win32") return false;
  try {
    return shim().smem_flock(fd, 1, 1) === 0;
  } catch {
    return false;
  }
}

/** Is `name` smem's temp name for a target named `base`, written under this kernel (`tag`)? */
export function isTempNameFor(name: string, base: string, tag: string | null = bootTag()): boolean {
  const prefix = `.${base}.${tag}-`;
  return (
    tag !== null && name.startsWith(prefix) && /^[0-9a-f]{12}\.smem-tmp$/.test(name.slice(prefix.length))
  );
}

/** Removes stale temp files of target `base` in `dir` (never `own`); returns how many. */
export function removeStaleTemps(dir: string, base: string, own: string | null, now = Date.now()): number {
  if (bootTag() === null) return 0;
  const fs = nodeFs();
  const uid = process.getuid?.();
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch {
    return 0;
  }
  let removed = 0;
  for (const name of names) {
    if (!isTempNameFor(name, base)) continue;
    const path = nodePath().join(dir, name);
    if (path === own) continue;
    try {
      const st = fs.lstatSync(path);
      if (!st.isFile() || st.uid !== uid || now - st.mtimeMs < STALE_AFTER_MS) continue;
      const fd = fs.openSync(path, fs.constants.O_RDONLY | fs.constants.O_NOFOLLOW);
      try {
        const same = fs.fstatSync(fd);
        if (same.ino !== st.ino || same.dev !== st.dev) continue;
        if (shim().smem_flock(fd, 1, 1) !== 0) continue; // a live writer holds it (or no locks here)
        fs.unlinkSync(path);
        removed++;
      } finally {
        fs.closeSync(fd);
      }
    } catch {
      // Gone meanwhile, not ours to open, or no locks on this filesystem: leave it.
    }
  }
  return removed;
}
