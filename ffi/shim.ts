// Locates and opens the native shim. This folder is the only place that imports bun:ffi.
//
// Where the shim comes from, first match wins:
//   1. SMEM_SHIM_PATH (tests and packagers)
//   2. a shim embedded in a `bun build --compile` executable (registered by the build entry
//      through setEmbeddedShim before anything opens the shim)
//   3. the development build: zig-shim/zig-out/{lib,bin}/ beside this source tree
import { dlopen, type Pointer, suffix } from "bun:ffi";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { shimSymbols } from "./symbols";

type ShimLibrary = ReturnType<typeof dlopen<typeof shimSymbols>>;
type RawShim = ShimLibrary["symbols"];
// Addresses travel through smem as plain numbers (LockedBuffer.ptr); Bun's branded Pointer type
// is a number at run time, so pointer parameters accept either.
type Loosen<T> = T extends Pointer | null ? T | number : T;
type LooseArgs<A extends unknown[]> = { [I in keyof A]: Loosen<A[I]> };
export type Shim = {
  [K in keyof RawShim]: RawShim[K] extends (...args: infer A) => infer R
    ? (...args: LooseArgs<A>) => R
    : never;
};

let embeddedShimPath: string | null = null;
let opened: ShimLibrary | null = null;

export class ShimLoadError extends Error {
  override name = "ShimLoadError";
}

/** Called by the compiled entry point with the `$bunfs` path of its embedded shim. */
export function setEmbeddedShim(path: string): void {
  embeddedShimPath = path;
}

function shimFileName(): string {
  return process.platform === "win32" ? `smem_shim.${suffix}` : `libsmem_shim.${suffix}`;
}

export function developmentShimPath(): string {
  const root = join(import.meta.dir, "..", "zig-shim", "zig-out");
  const sub = process.platform === "win32" ? "bin" : "lib";
  return join(root, sub, shimFileName());
}

// dlopen needs a real file, so the embedded copy is written to a private directory (0700),
// loaded, and on POSIX unlinked at once: the mapping stays valid and nothing is left behind.
function openEmbedded(path: string): ShimLibrary {
  const dir = mkdtempSync(join(tmpdir(), "smem-shim-"));
  const file = join(dir, shimFileName());
  writeFileSync(file, readFileSync(path), { mode: 0o700 });
  try {
    return dlopen(file, shimSymbols);
  } finally {
    if (process.platform !== "win32") rmSync(dir, { recursive: true, force: true });
  }
}

function openShim(): ShimLibrary {
  const override = process.env.SMEM_SHIM_PATH;
  if (override) {
    if (!existsSync(override)) throw new ShimLoadError(`SMEM_SHIM_PATH names no file: ${override}`);
    return dlopen(override, shimSymbols);
  }
  if (embeddedShimPath) return openEmbedded(embeddedShimPath);
  const dev = developmentShimPath();
  if (!existsSync(dev)) {
    throw new ShimLoadError(`native shim not found at ${dev}; run 'npm run setup' to build it`);
  }
  return dlopen(dev, shimSymbols);
}

/** The shim's symbols, opened and initialised on first use. */
export function shim(): Shim {
  if (opened) return opened.symbols as unknown as Shim;
  let lib: ShimLibrary;
  try {
    lib = openShim();
  } catch (err) {
    if (err instanceof ShimLoadError) throw err;
    throw new ShimLoadError(`cannot load the native shim: ${(err as Error).message}`);
  }
  if (lib.symbols.smem_init() !== 0) throw new ShimLoadError("the native shim failed to initialise");
  opened = lib;
  return lib.symbols as unknown as Shim;
}

export function shimLoaded(): boolean {
  return opened !== null;
}
