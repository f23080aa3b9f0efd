// Runs tests/fixtures/memory-child.ts (or any script) in a fresh Bun and reports how it ended.
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { repoRoot } from "./paths";

export const memoryChild = join(repoRoot, "tests", "fixtures", "memory-child.ts");

export interface ChildResult {
  status: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Runs `argv` (a command and its arguments) with extra environment variables. */
export function runChild(argv: string[], env: Record<string, string | undefined> = {}): ChildResult {
  const [cmd, ...args] = argv;
  if (!cmd) throw new Error("runChild needs a command");
  // An undefined value removes the variable from the child's environment.
  const childEnv: Record<string, string> = {};
  for (const [k, v] of Object.entries({ ...process.env, ...env })) if (v !== undefined) childEnv[k] = v;
  const r = spawnSync(cmd, args, {
    cwd: repoRoot,
    env: childEnv,
    encoding: "utf8",
    timeout: 30_000,
  });
  if (r.error) throw r.error;
  return { status: r.status, signal: r.signal, stdout: r.stdout, stderr: r.stderr };
}

/** Runs one scenario of the memory fixture in a fresh Bun. */
export function runMemoryChild(scenario: string, env: Record<string, string | undefined> = {}): ChildResult {
  return runChild([process.execPath, memoryChild, scenario], env);
}

/** A one-line description for failure messages. */
export function describeEnd(r: ChildResult): string {
  const tail = r.stderr.trim().split("\n").slice(-3).join(" | ");
  return `status=${r.status} signal=${r.signal} stdout=${JSON.stringify(r.stdout.trim())} stderr…${tail}`;
}
