// DESIGN 3.7 / issue 2: when mlock is refused, allocation still works (guarded, unlocked, one
// warning), and SMEM_REQUIRE_MLOCK=1 turns it into an EnvironmentError (exit 5).
//
// "Refused" needs both halves: RLIMIT_MEMLOCK = 0 (`ulimit -l 0`) and no CAP_IPC_LOCK, because
// a process holding CAP_IPC_LOCK (root, here) may lock past any limit. The child reports its
// own capability set and limit, so a wrapper that silently did nothing fails the test.
import { beforeAll, describe, expect, test } from "bun:test";
import { spawnSync } from "node:child_process";
import { accessSync, constants, readFileSync } from "node:fs";
import { delimiter, join } from "node:path";
import { MLOCK_WARNING } from "../../core";
import { type ChildResult, describeEnd, memoryChild, runChild } from "../helpers/child";

const CAP_IPC_LOCK_BIT = 14n;

function capEffective(): bigint {
  const eff = /^CapEff:\s*([0-9a-f]+)$/m.exec(readFileSync("/proc/self/status", "utf8"))?.[1];
  return eff ? BigInt(`0x${eff}`) : 0n;
}

function holdsCapIpcLock(): boolean {
  return ((capEffective() >> CAP_IPC_LOCK_BIT) & 1n) === 1n;
}

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

/** The command prefix that starts a program without CAP_IPC_LOCK, or why there is none. */
function capDropPrefix(): string[] | string {
  if (!holdsCapIpcLock()) return []; // nothing to drop (an unprivileged user)
  const setpriv = which("setpriv");
  if (setpriv) {
    return [setpriv, "--inh-caps=-ipc_lock", "--ambient-caps=-ipc_lock", "--bounding-set=-ipc_lock"];
  }
  const capsh = which("capsh");
  if (capsh) return [capsh, "--drop=cap_ipc_lock", "--", "-c", 'exec "$@"', "capsh"];
  return "neither setpriv (util-linux) nor capsh (libcap2-bin) is installed";
}

// Installs setpriv/capsh from apt only when they are missing and we are root (as in CI images).
function ensureCapTools(): void {
  if (typeof capDropPrefix() !== "string") return;
  if (process.getuid?.() !== 0 || !which("apt-get")) return;
  const apt = (args: string[]) => spawnSync("apt-get", args, { stdio: "ignore", timeout: 120_000 });
  apt(["update", "-qq"]);
  apt(["install", "-y", "-qq", "util-linux", "libcap2-bin"]);
}

/** Runs a memory-child scenario with RLIMIT_MEMLOCK = 0 and without CAP_IPC_LOCK. */
function runRefused(scenario: string, env: Record<string, string | undefined>): ChildResult {
  const prefix = capDropPrefix();
  if (typeof prefix === "string") throw new Error(`cannot drop CAP_IPC_LOCK for the test: ${prefix}`);
  return runChild(
    ["sh", "-c", 'ulimit -l 0 && exec "$@"', "sh", ...prefix, process.execPath, memoryChild, scenario],
    env,
  );
}

function warningLines(stderr: string): string[] {
  return stderr.split("\n").filter((l) => l.includes(MLOCK_WARNING));
}

interface Report {
  locked: boolean[];
  capIpcLock: boolean;
  memlock: { soft: string; hard: string };
}

describe.skipIf(process.platform !== "linux")("mlock refused (RLIMIT_MEMLOCK 0, no CAP_IPC_LOCK)", () => {
  beforeAll(ensureCapTools, 180_000);

  test("the test can actually take CAP_IPC_LOCK away", () => {
    expect(capDropPrefix()).toBeArray();
  });

  test("allocations still work, report locked === false, and warn exactly once", () => {
    const r = runRefused("mlock-report", { SMEM_REQUIRE_MLOCK: undefined });
    expect(r.status, describeEnd(r)).toBe(0);
    const report = JSON.parse(r.stdout.trim()) as Report;
    expect(report.capIpcLock).toBe(false);
    expect(report.memlock).toEqual({ soft: "0", hard: "0" });
    expect(report.locked).toHaveLength(6);
    expect(report.locked.every((l) => l === false)).toBe(true);
    expect(warningLines(r.stderr)).toHaveLength(1);
  });

  test("SMEM_REQUIRE_MLOCK=1 makes the allocation an EnvironmentError (exit 5)", () => {
    const r = runRefused("mlock-strict", { SMEM_REQUIRE_MLOCK: "1" });
    expect(r.status, describeEnd(r)).toBe(5);
    const report = JSON.parse(r.stdout.trim()) as { name: string; exitCode: number; message: string };
    expect(report.name).toBe("EnvironmentError");
    expect(report.exitCode).toBe(5);
    expect(report.message).toContain("--require-mlock");
    expect(warningLines(r.stderr)).toHaveLength(0);
  });

  test("control: with the limit and capability untouched, the same allocations lock, silently", () => {
    const r = runChild([process.execPath, memoryChild, "mlock-report"], { SMEM_REQUIRE_MLOCK: undefined });
    expect(r.status, describeEnd(r)).toBe(0);
    const report = JSON.parse(r.stdout.trim()) as Report;
    const soft = report.memlock.soft;
    // 1 MiB at most is locked at a time: any default limit (8 MiB) or the capability suffices.
    const roomy = report.capIpcLock || BigInt(soft) >= 2n * 1024n * 1024n;
    expect(roomy, `this machine's RLIMIT_MEMLOCK (${soft}) is too small for the control`).toBe(true);
    expect(report.locked.every((l) => l === true)).toBe(true);
    expect(warningLines(r.stderr)).toHaveLength(0);
  });
});
