// --memory / --iterations / --rounds: the smem-argon2id parameters that protect identity.age
// (the same flags and meanings as `smem kdf`). Small values are for tests and slow machines.

import { UsageError } from "../../core/errors";
import { DEFAULT_KDF, type KdfParams, validateKdfParams } from "../../core/kdf";
import { parseIntegerFlag } from "../common";

export function kdfFromFlags(args: { memory?: string; iterations?: string; rounds?: string }): KdfParams {
  const params: KdfParams = {
    memoryKiB:
      parseIntegerFlag("--memory", args.memory, { min: 8, max: 4 * 1024 * 1024 }) ?? DEFAULT_KDF.memoryKiB,
    iterations:
      parseIntegerFlag("--iterations", args.iterations, { min: 1, max: 1000 }) ?? DEFAULT_KDF.iterations,
    rounds: parseIntegerFlag("--rounds", args.rounds, { min: 0, max: 1_000_000 }) ?? DEFAULT_KDF.rounds,
  };
  try {
    validateKdfParams(params);
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  return params;
}
