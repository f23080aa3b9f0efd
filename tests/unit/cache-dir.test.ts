// ffi/cache-dir.ts: the shim cache's directory from HOME and the cache base, computed on strings
// for plain absolute paths and through node:path otherwise; both must agree with node:path.
import { describe, expect, test } from "bun:test";
import { posix } from "node:path";
import fc from "fast-check";
import { posixCacheDir } from "../../ffi/cache-dir";

/** What the cache dir is by definition: base/smem/shim resolved, strictly inside resolved home. */
function reference(home: string, base: string): string | null {
  if (!posix.isAbsolute(home)) return null;
  const cache = posix.resolve(base, "smem", "shim");
  const rel = posix.relative(posix.resolve(home), cache);
  if (rel === "" || rel === ".." || rel.startsWith("../") || posix.isAbsolute(rel)) return null;
  return cache;
}

describe("posixCacheDir", () => {
  test("a cache under home", () => {
    expect(posixCacheDir("/home/u", "/home/u/.cache")).toBe("/home/u/.cache/smem/shim");
    expect(posixCacheDir("/home/u", "/home/u/x/../.cache")).toBe("/home/u/.cache/smem/shim");
    expect(posixCacheDir("/home/u/", "/home/u//.cache")).toBe("/home/u/.cache/smem/shim");
    expect(posixCacheDir("/", "/.cache")).toBe("/.cache/smem/shim");
    // A segment that only starts with dots is a name like any other.
    expect(posixCacheDir("/home/u", "/home/u/..cache")).toBe("/home/u/..cache/smem/shim");
  });

  test("no cache outside home, beside it or for a relative home", () => {
    expect(posixCacheDir("/home/u", "/tmp/cache")).toBeNull();
    expect(posixCacheDir("/home/u", "/home/user/.cache")).toBeNull();
    expect(posixCacheDir("/home/u", "/home/u/../v/.cache")).toBeNull();
    expect(posixCacheDir("/home/u/a/b", "/home/u")).toBeNull();
    expect(posixCacheDir("home/u", "home/u/.cache")).toBeNull();
    expect(posixCacheDir("", "/.cache")).toBeNull();
  });

  test("a relative base is resolved against the working directory", () => {
    const cwd = process.cwd();
    expect(posixCacheDir("/", "rel")).toBe(posix.join(cwd, "rel", "smem", "shim"));
    expect(posixCacheDir(cwd, "rel")).toBe(posix.join(cwd, "rel", "smem", "shim"));
  });

  test("agrees with node:path for paths made of odd segments", () => {
    const segment = fc.constantFrom("", ".", "..", "...", "..a", ".a", "a", "b", "a.", "home", "u");
    const path = fc
      .tuple(fc.boolean(), fc.array(segment, { maxLength: 6 }))
      .map(([absolute, segments]) => (absolute ? "/" : "") + segments.join("/"));
    fc.assert(
      fc.property(path, path, (home, base) => {
        expect(posixCacheDir(home, base)).toBe(reference(home, base));
      }),
      { numRuns: 5000 },
    );
  });

  test("agrees with node:path when base extends home", () => {
    const segment = fc.constantFrom("", ".", "..", "a", "b", ".cache", "..c");
    const tail = fc.array(segment, { maxLength: 5 }).map((s) => s.join("/"));
    fc.assert(
      fc.property(fc.constantFrom("/h", "/h/u", "/h/u/", "/"), tail, (home, rest) => {
        const base = `${home}/${rest}`;
        expect(posixCacheDir(home, base)).toBe(reference(home, base));
      }),
      { numRuns: 3000 },
    );
  });
});
