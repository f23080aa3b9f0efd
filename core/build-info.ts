// What `smem version` prints. The plain form never opens the shim: a compiled executable knows
// its libsodium version from the build (the version header of the very source tree its embedded
// shim was built from), so it costs no extraction and no dlopen. `--verbose` loads the shim and
// reports what the loaded library itself says, which also proves the embedded shim works.
import { embeddedShim } from "../ffi/embedded";

export async function libsodiumVersion(): Promise<string> {
  const known = embeddedShim()?.sodiumVersion;
  if (known) return known;
  const { sodiumVersion } = await import("./platform");
  return sodiumVersion();
}

export interface LoadedShimInfo {
  /** Where it was loaded from: SMEM_SHIM_PATH, embedded, or development. */
  origin: string;
  abiVersion: number;
  sodiumVersion: string;
}

export async function loadedShimInfo(): Promise<LoadedShimInfo> {
  const { shim, shimOrigin } = await import("../ffi/shim");
  const s = shim();
  return {
    origin: shimOrigin() ?? "unknown",
    abiVersion: s.smem_abi_version(),
    sodiumVersion: String(s.smem_sodium_version_string()),
  };
}
