// What a `bun build --compile` executable knows about the shim it carries, registered by the
// generated build entry (scripts/release.ts) before the CLI starts. Deliberately import-free: the
// entry loads it at start-up, and every import here would be paid by every command.
//
// The record lives on globalThis under a registry symbol, not in a module variable: a compiled
// `smem open` or `smem seal` runs a self-contained bundle of its command (scripts/release.ts),
// which carries its own copy of this module, and that copy must see what the entry registered.

export interface EmbeddedShimInfo {
  /** `$bunfs` path of the embedded shim file. */
  path: string;
  /** SODIUM_VERSION_STRING of the libsodium source that shim was built from. */
  sodiumVersion: string | null;
  /** SHA-256 (hex) of the embedded shim, taken at build time: the per-user cache's key and check. */
  sha256: string | null;
}

const EMBEDDED_KEY = Symbol.for("smem.embeddedShim");
type Registry = { [EMBEDDED_KEY]?: EmbeddedShimInfo };

/** Called by the compiled entry point with the `$bunfs` path of its embedded shim. */
export function setEmbeddedShim(
  path: string,
  sodiumVersion: string | null = null,
  sha256: string | null = null,
): void {
  (globalThis as Registry)[EMBEDDED_KEY] = { path, sodiumVersion, sha256 };
}

export function embeddedShim(): EmbeddedShimInfo | null {
  return (globalThis as Registry)[EMBEDDED_KEY] ?? null;
}
