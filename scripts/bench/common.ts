// Shared helpers for scripts/bench: statistics and one table for all results.
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";

export const root = join(import.meta.dir, "..", "..");

export interface Row {
  name: string;
  value: string;
  /** Ratio against the baseline and the target it is held to, e.g. "1.04x (<= 1.15x)". */
  ratio?: string;
  verdict?: "ok" | "MISS" | "";
}

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
}

export function min(xs: number[]): number {
  return Math.min(...xs);
}

export function printTable(title: string, rows: Row[]): void {
  const head = ["measurement", "result", "ratio (target)", ""];
  const cells = rows.map((r) => [r.name, r.value, r.ratio ?? "", r.verdict ?? ""]);
  const widths = head.map((h, i) => Math.max(h.length, ...cells.map((c) => (c[i] as string).length)));
  const line = (c: string[]) =>
    c
      .map((x, i) => x.padEnd(widths[i] as number))
      .join("  ")
      .trimEnd();
  process.stdout.write(`\n${title}\n${line(head)}\n${widths.map((w) => "-".repeat(w)).join("  ")}\n`);
  for (const c of cells) process.stdout.write(`${line(c)}\n`);
}

/** The Zig the bootstrap installed (.cache/toolchain.json), or null. */
export function zigPath(): string | null {
  const file = join(root, ".cache", "toolchain.json");
  if (!existsSync(file)) return null;
  return (JSON.parse(readFileSync(file, "utf8")) as { zig?: string }).zig ?? null;
}

export function sodiumDir(): string | null {
  const file = join(root, ".cache", "toolchain.json");
  if (!existsSync(file)) return null;
  return (JSON.parse(readFileSync(file, "utf8")) as { sodiumDir?: string }).sodiumDir ?? null;
}

export function loadAverage(): string {
  try {
    return readFileSync("/proc/loadavg", "utf8").split(" ").slice(0, 3).join(" ");
  } catch {
    return "n/a";
  }
}
