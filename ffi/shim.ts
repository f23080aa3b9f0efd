// Locates and opens the native shim. This folder is the only place that imports bun:ffi.
//
// Where the shim comes from, first match wins:
//   1. SMEM_SHIM_PATH (tests and packagers)
//   2. a shim embedded in a `bun build --compile` executable (registered by the build entry
//      through setEmbeddedShim in ./embedded before anything opens the shim)
//   3. the development build: zig-shim/zig-out/{lib,bin}/ beside this source tree
import { CFunction, dlopen, type Pointer, suffix } from "bun:ffi";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { embeddedShim } from "./embedded";
import { shimSymbols } from "./symbols";

// At load only smem_symbol and smem_init are bound; every other function gets its call stub on
// first use (see zig-shim/src/symbols.c: bun:ffi compiles one per function, ~30 us each).
const loaderSymbols = {
  smem_symbol: { args: ["ptr"], returns: "ptr" },
  smem_init: { args: [], returns: "i32" },
} as const;
type ShimLibrary = ReturnType<typeof dlopen<typeof loaderSymbols>>;
type RawShim = ReturnType<typeof dlopen<typeof shimSymbols>>["symbols"];
// Addresses travel through smem as plain numbers (LockedBuffer.ptr); Bun's branded Pointer type
// is a number at run time, so pointer parameters accept either.
type Loosen<T> = T extends Pointer | null ? T | number : T;
type LooseArgs<A extends unknown[]> = { [I in keyof A]: Loosen<A[I]> };
export type Shim = {
  [K in keyof RawShim]: RawShim[K] extends (...args: infer A) => infer R
    ? (...args: LooseArgs<A>) => R
    : never;
};

let opened: Shim | null = null;
// The library handle stays referenced for as long as the process runs: the bound functions
// point into it.
let library: ShimLibrary | null = null;

export class ShimLoadError extends Error {
  override name = "ShimLoadError";
}

function shimFileName(): string {
  return process.platform === "win32" ? `smem_shim.${suffix}` : `libsmem_shim.${suffix}`;
}

export function developmentShimPath(): string {
  const root = join(import.meta.dir, "..", "zig-shim", "zig-out");
  const sub = process.platform === "win32" ? "bin" : "lib";
  return join(root, sub, shimFileName());
}

// dlopen needs a real file. Bun's dlopen would accept the `$bunfs` path itself, but it extracts
// to a fixed, predictable name in the shared temp dir (/tmp/.bun-<n>-<hash>.so) and on later runs
// loads whatever file has that name after only a stat, so another local user could plant a
// library there. smem extracts the shim itself instead:
//   POSIX: a fresh private directory (0700), loaded, then unlinked at once (the mapping stays
//     valid; nothing is left behind). If the temp dir is mounted noexec, the per-user cache below.
//   Windows: a loaded DLL cannot be deleted, so a per-user cache keyed by the shim's hash, which
//     is re-verified against the embedded bytes before every load.
function openEmbedded(path: string): ShimLibrary {
  const bytes = readFileSync(path);
  if (process.platform === "win32") return openCached(bytes);
  let firstError: unknown;
  for (const baseOf of [tempDir, userCacheDir]) {
    let dir: string | null = null;
    try {
      const base = baseOf();
      mkdirSync(base, { recursive: true, mode: 0o700 });
      dir = mkdtempSync(join(base, "smem-shim-"));
      const file = join(dir, shimFileName());
      writeFileSync(file, bytes, { mode: 0o700 });
      return dlopen(file, loaderSymbols);
    } catch (err) {
      firstError ??= err;
    } finally {
      if (dir) rmSync(dir, { recursive: true, force: true });
    }
  }
  throw firstError;
}

// node:os is not imported for these two: its import was a measurable part of every start-up.

/** os.tmpdir() on POSIX (TMPDIR, TMP, TEMP, else /tmp; no trailing slash). */
function tempDir(): string {
  const dir = process.env.TMPDIR || process.env.TMP || process.env.TEMP || "/tmp";
  return dir.length > 1 && dir.endsWith("/") ? dir.slice(0, -1) : dir;
}

/** $HOME, else os.homedir() (the password database; USERPROFILE on Windows). */
function homedir(): string {
  return process.env.HOME || (require("node:os") as typeof import("node:os")).homedir();
}

function userCacheDir(): string {
  if (process.platform === "win32") {
    return join(process.env.LOCALAPPDATA ?? join(homedir(), "AppData", "Local"), "smem", "shim");
  }
  if (process.platform === "darwin") return join(homedir(), "Library", "Caches", "smem", "shim");
  return join(process.env.XDG_CACHE_HOME || join(homedir(), ".cache"), "smem", "shim");
}

function openCached(bytes: Uint8Array): ShimLibrary {
  const digest = new Bun.CryptoHasher("sha256").update(bytes).digest("hex");
  const dir = join(userCacheDir(), digest.slice(0, 32));
  const file = join(dir, shimFileName());
  const intact = () =>
    existsSync(file) && new Bun.CryptoHasher("sha256").update(readFileSync(file)).digest("hex") === digest;
  if (!intact()) {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const tmp = `${file}.${process.pid}.tmp`;
    writeFileSync(tmp, bytes, { mode: 0o700 });
    try {
      renameSync(tmp, file);
    } catch (err) {
      // Another smem process may hold the same file loaded (Windows refuses to replace it); it is
      // fine to use if its content is the expected one.
      rmSync(tmp, { force: true });
      if (!intact()) throw err;
    }
  }
  return dlopen(file, loaderSymbols);
}

/** Where the loaded shim came from (see the list at the top of this file). */
export type ShimOrigin = "SMEM_SHIM_PATH" | "embedded" | "development";
let origin: ShimOrigin | null = null;

function openShim(): [ShimLibrary, ShimOrigin] {
  const override = process.env.SMEM_SHIM_PATH;
  if (override) {
    if (!existsSync(override)) throw new ShimLoadError(`SMEM_SHIM_PATH names no file: ${override}`);
    return [dlopen(override, loaderSymbols), "SMEM_SHIM_PATH"];
  }
  const embedded = embeddedShim();
  if (embedded) return [openEmbedded(embedded.path), "embedded"];
  const dev = developmentShimPath();
  if (!existsSync(dev)) {
    throw new ShimLoadError(`native shim not found at ${dev}; run 'npm run setup' to build it`);
  }
  return [dlopen(dev, loaderSymbols), "development"];
}

/**
 * Every function of shimSymbols, each bound on first access through smem_symbol. A function the
 * loaded shim lacks (an older build) is a ShimLoadError at that point.
 */
function lazySymbols(lib: ShimLibrary): Shim {
  const table: Record<string, unknown> = {};
  for (const [name, signature] of Object.entries(shimSymbols)) {
    Object.defineProperty(table, name, {
      configurable: true,
      enumerable: true,
      get() {
        const address = lib.symbols.smem_symbol(Buffer.from(`${name}\0`));
        if (address === null)
          throw new ShimLoadError(`the native shim has no ${name}: rebuild it (npm run setup)`);
        const fn = CFunction({ ...(signature as object), ptr: address } as Parameters<typeof CFunction>[0]);
        Object.defineProperty(table, name, { value: fn, enumerable: true });
        return fn;
      },
    });
  }
  return table as unknown as Shim;
}

/** The shim's symbols, opened and initialised on first use. */
export function shim(): Shim {
  if (opened) return opened;
  let lib: ShimLibrary;
  let from: ShimOrigin;
  try {
    [lib, from] = openShim();
  } catch (err) {
    if (err instanceof ShimLoadError) throw err;
    throw new ShimLoadError(`cannot load the native shim: ${(err as Error).message}`);
  }
  if (lib.symbols.smem_init() !== 0) throw new ShimLoadError("the native shim failed to initialise");
  library = lib;
  opened = lazySymbols(lib);
  origin = from;
  return opened;
}

export function shimLoaded(): boolean {
  return library !== null;
}

/** Where the shim was loaded from; null before the first shim() call. */
export function shimOrigin(): ShimOrigin | null {
  return origin;
}
