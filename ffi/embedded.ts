// What a `bun build --compile` executable knows about the shim it carries, registered by the
// generated build entry (scripts/release.ts) before the CLI starts. Deliberately import-free: the
// entry loads it at start-up, and every import here would be paid by every command.

export interface EmbeddedShimInfo {
  /** `$bunfs` path of the embedded shim file. */
  path: string;
  /** SODIUM_VERSION_STRING of the libsodium source that shim was built from. */
  sodiumVersion: string | null;
}

let embedded: EmbeddedShimInfo | null = null;

/** Called by the compiled entry point with the `$bunfs` path of its embedded shim. */
export function setEmbeddedShim(path: string, sodiumVersion: string | null = null): void {
  embedded = { path, sodiumVersion };
}

export function embeddedShim(): EmbeddedShimInfo | null {
  return embedded;
}
