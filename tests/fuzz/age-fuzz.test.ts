// A bounded run of the age reader fuzzer (the long campaign is `npm run fuzz`, 100,000+ cases).
// Fixed seed so CI is reproducible; SMEM_FUZZ_SEED picks another stream.
import { expect, test } from "bun:test";
import { buildCorpus, fuzzAge } from "../helpers/age-fuzz";

const CASES = 2000;

test(`age reader: ${CASES} mutated files give only FormatError or AuthError, never a changed header`, async () => {
  using corpus = buildCorpus();
  expect(corpus.seeds.length).toBeGreaterThan(20);
  const seed = Number(process.env.SMEM_FUZZ_SEED ?? 20260101);
  const stats = await fuzzAge(corpus, seed, CASES);
  expect(stats.cases).toBe(CASES);
  // The mutations must reach every outcome, or the fuzzer is not exercising the reader.
  expect(stats.format).toBeGreaterThan(0);
  expect(stats.auth).toBeGreaterThan(0);
  expect(stats.opened).toBeGreaterThan(0);
}, 180_000); // about 2 s on an idle machine; generous so a loaded CI runner cannot time it out
