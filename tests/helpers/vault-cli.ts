// Runs the real `smem vault …` in child processes against throwaway vaults.
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { repoRoot } from "./paths";

export const smemEntry = join(repoRoot, "cmd", "main.ts");
/** The cheapest KDF the product accepts (vault init/rekey --memory/--iterations/--rounds). */
export const FAST_KDF = ["--memory", "64", "--iterations", "1", "--rounds", "1"];

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | number | null;
  stdout: Uint8Array;
  out: string;
  err: string;
}

export interface CliOptions {
  env?: Record<string, string | undefined>;
  stdin?: string | Uint8Array;
}

export function childEnv(extra: Record<string, string | undefined> = {}): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries({ ...process.env, SMEM_PASSPHRASE: undefined, ...extra })) {
    if (v !== undefined) env[k] = v;
  }
  return env;
}

export function spawnSmem(args: string[], opts: CliOptions = {}) {
  return Bun.spawn([process.execPath, smemEntry, ...args], {
    cwd: repoRoot,
    env: childEnv(opts.env),
    stdin: opts.stdin === undefined ? "ignore" : new Blob([opts.stdin]),
    stdout: "pipe",
    stderr: "pipe",
  });
}

export async function smem(args: string[], opts: CliOptions = {}): Promise<CliResult> {
  const child = spawnSmem(args, opts);
  const [stdout, err] = await Promise.all([
    new Response(child.stdout).arrayBuffer(),
    new Response(child.stderr).text(),
  ]);
  const code = await child.exited;
  const bytes = new Uint8Array(stdout);
  return { code, signal: child.signalCode, stdout: bytes, out: new TextDecoder().decode(bytes), err };
}

/** A fresh directory with a passphrase file; `vault` is where the vault goes (not created). */
export class Scratch {
  readonly dir = mkdtempSync(join(tmpdir(), "smem-vault-test-"));
  readonly vault = join(this.dir, "vault");
  readonly pass = join(this.dir, "pass");

  constructor(passphrase = "correct horse battery staple") {
    writeFileSync(this.pass, `${passphrase}\n`);
  }

  file(name: string, content: string | Uint8Array): string {
    const path = join(this.dir, name);
    writeFileSync(path, content);
    return path;
  }

  /** Runs `smem vault VERB ARGS --vault <this vault>`. */
  run(verb: string, args: string[] = [], opts: CliOptions = {}): Promise<CliResult> {
    return smem(["vault", verb, ...args, "--vault", this.vault], opts);
  }

  init(extra: string[] = []): Promise<CliResult> {
    return this.run("init", ["--passphrase-file", this.pass, ...FAST_KDF, ...extra]);
  }

  set(name: string, value: string | Uint8Array): Promise<CliResult> {
    return this.run("set", [name], { stdin: value });
  }

  get(name: string, extra: string[] = []): Promise<CliResult> {
    return this.run("get", [name, "--passphrase-file", this.pass, ...extra]);
  }

  /** Every file under the vault, recursively, relative paths. */
  files(): string[] {
    return (readdirSync(this.vault, { recursive: true }) as string[]).sort();
  }

  cleanup(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}
