// The slow fuzz campaigns for the age reader (issue 3):
//   npm run fuzz [-- --cases N --seed S]          in process, 100,000 cases by default
//   npm run fuzz -- --cli [--cases N --seed S]    through `smem open` in child processes (1,000)
// Both mutate valid age files (header lines, base64, stanza counts, numeric arguments,
// chunk-boundary truncation, armor layout). In process: reading them ends only in FormatError
// (exit 2) or AuthError (exit 3), never another exception; no changed header is accepted; the
// header layer, the whole-buffer reader and the streaming decryptor agree, and whatever plaintext
// the decryptor releases is authentic. Through the CLI: exit 0 only with the exact plaintext, else
// exit 2 or 3 with a one-line message, no stack trace, and no -o file left behind; no hang.
// A failing input is written to fuzz-age-failure-<seed>-<case>.bin for replay.
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildCorpus, type FuzzCorpus, fuzzAge, mutate, Rng } from "../tests/helpers/age-fuzz";

function flag(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  if (i < 0) return fallback;
  const v = Number(process.argv[i + 1]);
  if (!Number.isSafeInteger(v) || v < 0) {
    process.stderr.write(`fuzz-age: --${name} needs a non-negative integer\n`);
    process.exit(1);
  }
  return v;
}

const cli = process.argv.includes("--cli");
const cases = flag("cases", cli ? 1000 : 100_000);
const seed = flag("seed", Math.floor(Math.random() * 2 ** 31));
const root = join(import.meta.dir, "..");

function fail(message: string, input: Uint8Array | undefined, index: string | undefined): never {
  if (input && index !== undefined) {
    const file = `fuzz-age-failure-${seed}-${index}.bin`;
    writeFileSync(file, input);
    process.stderr.write(`input written to ${file}\n`);
  }
  process.stderr.write(`${message}\n`);
  process.exit(1);
}

async function inProcess(corpus: FuzzCorpus): Promise<void> {
  const started = performance.now();
  try {
    const stats = await fuzzAge(corpus, seed, cases, (i, s) => {
      if ((i + 1) % 10_000 === 0) {
        const secs = ((performance.now() - started) / 1000).toFixed(0);
        process.stderr.write(
          `  ${i + 1} cases, ${secs}s (opened ${s.opened}, exit 2: ${s.format}, exit 3: ${s.auth})\n`,
        );
      }
    });
    const secs = ((performance.now() - started) / 1000).toFixed(1);
    process.stdout.write(
      `fuzz-age: ${stats.cases} cases in ${secs}s, no invariant violated: opened ${stats.opened}, exit 2 ${stats.format}, exit 3 ${stats.auth}; slowest case ${stats.slowestMs.toFixed(1)} ms\n`,
    );
  } catch (e) {
    fail(
      (e as Error).message,
      (e as { input?: Uint8Array }).input,
      /fuzz case (\d+)/.exec((e as Error).message)?.[1],
    );
  }
}

/** scrypt work factors this high are legitimate but take seconds and GiBs: not worth a case. */
const EXPENSIVE = /-> scrypt \S+ (1[7-9]|2[0-2])\n/;

function cliCampaign(corpus: FuzzCorpus): void {
  const dir = mkdtempSync(join(tmpdir(), "smem-fuzz-cli-"));
  try {
    const idFile = join(dir, "identities.txt");
    writeFileSync(idFile, `${corpus.identityStrings.join("\n")}\n`, { mode: 0o600 });
    const counts = { 0: 0, 2: 0, 3: 0 } as Record<number, number>;
    const started = performance.now();
    // Controls first: every seed, unmodified, must open to its plaintext through the CLI.
    const controls = corpus.seeds.length;
    for (let i = 0; i < controls + cases; i++) {
      const rng = new Rng((seed ^ Math.imul(i + 1, 0x85ebca6b)) >>> 0);
      const control = i < controls;
      const s = control ? (corpus.seeds[i] as (typeof corpus.seeds)[number]) : rng.pick(corpus.seeds);
      let input = control ? s.file : mutate(rng, s);
      while (EXPENSIVE.test(Buffer.from(input).toString("latin1"))) input = mutate(rng, s);
      const inFile = join(dir, "in.age");
      const outFile = join(dir, "out.bin");
      const passFile = join(dir, "pass.txt");
      writeFileSync(inFile, input);
      writeFileSync(passFile, `${s.passphrase ?? "unused passphrase"}\n`, { mode: 0o600 });
      rmSync(outFile, { force: true });
      const r = spawnSync(
        process.execPath,
        [
          join(root, "cmd", "main.ts"),
          "open",
          "-i",
          idFile,
          "--passphrase-file",
          passFile,
          "-o",
          outFile,
          inFile,
        ],
        { cwd: root, encoding: "utf8", timeout: 60_000, env: { ...process.env, NO_COLOR: "1" } },
      );
      const where = control ? `CLI control ${s.name}` : `CLI case ${i} (seed ${seed}, from ${s.name})`;
      if (r.error || r.status === null)
        fail(`${where}: no exit status (${r.error?.message ?? r.signal}): hang or crash`, input, `cli-${i}`);
      const status = r.status as number;
      const stderr = r.stderr.trim();
      if (control && status !== 0)
        fail(`${where}: the unmodified seed did not open: ${stderr}`, input, `cli-${i}`);
      if (status === 0) {
        const out = existsSync(outFile) ? readFileSync(outFile) : null;
        if (out === null || Buffer.compare(out, Buffer.from(s.plaintext)) !== 0) {
          fail(`${where}: exit 0 but the output is not the original plaintext`, input, `cli-${i}`);
        }
      } else {
        if (status !== 2 && status !== 3) fail(`${where}: exit ${status}: ${stderr}`, input, `cli-${i}`);
        if (existsSync(outFile)) fail(`${where}: exit ${status} left ${outFile} behind`, input, `cli-${i}`);
        const lines = stderr.split("\n").filter((l) => l.startsWith("smem:"));
        if (lines.length !== 1 || /\n\s+at /.test(stderr)) {
          fail(`${where}: expected one "smem:" error line, got:\n${stderr}`, input, `cli-${i}`);
        }
      }
      if (control) continue;
      counts[status] = (counts[status] ?? 0) + 1;
      if ((i + 1 - controls) % 100 === 0) {
        const secs = ((performance.now() - started) / 1000).toFixed(0);
        process.stderr.write(
          `  ${i + 1 - controls} CLI cases, ${secs}s (exit 0: ${counts[0]}, 2: ${counts[2]}, 3: ${counts[3]})\n`,
        );
      }
    }
    const secs = ((performance.now() - started) / 1000).toFixed(1);
    process.stdout.write(
      `fuzz-age --cli: ${controls} unmodified seeds opened, then ${cases} cases in ${secs}s, no invariant violated: exit 0 ${counts[0]}, exit 2 ${counts[2]}, exit 3 ${counts[3]}\n`,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

using corpus = buildCorpus();
process.stderr.write(
  `fuzz-age${cli ? " --cli" : ""}: ${cases} cases, seed ${seed}, ${corpus.seeds.length} seed files\n`,
);
if (cli) cliCampaign(corpus);
else await inProcess(corpus);
