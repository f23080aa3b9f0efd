// Facts about this platform's protections, for `smem version` and `smem info`.
import { shim } from "../ffi";

export function sodiumVersion(): string {
  return String(shim().smem_sodium_version_string());
}
