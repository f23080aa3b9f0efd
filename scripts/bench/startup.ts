// Start-up of the compiled executable: `dist/smem version` beside a bare `bun build --compile`
// hello-world, both run by hyperfine in the same session, and the ratio of their medians
// (issue 2's target: at most 2x). Part of `npm run bench`; alone: `npm run bench:startup`, or
//   bun scripts/bench/startup.ts [--runs N] [--smem PATH]
// Needs `npm run build` first; hyperfine is installed with apt when it is missing.
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadAverage, printTable, type Row, root } from "./common";

const TARGET = 2;

function flag(name: string, fallback: string): string {
  const i = process.argv.indexOf(name);
  return i >= 0 && process.argv[i + 1] ? (process.argv[i + 1] as string) : fallback;
}

function die(msg: string): never {
  process.stderr.write(`bench: ${msg}\n`);
  process.exit(1);
}

function have(cmd: string): boolean {
  return spawnSync("sh", ["-c", `command -v ${cmd}`], { stdio: "ignore" }).status === 0;
}

function ensureHyperfine(): void {
  if (have("hyperfine")) return;
  process.stderr.write("bench: installing hyperfine (apt-get)\n");
  const sudo = process.getuid?.() === 0 ? [] : ["sudo"];
  for (const args of [
    ["apt-get", "update", "-qq"],
    ["apt-get", "install", "-y", "-qq", "hyperfine"],
  ]) {
    const [cmd, ...rest] = [...sudo, ...args];
    const r = spawnSync(cmd as string, rest, { stdio: "inherit" });
    if (r.status !== 0) die(`'${args.join(" ")}' failed; install hyperfine yourself`);
  }
}

/** hyperfine, both commands in one session; the ratio of medians is held to <= 2x. */
export function benchStartup(): Row[] {
  const runs = flag("--runs", process.env.SMEM_BENCH_STARTUP_RUNS ?? "100");
  const smem = flag("--smem", join(root, "dist", process.platform === "win32" ? "smem.exe" : "smem"));
  if (!existsSync(smem)) {
    return [
      { name: "start-up: smem version", value: "not measured: run 'npm run build' first", verdict: "" },
    ];
  }
  ensureHyperfine();
  const work = mkdtempSync(join(tmpdir(), "smem-bench-"));
  try {
    // The baseline: the same Bun, compiled the same way, printing one line.
    const hello = join(work, "hello");
    writeFileSync(join(work, "hello.ts"), 'console.log("hello");\n');
    const built = spawnSync(
      process.execPath,
      ["build", "--compile", join(work, "hello.ts"), "--outfile", hello],
      { stdio: ["ignore", "ignore", "inherit"] },
    );
    if (built.status !== 0) die("bun build --compile of the hello binary failed");

    const json = join(work, "hyperfine.json");
    const r = spawnSync(
      "hyperfine",
      ["-N", "--warmup", "10", "--runs", runs, "--export-json", json, hello, `${smem} version`],
      { stdio: ["ignore", "ignore", "inherit"] },
    );
    if (r.status !== 0) die("hyperfine failed");
    type Result = { median: number; mean: number; user: number; system: number };
    const [base, ours] = (JSON.parse(readFileSync(json, "utf8")) as { results: Result[] }).results as [
      Result,
      Result,
    ];
    const ms = (x: Result) =>
      `median ${(x.median * 1000).toFixed(1)} ms, cpu ${((x.user + x.system) * 1000).toFixed(1)} ms`;
    const ratio = ours.median / base.median;
    return [
      { name: "start-up: bun build --compile hello", value: ms(base) },
      {
        name: "start-up: dist/smem version",
        value: ms(ours),
        ratio: `${ratio.toFixed(2)}x (<= ${TARGET}x)`,
        verdict: ratio <= TARGET ? "ok" : "MISS",
      },
    ];
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

if (import.meta.main) {
  printTable(
    `smem start-up (${process.platform}-${process.arch}, load average ${loadAverage()})`,
    benchStartup(),
  );
}
