// `smem vault` timings on the compiled executable (issue 6: `has` and `set` without a passphrase
// at most 30 ms each, whole process), beside a bare `bun build --compile` hello binary, and `get`
// beside what it must do anyway: one KDF at the vault's parameters plus one X-Wing decapsulation
// (measured in this process through the same shim).
//
//   npm run build && bun scripts/bench/vault.ts [--runs N] [--smem PATH] [--memory KiB --iterations N --rounds N]
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DEFAULT_KDF, deriveKey, LockedBuffer, XWingPrivateKey, xwingEncapsulate } from "../../core";

const root = join(import.meta.dir, "..", "..");

function flag(name: string, fallback: string): string {
  const i = process.argv.indexOf(name);
  return i >= 0 && process.argv[i + 1] ? (process.argv[i + 1] as string) : fallback;
}

function die(msg: string): never {
  process.stderr.write(`bench: ${msg}\n`);
  process.exit(1);
}

const runs = Number(flag("--runs", "30"));
const smem = flag("--smem", join(root, "dist", process.platform === "win32" ? "smem.exe" : "smem"));
if (!existsSync(smem)) die(`${smem} does not exist: run 'npm run build' first`);
const kdf = {
  memoryKiB: Number(flag("--memory", String(DEFAULT_KDF.memoryKiB))),
  iterations: Number(flag("--iterations", String(DEFAULT_KDF.iterations))),
  rounds: Number(flag("--rounds", String(DEFAULT_KDF.rounds))),
};

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
}

/** Median and minimum wall time of `runs` runs of one command (after 3 warm-up runs). */
function time(argv: string[], opts: { input?: string; env?: NodeJS.ProcessEnv; n?: number } = {}) {
  const n = opts.n ?? runs;
  const samples: number[] = [];
  for (let i = -3; i < n; i++) {
    const t0 = performance.now();
    const r = spawnSync(argv[0] as string, argv.slice(1), {
      input: opts.input ?? "",
      env: opts.env ?? process.env,
      stdio: ["pipe", "ignore", "pipe"],
    });
    const dt = performance.now() - t0;
    if (r.status !== 0 && !(argv.includes("has") && r.status === 1)) {
      die(`${argv.join(" ")} exited ${r.status}: ${r.stderr}`);
    }
    if (i >= 0) samples.push(dt);
  }
  return { median: median(samples), min: Math.min(...samples) };
}

const work = mkdtempSync(join(tmpdir(), "smem-bench-vault-"));
try {
  const hello = join(work, "hello");
  writeFileSync(join(work, "hello.ts"), 'console.log("hello");\n');
  const built = spawnSync(
    process.execPath,
    ["build", "--compile", join(work, "hello.ts"), "--outfile", hello],
    {
      stdio: ["ignore", "ignore", "inherit"],
    },
  );
  if (built.status !== 0) die("bun build --compile of the hello binary failed");

  const vault = join(work, "vault");
  const pass = join(work, "pass");
  writeFileSync(pass, "bench passphrase\n");
  const env = { ...process.env, SMEM_VAULT: vault, SMEM_PASSPHRASE: undefined };
  const kdfFlags = [
    "--memory",
    String(kdf.memoryKiB),
    "--iterations",
    String(kdf.iterations),
    "--rounds",
    String(kdf.rounds),
  ];
  const init = spawnSync(smem, ["vault", "init", "--passphrase-file", pass, ...kdfFlags], {
    env,
    stdio: "inherit",
  });
  if (init.status !== 0) die("vault init failed");
  for (let i = 0; i < 100; i++) {
    spawnSync(smem, ["vault", "set", `entry-${i}`], { env, input: `value-${i}` });
  }

  const rows: [string, { median: number; min: number }, string][] = [
    ["bun build --compile hello", time([hello]), ""],
    ["smem version", time([smem, "version"]), ""],
    ["smem vault has (present)", time([smem, "vault", "has", "entry-42"], { env }), "<= 30 ms"],
    ["smem vault has (absent)", time([smem, "vault", "has", "missing"], { env }), "<= 30 ms"],
    [
      "smem vault set (no passphrase)",
      time([smem, "vault", "set", "bench"], { env, input: "a secret value" }),
      "<= 30 ms",
    ],
    ["smem vault stats", time([smem, "vault", "stats"], { env }), ""],
    [
      "smem vault get",
      time([smem, "vault", "get", "entry-42", "--passphrase-file", pass], { env, n: Math.min(runs, 10) }),
      "",
    ],
  ];

  // What get cannot avoid: the KDF on the passphrase and one X-Wing decapsulation.
  const kdfTimes: number[] = [];
  const decapsTimes: number[] = [];
  using passphrase = LockedBuffer.fromBytes(new TextEncoder().encode("bench passphrase"));
  using key = XWingPrivateKey.generate();
  const salt = new Uint8Array(16);
  for (let i = 0; i < Math.min(runs, 10); i++) {
    let t0 = performance.now();
    deriveKey(passphrase, salt, kdf).destroy();
    kdfTimes.push(performance.now() - t0);
    const enc = xwingEncapsulate(key.publicKey);
    enc.sharedSecret.destroy();
    t0 = performance.now();
    key.decapsulate(enc.cipherText).destroy();
    decapsTimes.push(performance.now() - t0);
  }
  const floor = median(kdfTimes) + median(decapsTimes);

  const ms = (x: number) => `${x.toFixed(1)} ms`;
  const lines = [
    "",
    `vault of 100 entries; KDF m=${kdf.memoryKiB} KiB t=${kdf.iterations} rounds=${kdf.rounds}; ${runs} runs each`,
    "",
    "| command | median | min | target |",
    "| --- | --- | --- | --- |",
    ...rows.map(([name, t, target]) => `| ${name} | ${ms(t.median)} | ${ms(t.min)} | ${target} |`),
    `| (in-process) KDF | ${ms(median(kdfTimes))} | ${ms(Math.min(...kdfTimes))} | |`,
    `| (in-process) X-Wing decapsulation | ${ms(median(decapsTimes))} | ${ms(Math.min(...decapsTimes))} | |`,
    "",
    `get - (KDF + decapsulation) = ${ms((rows[6]?.[1].median ?? 0) - floor)} of process start-up, loading and I/O`,
    "",
  ];
  process.stdout.write(lines.join("\n"));
} finally {
  rmSync(work, { recursive: true, force: true });
}
