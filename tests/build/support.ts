// Shared by the tests/build suites: where the release artifacts are, whether to run at all, the
// external tools they need, and the smoke suite every runnable executable goes through.
//
// The build takes minutes, so plain `bun test` only runs these suites when dist/ already holds
// the five executables; .ci/run builds them and sets SMEM_BUILD_TESTS=1, which turns every
// "skipped" (no dist/, a missing tool) into a failure.
import { expect } from "bun:test";
import { spawnSync } from "node:child_process";
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { deriveKey, toHex, utf8 } from "../../core/index";
import pkg from "../../package.json" with { type: "json" };
import { RELEASE_TARGETS, type ReleaseTarget, type TargetName } from "../../scripts/release-targets";
import { repoRoot } from "../helpers/paths";

export const dist = join(repoRoot, "dist");
export const required = process.env.SMEM_BUILD_TESTS === "1";
export const missing = [...RELEASE_TARGETS.map((t) => t.outFile), "SHA256SUMS"].filter(
  (f) => !existsSync(join(dist, f)),
);

// Executables older than the sources they are built from would test yesterday's code: outside CI
// they are skipped too (CI builds right before it tests).
function newestSource(): number {
  let newest = 0;
  const walk = (dir: string): void => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      if (e.name === "zig-out" || e.name === ".zig-cache") continue;
      const p = join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else newest = Math.max(newest, statSync(p).mtimeMs);
    }
  };
  for (const d of ["cmd", "core", "ffi", "zig-shim"]) {
    if (existsSync(join(repoRoot, d))) walk(join(repoRoot, d));
  }
  return Math.max(newest, statSync(join(repoRoot, "package.json")).mtimeMs);
}
const stale =
  missing.length === 0 &&
  Math.min(...RELEASE_TARGETS.map((t) => statSync(join(dist, t.outFile)).mtimeMs)) < newestSource();

/** Run the suites: fresh artifacts exist, or CI demands them (then their absence fails). */
export const active = required || (missing.length === 0 && !stale);

export function note(msg: string): void {
  process.stderr.write(`tests/build: ${msg}\n`);
}

if (!active) {
  note(
    (stale ? "skipped: dist/ is older than the sources. " : `skipped: dist/ lacks ${missing.join(", ")}. `) +
      "Run 'npm run build:all' first (.ci/run does, then runs these suites with SMEM_BUILD_TESTS=1).",
  );
}

function hasTool(name: string): boolean {
  return spawnSync("sh", ["-c", `command -v ${name}`], { stdio: "ignore" }).status === 0;
}

/** A tool a check needs: missing means skipped (with a note), or failed under SMEM_BUILD_TESTS=1. */
export function tool(name: string, aptPackages: string): boolean {
  if (hasTool(name)) return true;
  unavailable(`${name} is not installed (Debian: apt-get install -y ${aptPackages}; .ci/run installs it)`);
  return false;
}

export function unavailable(msg: string): void {
  if (required) throw new Error(msg);
  note(`skipped: ${msg}`);
}

export interface RunResult {
  code: number | null;
  signal: string | null;
  stdout: string;
  stderr: string;
}

export function run(
  cmd: string,
  args: string[],
  opts: { cwd?: string; env?: Record<string, string>; timeoutMs?: number } = {},
): RunResult {
  const r = spawnSync(cmd, args, {
    cwd: opts.cwd,
    env: opts.env,
    encoding: "utf8",
    timeout: opts.timeoutMs ?? 120_000,
  });
  if (r.error) throw r.error;
  return { code: r.status, signal: r.signal, stdout: r.stdout, stderr: r.stderr };
}

export function target(name: TargetName): ReleaseTarget {
  const t = RELEASE_TARGETS.find((x) => x.name === name);
  if (!t) throw new Error(`no target ${name}`);
  return t;
}

/** The shim `npm run build:all` built for `t` (and embedded in its executable). */
export function shimOf(t: ReleaseTarget): string {
  return join(repoRoot, "zig-shim", "zig-out", t.name, t.shimPath);
}

export function toolchain(): { zig: string; sodiumDir: string } {
  return JSON.parse(readFileSync(join(repoRoot, ".cache", "toolchain.json"), "utf8"));
}

export function sodiumSourceVersion(): string {
  const h = readFileSync(
    join(toolchain().sodiumDir, "src", "libsodium", "include", "sodium", "version.h"),
    "utf8",
  );
  const m = /SODIUM_VERSION_STRING\s+"([^"]+)"/.exec(h);
  if (!m?.[1]) throw new Error("no SODIUM_VERSION_STRING");
  return m[1];
}

// ---- the smoke suite: explicit, grown as commands land -------------------------------------------

interface SmokeCase {
  name: string;
  /** `data` is a directory holding the fixtures below (outside the executable's directory). */
  args: (data: string) => string[];
  check(r: RunResult, platform: string, data: string): void;
}

/** Written into the smoke suite's data directory. */
const fixtures: Record<string, string> = {
  passphrase: "pass\n",
  // Two STREAM chunks and a bit: crosses the 64 KiB chunk boundary.
  plain: "smem smoke ".repeat(7000),
};

/** The decrypted output in `data` must equal the plaintext fixture, byte for byte. */
function expectPlainAt(data: string, file: string): void {
  expect(readFileSync(join(data, file), "utf8")).toBe(fixtures.plain as string);
}

/** smem kdf of "pass" / "saltsalt", 1024 KiB, t = 1, 10 rounds, computed here through the dev shim. */
function expectedKdfHex(): string {
  using key = deriveKey(utf8("pass"), utf8("saltsalt"), { memoryKiB: 1024, iterations: 1, rounds: 10 });
  return toHex(key.bytes());
}

export const smokeCases: SmokeCase[] = [
  {
    name: "version",
    args: () => ["version"],
    check(r) {
      expect(r.stderr).toBe("");
      expect(r.code).toBe(0);
      expect(r.stdout).toBe(`smem ${pkg.version}\nbun ${Bun.version}\nlibsodium ${sodiumSourceVersion()}\n`);
    },
  },
  {
    // Loads the embedded shim: proves it is found with no files beside the executable.
    name: "version --verbose",
    args: () => ["version", "--verbose"],
    check(r, platform) {
      expect(r.stderr).toBe("");
      expect(r.code).toBe(0);
      const v = sodiumSourceVersion();
      expect(r.stdout).toBe(
        `smem ${pkg.version}\nbun ${Bun.version}\nlibsodium ${v}\n` +
          `shim abi 1, libsodium ${v}, embedded\nplatform ${platform}\n`,
      );
    },
  },
  {
    name: "info",
    args: () => ["info"],
    check(r, platform) {
      expect(r.code).toBe(0);
      const [os, arch] = platform.split("-");
      expect(r.stdout).toContain(
        `smem            ${pkg.version} (bun ${Bun.version}, libsodium ${sodiumSourceVersion()})`,
      );
      expect(r.stdout).toContain(`platform        ${os} ${arch}`);
      expect(r.stdout).toMatch(/^guard pages {5}yes, one before and one after every buffer/m);
      expect(r.stdout).toMatch(/^protections {5}guard-pages, mlock, /m);
    },
  },
  {
    name: "kdf",
    args: (data) => [
      "kdf",
      "--passphrase-file",
      join(data, "passphrase"),
      "--salt",
      Buffer.from("saltsalt").toString("hex"),
      "--memory",
      "1024",
      "--iterations",
      "1",
      "--rounds",
      "10",
    ],
    check(r) {
      expect(r.code).toBe(0);
      expect(r.stdout).toBe(`${expectedKdfHex()}\n`);
    },
  },
  {
    // Small documented Argon2id parameters keep this quick under qemu; open reads them from the stanza.
    name: "seal -p",
    args: (data) => [
      "seal",
      "--passphrase-file",
      join(data, "passphrase"),
      "--memory",
      "1024",
      "--iterations",
      "1",
      "--rounds",
      "1",
      "-o",
      join(data, "p.age"),
      join(data, "plain"),
    ],
    check(r) {
      expect(r.code).toBe(0);
    },
  },
  {
    name: "open (passphrase)",
    args: (data) => [
      "open",
      "--passphrase-file",
      join(data, "passphrase"),
      "-o",
      join(data, "p.out"),
      join(data, "p.age"),
    ],
    check(r, _platform, data) {
      expect(r.code).toBe(0);
      expectPlainAt(data, "p.out");
    },
  },
  {
    name: "kem keygen (X-Wing)",
    args: (data) => ["kem", "keygen", "--alg", "xwing", "--no-passphrase", "-o", join(data, "identity.txt")],
    check(r, _platform, data) {
      expect(r.code).toBe(0);
      const recipient = /age1pq1[0-9a-z]+/.exec(r.stderr)?.[0];
      if (!recipient) throw new Error("keygen printed no age1pq1 recipient on stderr");
      writeFileSync(join(data, "recipients.txt"), `${recipient}\n`);
    },
  },
  {
    name: "seal -R (X-Wing)",
    args: (data) => [
      "seal",
      "-R",
      join(data, "recipients.txt"),
      "-o",
      join(data, "x.age"),
      join(data, "plain"),
    ],
    check(r) {
      expect(r.code).toBe(0);
    },
  },
  {
    name: "open -i (X-Wing)",
    args: (data) => [
      "open",
      "-i",
      join(data, "identity.txt"),
      "-o",
      join(data, "x.out"),
      join(data, "x.age"),
    ],
    check(r, _platform, data) {
      expect(r.code).toBe(0);
      expectPlainAt(data, "x.out");
    },
  },
  {
    name: "unknown command",
    args: () => ["no-such-command"],
    check(r) {
      expect(r.code).not.toBe(0);
      expect(r.stderr + r.stdout).toContain("no-such-command");
    },
  },
];

/**
 * Copies `exe` alone into an empty directory and runs every smoke case from there with a minimal
 * environment and a private TMPDIR and HOME, then checks that nothing was left in either.
 * `prefix` runs it through an emulator (qemu-user, wine).
 */
export function smokeSuite(
  exe: string,
  platform: string,
  prefix: string[] = [],
  extraEnv: Record<string, string> = {},
): void {
  const box = mkdtempSync(join(tmpdir(), "smem-smoke-"));
  try {
    const bin = join(box, "bin");
    const scratch = join(box, "scratch");
    const data = join(box, "data");
    for (const d of [bin, scratch, data]) mkdirSync(d, { mode: 0o700 });
    for (const [file, text] of Object.entries(fixtures)) writeFileSync(join(data, file), text);
    const name = exe.endsWith(".exe") ? "smem.exe" : "smem";
    copyFileSync(exe, join(bin, name));
    const env = { PATH: "/usr/bin:/bin", HOME: scratch, TMPDIR: scratch, NO_COLOR: "1", ...extraEnv };
    for (const c of smokeCases) {
      const [cmd, ...args] = [...prefix, join(bin, name), ...c.args(data)];
      const r = run(cmd as string, args, { cwd: bin, env });
      try {
        c.check(r, platform, data);
      } catch (err) {
        throw new Error(`smoke case '${c.name}' failed: ${(err as Error).message}\nstderr: ${r.stderr}`);
      }
    }
    expect(readdirSync(bin)).toEqual([name]);
    // The shim is kept in the per-user cache (POSIX: under HOME; Windows: %LOCALAPPDATA%, in the
    // wine prefix) and nothing else is left behind.
    if (platform.startsWith("win32")) {
      expect(readdirSync(scratch)).toEqual([]);
    } else {
      expect(readdirSync(scratch)).toEqual([".cache"]);
      const cache = join(scratch, ".cache", "smem", "shim");
      const entries = readdirSync(cache);
      expect(entries).toHaveLength(1);
      expect(readdirSync(join(cache, entries[0] as string))).toEqual(["libsmem_shim.so"]);
    }
  } finally {
    rmSync(box, { recursive: true, force: true });
  }
}
