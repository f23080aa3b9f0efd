// What happens when mlock is refused (DESIGN 3.7): by default the buffer stays guarded but
// unlocked and one warning is printed; under --require-mlock / SMEM_REQUIRE_MLOCK=1 it is an error.

import { writeStderr } from "./stdio";

let requireMlock = process.env.SMEM_REQUIRE_MLOCK === "1";
let warned = false;
let warn: (message: string) => void = (message) => {
  writeStderr(`smem: warning: ${message}\n`);
};

export function setRequireMlock(on: boolean): void {
  requireMlock = on;
}

export function mlockRequired(): boolean {
  return requireMlock;
}

/** Replace how the one-time warning is shown (cmd/ routes it through consola). */
export function setMlockWarningHandler(handler: (message: string) => void): void {
  warn = handler;
}

export const MLOCK_WARNING =
  "memory could not be locked (RLIMIT_MEMLOCK or missing privilege); secrets may reach swap. " +
  "Raise 'ulimit -l' or pass --require-mlock to refuse to run unlocked.";

/** Called once per unlocked allocation; warns the first time only. */
export function noteUnlockedAllocation(): void {
  if (warned) return;
  warned = true;
  warn(MLOCK_WARNING);
}
