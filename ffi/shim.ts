// Locates and opens the native shim. This folder is the only place that imports bun:ffi.
//
// Where the shim comes from, first match wins:
//   1. SMEM_SHIM_PATH (tests and packagers)
//   2. a shim embedded in a `bun build --compile` executable (registered by the build entry
//      through setEmbeddedShim in ./embedded before anything opens the shim)
//   3. the development build: zig-shim/zig-out/{lib,bin}/ beside this source tree
import { CFunction, dlopen, type Pointer, suffix } from "bun:ffi";
import { nodePath, posixCacheDir } from "./cache-dir";
import { type EmbeddedShimInfo, embeddedShim } from "./embedded";
import { shimSymbols } from "./symbols";

// node:fs is loaded only when a file must be written or looked at: a compiled smem whose shim is
// already in the cache opens it without node:fs (whose import costs about 1.4 ms).
function fs(): typeof import("node:fs") {
  return require("node:fs") as typeof import("node:fs");
}

// At load, smem_symbol, smem_init and the functions every `open -i` and `seal -r` calls are bound
// in one go; every other function gets its call stub on first use (see zig-shim/src/symbols.c:
// bun:ffi compiles a stub per function, and binding all of them at load was over a millisecond).
// The first stub bound after load costs about 0.2 ms on its own, so the functions nearly every
// command needs are cheaper bound with the loader (sixteen of them: 0.28 against 0.43 ms). The
// five `seal -r` adds made it 0.27 ms faster and `open -i` no slower (200 interleaved runs).
const loaderCore = {
  smem_symbol: { args: ["ptr"], returns: "ptr" },
  smem_init: { args: [], returns: "i32" },
} as const;
const eagerNames = [
  "smem_harden_process",
  "smem_exit_now",
  "smem_alloc",
  "smem_free",
  "smem_memcmp",
  "smem_fd_seek",
  "smem_file_open",
  "smem_file_stat",
  "smem_path_stat",
  "smem_file_read",
  "smem_file_write",
  "smem_file_close",
  "smem_hkdf_sha256",
  "smem_hmac_sha256",
  "smem_kem_xwing_seed_keypair",
  "smem_hpke_xwing_open_first",
  "smem_stream_open",
  // seal -r
  "smem_randombytes",
  "smem_kem_xwing_enc",
  "smem_aead_chacha20poly1305_ietf_encrypt",
  "smem_stream_default_threads",
  "smem_stream_seal_fd",
] as const satisfies readonly (keyof typeof shimSymbols)[];
// Filled in a loop: Object.fromEntries and Array.prototype.map are JavaScript that the engine
// compiles on first use, and this runs in every command that loads the shim.
const loaderSymbols: Record<string, unknown> = { ...loaderCore };
for (const name of eagerNames) loaderSymbols[name] = shimSymbols[name];
type ShimLibrary = ReturnType<typeof dlopen<typeof loaderCore>>;

function openLibrary(path: string): ShimLibrary {
  return dlopen(path, loaderSymbols as unknown as typeof loaderCore);
}
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
  const root = nodePath().join(import.meta.dir, "..", "zig-shim", "zig-out");
  const sub = process.platform === "win32" ? "bin" : "lib";
  return nodePath().join(root, sub, shimFileName());
}

// dlopen needs a real file. Bun's dlopen would accept the `$bunfs` path itself, but it extracts
// to a fixed, predictable name in the shared temp dir (/tmp/.bun-<n>-<hash>.so) and on later runs
// loads whatever file has that name after only a stat, so another local user could plant a
// library there. smem keeps the shim in a per-user cache instead, in a directory named by the
// shim's SHA-256 (taken at build time), and compares the file's SHA-256 with it before every load:
// a missing or different file is written again from the embedded bytes (then the stale versions
// beside it are removed). Writing it once instead of on every run is about 1 ms of every command.
// The cache is only used under the user's home directory, which is trusted like the rest of it
// (whoever can write there can edit the user's shell start-up files), and a cache directory that
// is not the user's own, or that others may write to, is not written to. Otherwise (no home, a
// read-only or noexec home, a cache dir elsewhere):
//   POSIX: a fresh private directory (0700) in the temp dir, loaded, then unlinked at once (the
//     mapping stays valid; nothing is left behind).
//   Windows: the error (a loaded DLL cannot be deleted, so there is no private alternative).
function openEmbedded(info: EmbeddedShimInfo): ShimLibrary {
  const cache = userCacheDir();
  if (cache && info.sha256) {
    const lib = openIfIntact(cacheEntry(cache, info.sha256, shimFileName()), info.sha256);
    if (lib) return lib;
  }
  const bytes = fs().readFileSync(info.path);
  const digest = sha256Hex(bytes);
  if (info.sha256 && digest !== info.sha256) {
    throw new ShimLoadError("the embedded shim does not match the digest recorded at build time");
  }
  let firstError: unknown;
  if (cache) {
    try {
      return openCached(cache, bytes, digest);
    } catch (err) {
      firstError = err;
    }
  }
  if (process.platform === "win32") throw firstError;
  try {
    return openPrivateCopy(bytes);
  } catch (err) {
    throw firstError ?? err;
  }
}

/** Characters of the hex digest that name a cache entry (128 bits). */
const DIGEST_NAME_CHARS = 32;

/** The cache's directory for the shim with this digest, or the file `name` in it. */
function cacheEntry(cache: string, digest: string, name?: string): string {
  const dir = digest.slice(0, DIGEST_NAME_CHARS);
  if (process.platform === "win32") {
    return name === undefined ? nodePath().join(cache, dir) : nodePath().join(cache, dir, name);
  }
  return name === undefined ? `${cache}/${dir}` : `${cache}/${dir}/${name}`;
}

function sha256Hex(bytes: Uint8Array): string {
  return new Bun.CryptoHasher("sha256").update(bytes).digest("hex");
}

/** dlopen of `file` if it exists and its SHA-256 is `digest`, else null. Reads it without node:fs. */
function openIfIntact(file: string, digest: string): ShimLibrary | null {
  let mapped: Uint8Array;
  try {
    mapped = Bun.mmap(file, { shared: false });
  } catch {
    return null;
  }
  if (sha256Hex(mapped) !== digest) return null;
  try {
    return openLibrary(file);
  } catch {
    return null;
  }
}

/** Writes the shim into the cache (atomically), removes other versions, and loads it. */
function openCached(cache: string, bytes: Uint8Array, digest: string): ShimLibrary {
  const dir = cacheEntry(cache, digest);
  const file = cacheEntry(cache, digest, shimFileName());
  fs().mkdirSync(cache, { recursive: true, mode: 0o700 });
  requirePrivate(cache);
  fs().mkdirSync(dir, { recursive: true, mode: 0o700 });
  requirePrivate(dir);
  const tmp = `${file}.${process.pid}.tmp`;
  fs().writeFileSync(tmp, bytes, { mode: 0o700 });
  try {
    fs().renameSync(tmp, file);
  } catch (err) {
    // Windows refuses to replace a DLL that another smem process has loaded; that file is fine to
    // use if its content is the expected one.
    fs().rmSync(tmp, { force: true });
    if (sha256Hex(fs().readFileSync(file)) !== digest) throw err;
  }
  for (const name of fs().readdirSync(cache)) {
    if (name !== digest.slice(0, DIGEST_NAME_CHARS) && /^[0-9a-f]+$/.test(name)) {
      // Best effort: an older smem may still have its version loaded (Windows keeps it).
      fs().rmSync(nodePath().join(cache, name), { recursive: true, force: true, maxRetries: 0 });
    }
  }
  return openLibrary(file);
}

/** The cache dir must be the user's own and closed to others (POSIX; Windows has per-user ACLs). */
function requirePrivate(dir: string): void {
  if (process.platform === "win32") return;
  const st = fs().lstatSync(dir);
  if (!st.isDirectory() || st.uid !== process.getuid?.() || (st.mode & 0o022) !== 0) {
    throw new ShimLoadError(`${dir} is not a private directory of this user`);
  }
}

/** POSIX: a private copy in a fresh temp dir, loaded, then removed (the mapping stays valid). */
function openPrivateCopy(bytes: Uint8Array): ShimLibrary {
  fs().mkdirSync(tempDir(), { recursive: true, mode: 0o700 });
  const dir = fs().mkdtempSync(nodePath().join(tempDir(), "smem-shim-"));
  try {
    const file = nodePath().join(dir, shimFileName());
    fs().writeFileSync(file, bytes, { mode: 0o700 });
    return openLibrary(file);
  } finally {
    fs().rmSync(dir, { recursive: true, force: true });
  }
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

/**
 * The per-user shim cache. POSIX: null unless it lies under the user's home directory. Windows:
 * %LOCALAPPDATA%, which the system keeps private to the user.
 */
function userCacheDir(): string | null {
  if (process.platform === "win32") {
    const path = nodePath();
    const local = process.env.LOCALAPPDATA || path.join(homedir(), "AppData", "Local");
    return path.join(local, "smem", "shim");
  }
  const home = homedir();
  if (!home) return null;
  const base =
    process.platform === "darwin" ? `${home}/Library/Caches` : process.env.XDG_CACHE_HOME || `${home}/.cache`;
  return posixCacheDir(home, base);
}

/** Where the loaded shim came from (see the list at the top of this file). */
export type ShimOrigin = "SMEM_SHIM_PATH" | "embedded" | "development";
let origin: ShimOrigin | null = null;

function openShim(): [ShimLibrary, ShimOrigin] {
  const override = process.env.SMEM_SHIM_PATH;
  if (override) {
    if (!fs().existsSync(override)) throw new ShimLoadError(`SMEM_SHIM_PATH names no file: ${override}`);
    return [openLibrary(override), "SMEM_SHIM_PATH"];
  }
  const embedded = embeddedShim();
  if (embedded) return [openEmbedded(embedded), "embedded"];
  const dev = developmentShimPath();
  if (!fs().existsSync(dev)) {
    throw new ShimLoadError(`native shim not found at ${dev}; run 'npm run setup' to build it`);
  }
  return [openLibrary(dev), "development"];
}

/**
 * Every function of shimSymbols: those bound at load, and the others bound on first access
 * through smem_symbol. A function the loaded shim lacks (an older build) is a ShimLoadError: at
 * load for the first kind, at first use for the others.
 */
function lazySymbols(lib: ShimLibrary): Shim {
  const table: Record<string, unknown> = {};
  const bound = lib.symbols as unknown as Record<string, unknown>;
  for (const name of eagerNames) table[name] = bound[name];
  for (const [name, signature] of Object.entries(shimSymbols)) {
    if (name in table) continue;
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
