// The release executables that `npm run build:all` leaves in dist/: format and architecture, the
// checksums, the shim each one embeds, and a smoke suite run from a copy of the executable alone in
// an empty directory (linux-x64 natively, linux-arm64 under qemu-user), an export check of every
// shim, and what the linux-x64 `open -i` / `seal -r` compile at run time. Windows under wine:
// ./windows.test.ts.
//
// When these run at all: see ./support.ts (dist/ present, or SMEM_BUILD_TESTS=1 as in .ci/run).
import { describe, expect, test } from "bun:test";
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { shimSymbols } from "../../ffi/symbols";
import { RELEASE_TARGETS, type ReleaseTarget, type TargetName } from "../../scripts/release-targets";
import { active, dist, missing, note, run, shimOf, smokeSuite, target, tool, unavailable } from "./support";

// ---- exports -----------------------------------------------------------------------------------

function exportedSymbols(t: ReleaseTarget): string[] {
  const file = shimOf(t);
  if (t.os === "win32") {
    const out = run("llvm-objdump", ["-p", file]).stdout;
    const table = out.slice(out.indexOf("Export Table:"));
    return [...table.matchAll(/^\s+\d+\s+0x[0-9a-f]+\s+(\S+)$/gm)].map((m) => m[1] as string);
  }
  const args = t.os === "darwin" ? ["--extern-only", "--defined-only"] : ["-D", "--defined-only"];
  const out = run("llvm-nm", [...args, file]).stdout;
  return out
    .split("\n")
    .map((l) => l.trim().split(/\s+/))
    .filter((f) => f.length === 3 && f[1] === "T")
    .map((f) => (t.os === "darwin" ? (f[2] as string).replace(/^_/, "") : (f[2] as string)));
}

function importedLibraries(t: ReleaseTarget): string[] {
  const file = shimOf(t);
  if (t.os === "win32") {
    return [...run("llvm-objdump", ["-p", file]).stdout.matchAll(/DLL Name: (\S+)/g)].map(
      (m) => m[1] as string,
    );
  }
  if (t.os === "darwin") {
    return run("llvm-objdump", ["--macho", "--dylibs-used", file])
      .stdout.split("\n")
      .slice(1)
      .map((l) => l.trim().split(" ")[0] as string)
      .filter((l) => l && !l.startsWith("@rpath/libsmem_shim"));
  }
  return [...run("llvm-readobj", ["--needed-libs", file]).stdout.matchAll(/^\s+(\S+\.so[.\d]*)$/gm)].map(
    (m) => m[1] as string,
  );
}

// What a shim may depend on: the OS's own libraries, never something the user would have to install.
const systemLibraries: Record<ReleaseTarget["os"], RegExp> = {
  linux: /^(libc\.so\.6|libpthread\.so\.0|libdl\.so\.2|libm\.so\.6|ld-linux-[-\w]+\.so\.\d)$/,
  darwin: /^\/usr\/lib\/libSystem\.B\.dylib$/,
  win32: /^(KERNEL32|ADVAPI32|ntdll|bcrypt|api-ms-win-crt-[-\w]+|ucrtbase)\.dll$/i,
};

// ---- the suites ----------------------------------------------------------------------------------

describe.skipIf(!active)("release executables in dist/", () => {
  test("all five and SHA256SUMS exist", () => {
    expect(missing).toEqual([]);
  });

  const formats: Record<TargetName, RegExp> = {
    "linux-x64":
      /ELF 64-bit LSB (pie )?executable, x86-64, .*dynamically linked, interpreter \/lib64\/ld-linux-x86-64\.so\.2/,
    "linux-arm64":
      /ELF 64-bit LSB (pie )?executable, ARM aarch64, .*interpreter \/lib\/ld-linux-aarch64\.so\.1/,
    "darwin-arm64": /Mach-O 64-bit arm64 executable/,
    "windows-x64": /PE32\+ executable \(console\) x86-64, for MS Windows/,
    "windows-arm64": /PE32\+ executable \(console\) Aarch64, for MS Windows/,
  };
  for (const t of RELEASE_TARGETS) {
    test(`${t.outFile}: file reports the format and architecture`, () => {
      if (!tool("file", "file")) return;
      const out = run("file", ["-b", join(dist, t.outFile)]).stdout;
      expect(out).toMatch(formats[t.name]);
    });

    test(`${t.outFile}: embeds this tree's ${t.name} shim, which depends on system libraries only`, () => {
      const exe = readFileSync(join(dist, t.outFile));
      const shim = readFileSync(shimOf(t));
      expect(exe.indexOf(shim)).toBeGreaterThan(0);
      if (!tool("llvm-objdump", "llvm")) return;
      const libs = importedLibraries(t);
      expect(libs.length).toBeGreaterThan(0);
      for (const lib of libs) expect(lib).toMatch(systemLibraries[t.os]);
    });

    test(`${t.name} shim exports every symbol ffi/symbols.ts declares`, () => {
      if (!tool("llvm-nm", "llvm")) return;
      const exported = new Set(exportedSymbols(t));
      const declared = Object.keys(shimSymbols);
      expect(declared.filter((s) => !exported.has(s))).toEqual([]);
      // Nothing but the ABI leaks out (libsodium is linked with hidden visibility).
      expect([...exported].filter((s) => s.startsWith("sodium_") || s.startsWith("crypto_"))).toEqual([]);
    });
  }

  test("linux shims need nothing newer than glibc 2.17 (what Bun's own Linux builds need)", () => {
    if (!tool("llvm-objdump", "llvm")) return;
    for (const name of ["linux-x64", "linux-arm64"] as const) {
      const out = run("llvm-objdump", ["-T", shimOf(target(name))]).stdout;
      const versions = [...out.matchAll(/GLIBC_(\d+)\.(\d+)/g)].map(
        (m) => Number(m[1]) * 1000 + Number(m[2]),
      );
      expect(versions.length).toBeGreaterThan(0);
      expect(Math.max(...versions)).toBeLessThanOrEqual(2017);
    }
  });

  test("SHA256SUMS lists the five and verifies", () => {
    if (!tool("sha256sum", "coreutils")) return;
    const sums = readFileSync(join(dist, "SHA256SUMS"), "utf8");
    const names = sums
      .trim()
      .split("\n")
      .map((l) => {
        expect(l).toMatch(/^[0-9a-f]{64} {2}\S+$/);
        return l.slice(66);
      });
    expect(names.sort()).toEqual(RELEASE_TARGETS.map((t) => t.outFile).sort());
    const r = run("sha256sum", ["--check", "--strict", "SHA256SUMS"], { cwd: dist });
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
  }, 60_000);

  test("linux-x64: smoke suite, alone in an empty directory", () => {
    if (process.platform !== "linux" || process.arch !== "x64") {
      note("skipped: the linux-x64 smoke suite needs a linux-x64 host");
      return;
    }
    smokeSuite(join(dist, "smem-linux-x64"), "linux-x64");
  }, 60_000);

  // Start-up work that would come back unnoticed (README, "Benchmarks"): JavaScriptCore compiles
  // each regular expression, and each of its own JavaScript builtins (Array.prototype.map, a
  // typed-array spread, ...), from source in every process that uses it. `open -i` and `seal -r`
  // of a small file use no regular expression at all and parse only what Bun's bootstrap parses
  // (two functions), the dispose lookup of `using` and, for `seal -r`, @scure/base's `every`.
  // JSC's own reports count them; `--help` (citty) is the control that they still report.
  test("linux-x64: open -i and seal -r compile no regular expression and almost no JavaScript", () => {
    if (process.platform !== "linux" || process.arch !== "x64") {
      note("skipped: this check runs the linux-x64 executable");
      return;
    }
    const box = mkdtempSync(join(tmpdir(), "smem-startup-"));
    try {
      const exe = join(box, "smem");
      copyFileSync(join(dist, "smem-linux-x64"), exe);
      const env = { PATH: "/usr/bin:/bin", HOME: box, TMPDIR: box, NO_COLOR: "1" };
      const smem = (args: string[], extra: Record<string, string> = {}) => {
        const r = run(exe, args, { cwd: box, env: { ...env, ...extra } });
        expect(r.code).toBe(0);
        return r;
      };
      smem(["kem", "keygen", "--no-passphrase", "-q", "-o", "id.txt"]);
      const recipient = smem(["kem", "pubkey", "id.txt"]).stdout.trim();
      writeFileSync(join(box, "plain.bin"), "a small file\n");
      smem(["seal", "-r", recipient, "-o", "sealed.age", "plain.bin"]);
      const reports = { BUN_JSC_reportParseTimes: "1", BUN_JSC_dumpCompiledRegExpPatterns: "1" };
      const count = (stderr: string) => ({
        parsed: stderr.split("\n").filter((l) => l.startsWith("Parsed ")).length,
        regexps: stderr.split("\n").filter((l) => l.startsWith("RegExp pattern for ")).length,
      });
      const help = count(smem(["open", "--help"], reports).stderr);
      expect(help.parsed).toBeGreaterThan(2);
      expect(help.regexps).toBeGreaterThan(0);
      const open = count(smem(["open", "-i", "id.txt", "-o", "/dev/null", "sealed.age"], reports).stderr);
      expect(open).toEqual({ parsed: 3, regexps: 0 });
      const seal = count(smem(["seal", "-r", recipient, "-o", "/dev/null", "plain.bin"], reports).stderr);
      expect(seal).toEqual({ parsed: 4, regexps: 0 });
    } finally {
      rmSync(box, { recursive: true, force: true });
    }
  }, 60_000);

  test("linux-arm64: smoke suite under qemu-user", () => {
    if (!tool("qemu-aarch64-static", "qemu-user-static libc6-arm64-cross")) return;
    if (!existsSync("/usr/aarch64-linux-gnu/lib/ld-linux-aarch64.so.1")) {
      unavailable("the arm64 glibc is missing (apt-get install -y libc6-arm64-cross)");
      return;
    }
    smokeSuite(join(dist, "smem-linux-arm64"), "linux-arm64", [
      "qemu-aarch64-static",
      "-L",
      "/usr/aarch64-linux-gnu",
    ]);
  }, 180_000);
});
