// Windows under wine (Debian's wine64). Two parts:
//   1. the windows-x64 executable itself: the smoke suite if Bun starts under this wine; if it
//      cannot (wine 8 lacks bcryptprimitives.dll, which Bun imports), the exact loader failure is
//      recorded and any other failure still fails the test;
//   2. the windows-x64 shim DLL driven by a small Windows program (./windows/shim_check.c, built
//      with zig): VirtualAlloc/VirtualProtect guard pages fault where they must, VirtualLock holds
//      (growing the working set past its default), the canary aborts, and the KDF gives the same
//      key as the Linux shim. The windows-arm64 and darwin-arm64 shims get the export check in
//      ./release.test.ts; nothing here can run them.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { spawnSync } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { deriveKey, toHex, utf8 } from "../../core/index";
import { repoRoot } from "../helpers/paths";
import { active, dist, note, run, shimOf, smokeSuite, target, tool, toolchain } from "./support";

const winePrefix = join(repoRoot, ".cache", "wine-prefix");
const wineEnv = (): Record<string, string> => ({
  PATH: "/usr/bin:/bin",
  HOME: process.env.HOME ?? "/root",
  WINEPREFIX: winePrefix,
  WINEDEBUG: "-all",
  WINEDLLOVERRIDES: "mscoree,mshtml=",
});

describe.skipIf(!active)("windows-x64 under wine", () => {
  let box = "";
  let haveWine = false;

  beforeAll(() => {
    haveWine = tool("wine", "wine wine64");
    if (!haveWine) return;
    mkdirSync(winePrefix, { recursive: true });
    box = mkdtempSync(join(tmpdir(), "smem-wine-"));
    const zig = toolchain().zig;
    const built = run(
      zig,
      [
        "cc",
        "-target",
        "x86_64-windows-gnu",
        "-O1",
        "-Wall",
        "-Wextra",
        "-Werror",
        "-o",
        join(box, "shim_check.exe"),
        join(import.meta.dir, "windows", "shim_check.c"),
      ],
      { timeoutMs: 300_000 },
    );
    if (built.code !== 0) throw new Error(`zig cc shim_check.c failed:\n${built.stderr}`);
    copyFileSync(shimOf(target("windows-x64")), join(box, "smem_shim.dll"));
    // The first wine start creates the prefix; keep that out of the tests. A wineserver that
    // outlives each program by a minute spares every later run its start-up.
    // (Its output must not be a pipe: the daemon would hold it open and spawnSync wait for it.)
    spawnSync("wineserver", ["-p60"], { env: wineEnv(), stdio: "ignore", timeout: 60_000 });
    run("wine", ["cmd", "/c", "exit"], { env: wineEnv(), timeoutMs: 300_000 });
  }, 360_000);

  afterAll(() => {
    if (box) rmSync(box, { recursive: true, force: true });
    if (haveWine) spawnSync("wineserver", ["-k"], { env: wineEnv(), stdio: "ignore", timeout: 60_000 });
  });

  const check = (mode: string) =>
    run("wine", [join(box, "shim_check.exe"), "smem_shim.dll", mode], { cwd: box, env: wineEnv() });

  test("the executable runs the smoke suite, or fails only because Bun cannot start under wine", () => {
    if (!haveWine) return;
    const probe = mkdtempSync(join(tmpdir(), "smem-wine-exe-"));
    try {
      copyFileSync(join(dist, "smem-windows-x64.exe"), join(probe, "smem.exe"));
      const r = run("wine", ["smem.exe", "version"], {
        cwd: probe,
        env: { ...wineEnv(), WINEDEBUG: "err+module" },
      });
      if (r.code === 0) {
        smokeSuite(join(dist, "smem-windows-x64.exe"), "win32-x64", ["wine"], wineEnv());
        return;
      }
      const loaderError = r.stderr.split("\n").find((l) => l.includes("import_dll")) ?? r.stderr.trim();
      note(`Bun does not start under ${run("wine", ["--version"]).stdout.trim()}: ${loaderError}`);
      // The only acceptable failure is the loader refusing Bun's own imports before any smem code.
      expect(r.stderr).toMatch(
        /err:module:import_dll Library \S+\.dll \(which is needed by .*smem\.exe"\) not found/,
      );
      expect(r.stdout).toBe("");
    } finally {
      rmSync(probe, { recursive: true, force: true });
    }
  }, 120_000);

  test("shim DLL: allocation, protection, locking, AEAD and KDF", () => {
    if (!haveWine) return;
    const r = check("basic");
    expect(r.stdout).toContain("ok\r\n");
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("32-byte buffer locked: 1");
    expect(r.stdout).toContain("4 MiB buffer locked: 1");
    using key = deriveKey(utf8("pass"), utf8("saltsalt"), { memoryKiB: 1024, iterations: 1, rounds: 10 });
    expect(r.stdout).toContain(`${toHex(key.bytes())}\r\n`);
  }, 120_000);

  const faults: [mode: string, access: "read" | "write", where: (data: bigint, inner: bigint) => bigint][] = [
    ["overflow", "read", (data) => data + 32n],
    ["underflow", "read", (_data, inner) => inner - 1n],
    ["frozen", "write", (data) => data],
    ["noaccess", "read", (data) => data],
  ];
  for (const [mode, access, where] of faults) {
    test(`shim DLL: ${mode} faults at the expected address`, () => {
      if (!haveWine) return;
      const r = check(mode);
      const armed = /armed: data ([0-9A-Fa-f]+) end [0-9A-Fa-f]+ inner ([0-9A-Fa-f]+)/.exec(r.stdout);
      expect(armed).not.toBeNull();
      const data = BigInt(`0x${armed?.[1]}`);
      const inner = BigInt(`0x${armed?.[2]}`);
      const fault = new RegExp(`access violation: ${access} at ([0-9A-Fa-f]+)`).exec(r.stdout);
      expect(fault).not.toBeNull();
      expect(BigInt(`0x${fault?.[1]}`)).toBe(where(data, inner));
      expect(r.stdout).not.toContain("survived");
      expect(r.code).toBe(99);
    }, 60_000);
  }

  test("shim DLL: a corrupted canary aborts on free", () => {
    if (!haveWine) return;
    const r = check("canary");
    expect(r.stdout).toContain("armed");
    expect(r.stdout).not.toContain("survived");
    expect(r.code).toBe(3); // the C runtime's abort()
  }, 60_000);
});
