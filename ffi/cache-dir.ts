// Where a compiled smem keeps its shim between runs (./shim.ts says why that is safe), without
// node:path on the common path: importing node:path (with the internal modules it loads) made a
// whole `smem open -i` about 0.2 ms slower, and every command that touches a secret asks for this
// directory. Plain absolute paths are handled as strings; anything else (".", "..", empty
// segments, a relative XDG_CACHE_HOME) goes through node:path, loaded only then.

/** node:path, loaded on first use. */
export function nodePath(): typeof import("node:path") {
  return require("node:path") as typeof import("node:path");
}

/**
 * An absolute POSIX path whose every segment is non-empty and neither "." nor "..": resolving it
 * changes nothing, so string comparisons on it are path comparisons. (A loop, not a regular
 * expression: one would be compiled on its first use, in every process.)
 */
function isPlainAbsolute(path: string): boolean {
  if (!path.startsWith("/")) return false;
  let start = 1;
  for (;;) {
    const end = path.indexOf("/", start);
    const segment = end < 0 ? path.slice(start) : path.slice(start, end);
    if (segment === "" || segment === "." || segment === "..") return false;
    if (end < 0) return true;
    start = end + 1;
  }
}

/**
 * POSIX: `base`/smem/shim, resolved, when it lies strictly inside `home` (itself absolute), else
 * null. A relative `base` is resolved against the working directory, as node:path does.
 */
export function posixCacheDir(home: string, base: string): string | null {
  if (!home.startsWith("/")) return null;
  const cache = `${base}/smem/shim`;
  if (isPlainAbsolute(home) && isPlainAbsolute(cache)) {
    return cache.startsWith(`${home}/`) ? cache : null;
  }
  const path = nodePath().posix;
  const resolved = path.resolve(base, "smem", "shim");
  const rel = path.relative(path.resolve(home), resolved);
  if (rel === "" || rel === ".." || rel.startsWith("../") || path.isAbsolute(rel)) return null;
  return resolved;
}
