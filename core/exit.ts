// How a finished command ends. Bun's own exit (runtime and heap teardown, thread joins) takes
// about 0.9 ms, a tenth of a whole `smem open -i`; _exit skips it. That is safe only when
// nothing is left for the runtime to finish: no write queued on stdout or stderr (./stdio records
// whether those streams were used) and no callback of the command's own still pending (commands
// await every write before they return). The exit listeners still run first, so temp files are
// removed and the terminal restored exactly as on a normal exit.
import { stdioStreamsUsed } from "./stdio";

let immediateExit: ((code: number) => void) | null = null;

/**
 * Installs how to end the process at once (core/process-guard.ts: purge every LockedBuffer, then
 * the shim's _exit). Until then exitNow is process.exit.
 */
export function setImmediateExit(fn: (code: number) => void): void {
  immediateExit = fn;
}

// Bun writes the bytecode profile of a recorded run (scripts/bytecode-order.ts) in its teardown.
function profiling(): boolean {
  return process.env.BUN_BYTECODE_ORDER_OUT !== undefined;
}

/** Ends the process with `code`, without the runtime's teardown when that is safe. */
export function exitNow(code: number): never {
  if (immediateExit !== null && process.platform !== "win32" && !stdioStreamsUsed() && !profiling()) {
    process.exitCode = code;
    process.emit("exit", code);
    immediateExit(code);
  }
  process.exit(code);
}
