// Is this descriptor a terminal? Asked by every command that refuses to put binary data or a
// secret on a screen. Through the shim rather than node:tty, whose import pulls Node's stream
// modules and costs a short command like `smem open -i` several milliseconds.
import { shim } from "../ffi";

export function isTerminal(fd: number): boolean {
  return shim().smem_isatty(fd) === 1;
}
