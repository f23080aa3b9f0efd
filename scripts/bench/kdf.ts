// KDF benchmark: `smem kdf` at its default parameters (65536 KiB, 3 passes, 1000 SHA3 rounds)
// beside libsodium's crypto_pwhash (Argon2id, same m/t, p = 1) measured natively by a tiny C
// program built with zig cc against the very libsodium.a the shim links. Target: KDF time
// <= 1.15x. Runs are interleaved (native, in-process, whole process, ...) so machine load hits all
// alike, and CPU time is reported beside wall time: on a busy machine only CPU time is stable.
// SMEM_BENCH_RUNS sets the number of rounds (default 7).
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DEFAULT_KDF, deriveKey, LockedBuffer, randomBytes } from "../../core";
import { median, type Row, root, sodiumDir, zigPath } from "./common";

const TARGET = 1.15;

interface Timing {
  wall: number;
  cpu: number;
}

function buildNative(): string {
  const zig = zigPath();
  const sodium = sodiumDir();
  const lib = join(root, "zig-shim", "zig-out", "lib", "libsodium.a");
  if (!zig || !sodium || !existsSync(lib)) throw new Error("run `npm run setup` first (zig, libsodium.a)");
  const outDir = join(root, ".cache", "bench");
  mkdirSync(outDir, { recursive: true });
  const exe = join(outDir, "pwhash");
  const src = join(import.meta.dir, "pwhash.c");
  if (!existsSync(exe) || statSync(exe).mtimeMs < Math.max(statSync(src).mtimeMs, statSync(lib).mtimeMs)) {
    const include = join(sodium, "src", "libsodium", "include");
    const r = spawnSync(zig, ["cc", "-O3", "-I", include, src, lib, "-o", exe], { encoding: "utf8" });
    if (r.status !== 0) throw new Error(`zig cc failed: ${r.stderr}`);
  }
  return exe;
}

/** A whole child process: wall time and the child's CPU time (user + system). */
function timeProcess(argv: string[], check: (stdout: string) => boolean): { t: Timing; stdout: string } {
  const start = performance.now();
  const r = Bun.spawnSync(argv, { stdout: "pipe", stderr: "pipe" });
  const wall = performance.now() - start;
  const stdout = r.stdout.toString();
  if (r.exitCode !== 0 || !check(stdout)) throw new Error(`${argv[0]} failed: ${r.stderr.toString()}`);
  return { t: { wall, cpu: Number(r.resourceUsage.cpuTime.total) / 1000 }, stdout };
}

/** [crypto_pwhash alone, timed inside the program; the whole program]. */
function timeNative(exe: string): [Timing, Timing] {
  const p = DEFAULT_KDF;
  const { t, stdout } = timeProcess([exe, String(p.memoryKiB), String(p.iterations), "1"], (o) =>
    /^\S+ \S+\n$/.test(o),
  );
  const [wall, cpu] = stdout.trim().split(" ").map(Number) as [number, number];
  return [{ wall, cpu }, t];
}

function timeInProcess(): Timing {
  using pass = LockedBuffer.fromBytes(new TextEncoder().encode("benchmark passphrase"));
  const salt = randomBytes(16);
  const c0 = process.cpuUsage();
  const start = performance.now();
  deriveKey(pass, salt, DEFAULT_KDF).destroy();
  const wall = performance.now() - start;
  const c = process.cpuUsage(c0);
  return { wall, cpu: (c.user + c.system) / 1000 };
}

const ms = (x: number) => `${x.toFixed(0)} ms`;
const med = (ts: Timing[], k: keyof Timing) => median(ts.map((t) => t[k]));
const show = (ts: Timing[]) => `${ms(med(ts, "cpu"))} CPU, ${ms(med(ts, "wall"))} wall`;
const ratioOf = (ts: Timing[], base: Timing[], k: keyof Timing) => med(ts, k) / med(base, k);
const ratios = (ts: Timing[], base: Timing[]) =>
  `${ratioOf(ts, base, "cpu").toFixed(2)}x CPU, ${ratioOf(ts, base, "wall").toFixed(2)}x wall`;

export function benchKdf(): Row[] {
  const runs = Number(process.env.SMEM_BENCH_RUNS ?? 7);
  const native = buildNative();
  const dir = mkdtempSync(join(tmpdir(), "smem-bench-"));
  try {
    const passFile = join(dir, "pass");
    writeFileSync(passFile, "benchmark passphrase\n");
    const kdfArgs = ["kdf", "--passphrase-file", passFile, "--salt", "000102030405060708090a0b0c0d0e0f"];
    const viaBun = [process.execPath, join(root, "cmd", "main.ts"), ...kdfArgs];
    const dist = join(root, "dist", process.platform === "win32" ? "smem.exe" : "smem");
    const viaDist = existsSync(dist) ? [dist, ...kdfArgs] : null;
    const isKey = (o: string) => /^[0-9a-f]{64}\n$/.test(o);

    const t = {
      native: [] as Timing[],
      nativeWhole: [] as Timing[],
      inproc: [] as Timing[],
      bun: [] as Timing[],
      dist: [] as Timing[],
    };
    timeInProcess(); // warm-up: opens the shim, faults in libsodium
    for (let i = 0; i < runs; i++) {
      const [inside, whole] = timeNative(native);
      t.native.push(inside);
      t.nativeWhole.push(whole);
      t.inproc.push(timeInProcess());
      t.bun.push(timeProcess(viaBun, isKey).t);
      if (viaDist) t.dist.push(timeProcess(viaDist, isKey).t);
    }
    const p = DEFAULT_KDF;
    const kdfRatio = ratioOf(t.inproc, t.native, "cpu");
    const rows: Row[] = [
      {
        name: `libsodium crypto_pwhash, native (m=${p.memoryKiB} KiB, t=${p.iterations}, p=1)`,
        value: show(t.native),
        ratio: "baseline",
      },
      {
        name: `smem KDF time: deriveKey in-process (+${p.rounds} SHA3 rounds)`,
        value: show(t.inproc),
        ratio: `${ratios(t.inproc, t.native)} (<= ${TARGET}x)`,
        verdict: kdfRatio <= TARGET ? "ok" : "MISS",
      },
      { name: "native crypto_pwhash program, whole process", value: show(t.nativeWhole), ratio: "baseline" },
      {
        name: "smem kdf, whole process (bun cmd/main.ts)",
        value: show(t.bun),
        ratio: `${ratios(t.bun, t.nativeWhole)} (start-up included)`,
      },
    ];
    rows.push(
      viaDist
        ? {
            name: "smem kdf, whole process (dist/smem)",
            value: show(t.dist),
            ratio: `${ratios(t.dist, t.nativeWhole)} (start-up included)`,
          }
        : { name: "smem kdf, whole process (dist/smem)", value: "not built (npm run build)" },
    );
    return rows;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.main) {
  const { printTable, loadAverage } = await import("./common");
  printTable(`KDF (load average ${loadAverage()})`, benchKdf());
}
