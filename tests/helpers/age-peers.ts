// Real age implementations to test against: Debian's `age` 1.1.1 (X25519, scrypt) and age
// v1.3.1 built from its Go module (mlkem768x25519). Missing peers are set up, never skipped:
// if one cannot be had, the suite fails with the reason.
import { spawnSync } from "node:child_process";
import { closeSync, existsSync, mkdirSync, openSync, rmSync, statSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { repoRoot } from "./paths";

const AGE_131_VERSION = "v1.3.1";
// Outside the repository so that fresh clones on the same machine (CI) reuse one build.
const cacheDir = join(
  process.env.SMEM_TEST_CACHE ?? join(process.env.XDG_CACHE_HOME ?? join(homedir(), ".cache"), "smem-tests"),
  `age-${AGE_131_VERSION}`,
);

function which(cmd: string): string | null {
  const r = spawnSync("sh", ["-c", `command -v ${cmd}`], { encoding: "utf8" });
  return r.status === 0 ? r.stdout.trim() : null;
}

/** Debian's age (installed with apt-get when missing and we are root). */
export function debianAge(): { age: string; ageKeygen: string } {
  if (!which("age") || !which("age-keygen")) {
    if (process.getuid?.() !== 0) throw new Error("Debian's age is not installed (apt-get install -y age)");
    const r = spawnSync(
      "sh",
      ["-c", "apt-get install -y age || (apt-get update && apt-get install -y age)"],
      {
        encoding: "utf8",
        timeout: 300_000,
      },
    );
    if (r.status !== 0) throw new Error(`apt-get install -y age failed: ${r.stderr.slice(-500)}`);
  }
  const age = which("age");
  const ageKeygen = which("age-keygen");
  if (!age || !ageKeygen) throw new Error("age is still missing after apt-get install");
  return { age, ageKeygen };
}

/** age v1.3.1 (age, age-keygen), built once with `go install` into ~/.cache/smem-tests and reused. */
export function age131(): { age: string; ageKeygen: string } {
  const bin = join(cacheDir, "bin");
  const age = join(bin, "age");
  const ageKeygen = join(bin, "age-keygen");
  if (existsSync(age) && existsSync(ageKeygen)) return { age, ageKeygen };
  mkdirSync(cacheDir, { recursive: true });
  // Several test files may ask at once: one builds, the others wait for its lock to go away.
  const lock = join(cacheDir, "build.lock");
  let fd: number | null = null;
  for (let waited = 0; fd === null; waited++) {
    try {
      fd = openSync(lock, "wx");
    } catch {
      if (existsSync(age) && existsSync(ageKeygen)) return { age, ageKeygen };
      const stale = existsSync(lock) && Date.now() - statSync(lock).mtimeMs > 600_000;
      if (stale) rmSync(lock, { force: true });
      if (waited > 600) throw new Error("timed out waiting for another build of age v1.3.1");
      Bun.sleepSync(1000);
    }
  }
  try {
    if (!which("go")) throw new Error("go is not installed: cannot build age v1.3.1 for the interop tests");
    const r = spawnSync("go", ["install", `filippo.io/age/cmd/...@${AGE_131_VERSION}`], {
      encoding: "utf8",
      timeout: 600_000,
      env: {
        ...process.env,
        GOFLAGS: "-mod=mod",
        GOBIN: bin,
        GOPATH: join(cacheDir, "gopath"),
        GOCACHE: join(cacheDir, "gocache"),
      },
    });
    if (r.status !== 0 || !existsSync(age)) {
      throw new Error(`building age ${AGE_131_VERSION} failed: ${(r.stderr || String(r.error)).slice(-800)}`);
    }
    const v = spawnSync(age, ["--version"], { encoding: "utf8" }).stdout.trim();
    if (v !== AGE_131_VERSION) throw new Error(`built age reports version ${v}, expected ${AGE_131_VERSION}`);
    return { age, ageKeygen };
  } finally {
    closeSync(fd);
    rmSync(lock, { force: true });
  }
}

export interface RunResult {
  status: number | null;
  stdout: Buffer;
  stderr: string;
}

/** Runs a command with optional stdin bytes, capturing binary stdout. */
export function run(
  argv: string[],
  input?: Uint8Array | string,
  env: NodeJS.ProcessEnv = process.env,
): RunResult {
  const [cmd, ...args] = argv;
  if (!cmd) throw new Error("run needs a command");
  const r = spawnSync(cmd, args, { input, env, cwd: repoRoot, timeout: 120_000, maxBuffer: 64 << 20 });
  if (r.error) throw r.error;
  return { status: r.status, stdout: r.stdout, stderr: r.stderr.toString("utf8") };
}

/** The smem CLI as a child process (the TypeScript entry point under the same Bun). */
export function smem(
  args: string[],
  input?: Uint8Array | string,
  env: NodeJS.ProcessEnv = process.env,
): RunResult {
  return run([process.execPath, join(repoRoot, "cmd", "main.ts"), ...args], input, env);
}
