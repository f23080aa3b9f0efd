// `smem kdf --calibrate MS`: suggests KDF parameters that take about MS milliseconds here.
//
// At a fixed number of passes Argon2id's time grows linearly with its memory (allocation and every
// pass both scale with it), so one measurement at the default parameters predicts the memory that
// fits the target; the prediction is measured and, if it is more than 20% off, corrected once.
// Memory is preferred over passes (RFC 9106 section 4): 3 passes and as much memory as fits,
// between 8 MiB and 1 GiB; passes change only at those bounds or when --memory is fixed.
import { DEFAULT_KDF, deriveKey, type KdfParams } from "./kdf";
import { LockedBuffer } from "./locked-buffer";
import { randomBytes } from "./random";

export const CALIBRATE_MIN_MEMORY_KIB = 8192;
export const CALIBRATE_MAX_MEMORY_KIB = 1048576;
const MAX_PASSES = 10_000;
const TOLERANCE = 0.2;

export interface Calibration {
  params: KdfParams;
  /** How long `params` took when last measured, in milliseconds. */
  measuredMs: number;
}

/** Milliseconds one deriveKey takes with `p` (random passphrase and salt). */
export function measureKdf(p: KdfParams): number {
  using pass = LockedBuffer.random(16);
  const salt = randomBytes(16);
  const started = performance.now();
  deriveKey(pass, salt, p).destroy();
  return performance.now() - started;
}

const clamp = (x: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, x));

/** Memory (whole MiB) and passes predicted to take `targetMs`, given `took` ms at `from`. */
function predict(targetMs: number, from: KdfParams, took: number, maxMemoryKiB: number): KdfParams {
  const perKiBPass = Math.max(took, 1e-3) / (from.memoryKiB * from.iterations);
  const memory = Math.floor(targetMs / (perKiBPass * from.iterations) / 1024) * 1024;
  const memoryKiB = clamp(memory, CALIBRATE_MIN_MEMORY_KIB, maxMemoryKiB);
  const iterations =
    memoryKiB === memory
      ? from.iterations
      : clamp(Math.round(targetMs / (perKiBPass * memoryKiB)), 1, MAX_PASSES);
  return { memoryKiB, iterations, rounds: from.rounds };
}

/** Passes at a fixed memory: from 1 and 3 passes, a per-pass cost and a fixed cost. */
function passesAt(targetMs: number, memoryKiB: number, rounds: number, measure: (p: KdfParams) => number) {
  const one = measure({ memoryKiB, iterations: 1, rounds });
  const three = measure({ memoryKiB, iterations: 3, rounds });
  // Noise can make three ≈ one; a pass never costs less than a third of a one-pass run.
  const perPass = Math.max((three - one) / 2, one / 3, 1e-3);
  const fixed = Math.max(one - perPass, 0);
  return clamp(Math.round((targetMs - fixed) / perPass), 1, MAX_PASSES);
}

export function calibrateKdf(
  targetMs: number,
  opts: { memoryKiB?: number; rounds?: number; maxMemoryKiB?: number } = {},
  measure: (p: KdfParams) => number = measureKdf,
): Calibration {
  const rounds = opts.rounds ?? DEFAULT_KDF.rounds;
  if (opts.memoryKiB !== undefined) {
    const params = {
      memoryKiB: opts.memoryKiB,
      iterations: passesAt(targetMs, opts.memoryKiB, rounds, measure),
      rounds,
    };
    return { params, measuredMs: measure(params) };
  }
  const maxMemory = opts.maxMemoryKiB ?? CALIBRATE_MAX_MEMORY_KIB;
  const probe: KdfParams = { memoryKiB: DEFAULT_KDF.memoryKiB, iterations: DEFAULT_KDF.iterations, rounds };
  let params = predict(targetMs, probe, measure(probe), maxMemory);
  let measuredMs = measure(params);
  if (Math.abs(measuredMs / targetMs - 1) > TOLERANCE) {
    const corrected = predict(targetMs, params, measuredMs, maxMemory);
    if (corrected.memoryKiB !== params.memoryKiB || corrected.iterations !== params.iterations) {
      params = corrected;
      measuredMs = measure(params);
    }
  }
  return { params, measuredMs };
}
