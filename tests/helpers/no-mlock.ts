// A command prefix under which mlock is refused: RLIMIT_MEMLOCK 0 (`ulimit -l 0`) and, when this
// process holds CAP_IPC_LOCK (root), setpriv dropping it. The same recipe as
// tests/security/mlock-refused.test.ts; children should report their own state to prove it held.
import { accessSync, constants, readFileSync } from "node:fs";
import { delimiter, join } from "node:path";

function which(name: string): string | null {
  for (const dir of (process.env.PATH ?? "").split(delimiter)) {
    const file = join(dir, name);
    try {
      accessSync(file, constants.X_OK);
      return file;
    } catch {}
  }
  return null;
}

function holdsCapIpcLock(): boolean {
  const eff = /^CapEff:\s*([0-9a-f]+)$/m.exec(readFileSync("/proc/self/status", "utf8"))?.[1];
  return eff ? ((BigInt(`0x${eff}`) >> 14n) & 1n) === 1n : false;
}

/** The prefix, or a string saying why it cannot be built on this machine. */
export function noMlockPrefix(): string[] | string {
  if (process.platform !== "linux") return "not Linux";
  const shell = ["sh", "-c", 'ulimit -l 0 && exec "$@"', "sh"];
  if (!holdsCapIpcLock()) return shell;
  const setpriv = which("setpriv");
  if (!setpriv) return "setpriv (util-linux) is not installed";
  return [...shell, setpriv, "--inh-caps=-ipc_lock", "--ambient-caps=-ipc_lock", "--bounding-set=-ipc_lock"];
}
