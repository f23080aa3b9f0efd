// The slow fuzz campaign for the age reader (issue 3): `npm run fuzz [-- --cases N --seed S]`.
// Mutates valid age files (header lines, base64, stanza counts, numeric arguments, chunk-boundary
// truncation, armor layout) and checks that reading them ends only in FormatError (exit 2) or
// AuthError (exit 3), never another exception, and that no changed header is ever accepted.
// A failing input is written to fuzz-age-failure-<seed>-<case>.bin for replay.
import { writeFileSync } from "node:fs";
import { buildCorpus, fuzzAge } from "../tests/helpers/age-fuzz";

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

const cases = flag("cases", 100_000);
const seed = flag("seed", Math.floor(Math.random() * 2 ** 31));
using corpus = buildCorpus();
process.stderr.write(`fuzz-age: ${cases} cases, seed ${seed}, ${corpus.seeds.length} seed files\n`);
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
  const input = (e as { input?: Uint8Array }).input;
  const m = /fuzz case (\d+)/.exec((e as Error).message);
  if (input && m) {
    const file = `fuzz-age-failure-${seed}-${m[1]}.bin`;
    writeFileSync(file, input);
    process.stderr.write(`input written to ${file}\n`);
  }
  process.stderr.write(`${(e as Error).message}\n`);
  process.exit(1);
}
