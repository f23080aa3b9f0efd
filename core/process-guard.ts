// Process hardening for every secret-handling command (DESIGN 3.3): no core dumps, not dumpable,
// and on SIGINT/SIGTERM/SIGHUP the registered cleanups run (temp files removed, terminal echo
// restored), every LockedBuffer is purged, and the process exits 130.
//
// A signal arriving while the JS thread is inside a native call (a long Argon2id) is handled as
// soon as that call returns: commands await a turn of the event loop before releasing output.
import { shim } from "../ffi";
import { ExitCode } from "./errors";
import { setImmediateExit } from "./exit";
import { purge } from "./locked-buffer";
import { writeStderr } from "./stdio";

const cleanups = new Set<() => void>();
let handlersInstalled = false;
let hardened = false;

/** Run `fn` on interruption or exit until the returned function unregisters it. */
export function onCleanup(fn: () => void): () => void {
  const entry = () => fn();
  cleanups.add(entry);
  return () => {
    cleanups.delete(entry);
  };
}

/** Run every registered cleanup once (latest first); a failing cleanup does not stop the rest. */
export function runCleanups(): void {
  if (cleanups.size === 0) return;
  const pending = [...cleanups].reverse();
  cleanups.clear();
  for (const fn of pending) {
    try {
      fn();
    } catch {
      // Best effort: the process is going away.
    }
  }
}

function onSignal(): void {
  runCleanups();
  purge();
  writeStderr("smem: interrupted\n");
  process.exit(ExitCode.interrupted);
}

/** Whether the last hardenProcess() call got every step it asked for. */
export function processHardened(): boolean {
  return hardened;
}

/**
 * RLIMIT_CORE = 0, PR_SET_DUMPABLE 0 (Linux), and the interrupt handlers. Idempotent. A step the
 * platform refuses is not fatal: `smem info` reports what actually holds.
 */
export function hardenProcess(): void {
  hardened = shim().smem_harden_process() === 0;
  if (handlersInstalled) return;
  handlersInstalled = true;
  const signals: NodeJS.Signals[] =
    process.platform === "win32" ? ["SIGINT", "SIGTERM"] : ["SIGINT", "SIGTERM", "SIGHUP"];
  for (const signal of signals) process.on(signal, onSignal);
  // A normal exit (or process.exit from anywhere) still removes temp files and restores the tty.
  process.on("exit", runCleanups);
  // exitNow has run the exit listeners (the cleanups among them); purge wipes whatever is still live.
  setImmediateExit((code) => {
    purge();
    shim().smem_exit_now(code);
  });
}
