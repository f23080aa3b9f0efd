// Drive a command through a pseudo-terminal (tests/helpers/pty_run.py) for prompt tests.
import { spawnSync } from "node:child_process";
import { join } from "node:path";

export type PtyStep = { expect: string } | { send: string };

export interface PtyResult {
  output: string;
  status: number | null;
  error?: string;
}

/** Runs `command` on a fresh pty, performing `steps` in order; `send` text takes \r, \x7f, ... */
export function runOnPty(
  command: string[],
  steps: PtyStep[],
  env: NodeJS.ProcessEnv = process.env,
): PtyResult {
  const args = [join(import.meta.dir, "pty_run.py")];
  for (const step of steps) {
    if ("expect" in step) args.push("--expect", step.expect);
    else args.push("--send", step.send);
  }
  args.push("--", ...command);
  const r = spawnSync("python3", args, { encoding: "utf8", env, timeout: 60_000 });
  if (r.status !== 0) throw new Error(`pty driver failed: ${r.stderr}`);
  return JSON.parse(r.stdout) as PtyResult;
}
