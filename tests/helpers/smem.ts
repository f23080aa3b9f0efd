// Runs the real smem (`bun cmd/main.ts`) in a child process for CLI tests.
import { type SpawnSyncOptions, spawnSync } from "node:child_process";
import { join } from "node:path";
import { repoRoot } from "./paths";

export const smemEntry = join(repoRoot, "cmd", "main.ts");

export interface SmemResult {
  status: number | null;
  signal: NodeJS.Signals | null;
  stdout: Buffer;
  stderr: string;
}

export interface SmemOptions {
  input?: string | Uint8Array;
  /** Extra environment; an undefined value removes the variable. */
  env?: Record<string, string | undefined>;
  /** Extra fds for the child from 3 up (e.g. an open file for --passphrase-fd 3). */
  extraFds?: number[];
  cwd?: string;
  /** Command prefix (e.g. a capability-dropping wrapper). */
  prefix?: string[];
}

/** The environment a CLI test runs smem in: no SMEM_PASSPHRASE or SMEM_REQUIRE_MLOCK leaking in. */
export function smemEnv(extra: Record<string, string | undefined> = {}): Record<string, string> {
  const merged: Record<string, string | undefined> = {
    ...process.env,
    SMEM_PASSPHRASE: undefined,
    SMEM_REQUIRE_MLOCK: undefined,
    NO_COLOR: "1",
    ...extra,
  };
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(merged)) if (v !== undefined) env[k] = v;
  return env;
}

export function smemArgv(args: string[]): string[] {
  return [process.execPath, smemEntry, ...args];
}

export function runSmem(args: string[], opts: SmemOptions = {}): SmemResult {
  const [cmd, ...rest] = [...(opts.prefix ?? []), ...smemArgv(args)];
  const spawnOpts: SpawnSyncOptions = {
    cwd: opts.cwd ?? repoRoot,
    env: smemEnv(opts.env),
    input: opts.input,
    stdio: ["pipe", "pipe", "pipe", ...(opts.extraFds ?? [])],
    timeout: 60_000,
  };
  const r = spawnSync(cmd as string, rest, spawnOpts);
  if (r.error) throw r.error;
  return {
    status: r.status,
    signal: r.signal,
    stdout: r.stdout as Buffer,
    stderr: (r.stderr as Buffer).toString("utf8"),
  };
}
