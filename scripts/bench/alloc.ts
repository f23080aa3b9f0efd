// LockedBuffer churn: alloc(32) + destroy per second, each one a full guarded allocation (guard
// pages, mlock, MADV_DONTDUMP, canary) and a wipe/check/unmap. Target: >= 50,000 per second.
// Beside it, the same loop in C straight through the shim: the allocator's own cost on this
// machine (its syscalls), so the JS/ffi overhead and the system's floor are both visible.
// Rates are given per wall second and per CPU second (the latter holds up on a loaded machine).
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { LockedBuffer } from "../../core";
import { type Row, root, zigPath } from "./common";

const TARGET = 50_000;
const WINDOW_MS = 700;

function measure(fn: () => void): { wall: number; cpu: number } {
  let n = 0;
  const c0 = process.cpuUsage();
  const start = performance.now();
  const end = start + WINDOW_MS;
  while (performance.now() < end) {
    for (let i = 0; i < 256; i++) fn();
    n += 256;
  }
  const wall = performance.now() - start;
  const c = process.cpuUsage(c0);
  return { wall: (n * 1000) / wall, cpu: (n * 1e6) / (c.user + c.system) };
}

function buildNative(): string | null {
  const zig = zigPath();
  const libDir = join(root, "zig-shim", "zig-out", "lib");
  if (!zig || !existsSync(join(libDir, "libsmem_shim.so"))) return null;
  const outDir = join(root, ".cache", "bench");
  mkdirSync(outDir, { recursive: true });
  const exe = join(outDir, "alloc");
  const src = join(import.meta.dir, "alloc.c");
  const lib = join(libDir, "libsmem_shim.so");
  if (!existsSync(exe) || statSync(exe).mtimeMs < Math.max(statSync(src).mtimeMs, statSync(lib).mtimeMs)) {
    const include = join(root, "zig-shim", "include");
    const args = [
      "cc",
      "-O2",
      "-I",
      include,
      src,
      "-L",
      libDir,
      "-lsmem_shim",
      `-Wl,-rpath,${libDir}`,
      "-o",
      exe,
    ];
    if (spawnSync(zig, args, { stdio: "ignore" }).status !== 0) return null;
  }
  return exe;
}

const fmt = (r: number) => `${Math.round(r).toLocaleString("en-US")}/s`;

export function benchAlloc(): Row[] {
  measure(() => LockedBuffer.alloc(32).destroy()); // warm-up
  const plain = measure(() => LockedBuffer.alloc(32).destroy());
  const scoped = measure(() => {
    using b = LockedBuffer.alloc(32);
    b.bytes()[0] = 1;
  });
  const rows: Row[] = [
    {
      name: "LockedBuffer.alloc(32) + destroy()",
      value: `${fmt(plain.wall)} wall, ${fmt(plain.cpu)} per CPU-s`,
      ratio: `${(plain.cpu / TARGET).toFixed(2)}x of >= ${TARGET.toLocaleString("en-US")}/s (CPU)`,
      verdict: plain.cpu >= TARGET ? "ok" : "MISS",
    },
    {
      name: "  the same through `using` + one write",
      value: `${fmt(scoped.wall)} wall, ${fmt(scoped.cpu)} per CPU-s`,
      ratio: `${(scoped.cpu / TARGET).toFixed(2)}x (CPU)`,
    },
  ];
  const native = buildNative();
  if (native) {
    const r = spawnSync(native, [String(WINDOW_MS)], { encoding: "utf8" });
    const [wall, cpu] = r.stdout.trim().split(" ").map(Number) as [number, number];
    rows.push({
      name: "  smem_alloc + smem_free from C (the allocator's floor here)",
      value: `${fmt(wall)} wall, ${fmt(cpu)} per CPU-s`,
      ratio: `LockedBuffer reaches ${((100 * plain.cpu) / cpu).toFixed(0)}% of it (CPU)`,
    });
  }
  return rows;
}

if (import.meta.main) {
  const { printTable, loadAverage } = await import("./common");
  printTable(`Allocation (load average ${loadAverage()})`, benchAlloc());
}
