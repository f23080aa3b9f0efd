// `smem kdf`: derives a 32-byte key from a passphrase with smem's KDF (DESIGN section 6) and prints
// it as 64 lowercase hex characters and a newline, or writes the raw bytes atomically with -o.
// The key goes from locked memory to the fd: the hex text is built in locked memory too.
import { AtomicFile } from "../core/atomic-file";
import { fromHex, hexInto } from "../core/bytes";
import { EnvironmentError, SmemError, UsageError } from "../core/errors";
import { writeAllSync } from "../core/fd-output";
import { DEFAULT_KDF, deriveKey, KDF_KEY_BYTES, KDF_MIN_SALT_BYTES, type KdfParams } from "../core/kdf";
import { LockedBuffer } from "../core/locked-buffer";
import { hardenProcess } from "../core/process-guard";
import { randomBytes } from "../core/random";
import { resolvePassphrase } from "../core/secret-input";
import { writeStderr, writeStdout } from "../core/stdio";
import {
  defineSmemCommand,
  globalArgs,
  info,
  notice,
  outputArg,
  parseIntegerFlag,
  passphraseArgs,
  runCommand,
} from "./common";

const RANDOM_SALT_BYTES = 16;
const MAX_SALT_BYTES = 1024;
const U32_MAX = 0xffffffff;

/** --salt: hex, at least 8 bytes. A bad value is a bad flag: usage error, exit 1. */
export function parseSalt(hex: string): Uint8Array {
  let salt: Uint8Array;
  try {
    salt = fromHex(hex);
  } catch {
    throw new UsageError("--salt must be hexadecimal with an even number of digits");
  }
  if (salt.length < KDF_MIN_SALT_BYTES || salt.length > MAX_SALT_BYTES) {
    throw new UsageError(
      `--salt must be ${KDF_MIN_SALT_BYTES} to ${MAX_SALT_BYTES} bytes (${2 * KDF_MIN_SALT_BYTES}+ hex digits), got ${salt.length}`,
    );
  }
  return salt;
}

function describeParams(p: KdfParams): string {
  const memory = p.memoryKiB % 1024 === 0 ? `${p.memoryKiB / 1024} MiB` : `${p.memoryKiB} KiB`;
  return `Argon2id ${memory}, ${p.iterations} pass${p.iterations === 1 ? "" : "es"}, ${p.rounds} SHA3-256 rounds`;
}

/** Lets a signal that arrived during a native call (the KDF) be handled before any output. */
const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

function calibrate(targetMs: number, memoryKiB: number | undefined, rounds: number): Promise<void> {
  return import("../core/kdf-calibrate").then(({ calibrateKdf }) => {
    notice(`measuring Argon2id on this machine for a ${targetMs} ms target…`);
    const { params, measuredMs: measured } = calibrateKdf(targetMs, { memoryKiB, rounds });
    writeStdout(`--memory ${params.memoryKiB} --iterations ${params.iterations} --rounds ${params.rounds}\n`);
    info(`${describeParams(params)}: ${Math.round(measured)} ms measured here (target ${targetMs} ms)`);
  });
}

export default defineSmemCommand(
  {
    meta: {
      name: "kdf",
      description: "Derive a 32-byte key from a passphrase (Argon2id + SHA3-256 chain); print it as hex",
    },
    args: {
      ...passphraseArgs,
      salt: {
        type: "string",
        valueHint: "HEX",
        description: "Salt as hex, 8+ bytes (default: 16 random bytes, printed to stderr as 'salt: HEX')",
      },
      memory: {
        type: "string",
        valueHint: "KiB",
        description: `Argon2id memory (default ${DEFAULT_KDF.memoryKiB})`,
      },
      iterations: {
        type: "string",
        valueHint: "N",
        description: `Argon2id passes (default ${DEFAULT_KDF.iterations})`,
      },
      rounds: {
        type: "string",
        valueHint: "N",
        description: `SHA3-256 rounds after Argon2id (default ${DEFAULT_KDF.rounds})`,
      },
      ...outputArg,
      calibrate: {
        type: "string",
        valueHint: "MS",
        description: "Print parameters that take about MS milliseconds here, and derive nothing",
      },
      ...globalArgs,
    },
    run: runCommand(async ({ args }) => {
      const memoryKiB = parseIntegerFlag("--memory", args.memory, { min: 8, max: U32_MAX });
      const iterations = parseIntegerFlag("--iterations", args.iterations, { min: 1, max: U32_MAX });
      const rounds = parseIntegerFlag("--rounds", args.rounds, { min: 0, max: Number.MAX_SAFE_INTEGER });
      const calibrateMs = parseIntegerFlag("--calibrate", args.calibrate, { min: 1, max: 3_600_000 });
      const salt = args.salt === undefined ? undefined : parseSalt(args.salt);
      const fd = parseIntegerFlag("--passphrase-fd", args["passphrase-fd"], { min: 0, max: 1_000_000 });

      hardenProcess();
      if (calibrateMs !== undefined) {
        if (args.output !== undefined || salt !== undefined || iterations !== undefined) {
          throw new UsageError("--calibrate takes only --memory and --rounds");
        }
        await calibrate(calibrateMs, memoryKiB, rounds ?? DEFAULT_KDF.rounds);
        return;
      }
      const params: KdfParams = {
        memoryKiB: memoryKiB ?? DEFAULT_KDF.memoryKiB,
        iterations: iterations ?? DEFAULT_KDF.iterations,
        rounds: rounds ?? DEFAULT_KDF.rounds,
      };

      // Open the output first: an unwritable -o fails before anyone types a passphrase.
      const out = args.output === undefined ? null : AtomicFile.create(args.output);
      try {
        let key: LockedBuffer;
        {
          using passphrase = await resolvePassphrase({ file: args["passphrase-file"], fd });
          const useSalt = salt ?? randomBytes(RANDOM_SALT_BYTES);
          if (salt === undefined) writeStderr(`salt: ${Buffer.from(useSalt).toString("hex")}\n`);
          notice(`deriving the key (${describeParams(params)})…`);
          try {
            key = deriveKey(passphrase, useSalt, params);
          } catch (err) {
            if (err instanceof SmemError) throw err;
            throw new EnvironmentError(
              `key derivation failed: not enough memory for --memory ${params.memoryKiB} KiB?`,
            );
          }
        }
        using derived = key;
        await settle();
        if (out) {
          out.write(derived.bytes());
          out.commit();
          return;
        }
        using text = LockedBuffer.alloc(2 * KDF_KEY_BYTES + 1);
        const view = text.bytes();
        hexInto(view, derived.bytes());
        view[2 * KDF_KEY_BYTES] = 0x0a;
        writeAllSync(1, view, "stdout");
      } finally {
        out?.abort();
      }
    }),
  },
  [
    "smem kdf --passphrase-file pass.txt --salt 000102030405060708090a0b0c0d0e0f",
    "smem kdf --passphrase-fd 3 --salt $SALT -o key.bin 3<pass.txt",
    "smem kdf --memory 262144 --iterations 4   # prompts; prints 'salt: HEX' to stderr",
    "smem kdf --calibrate 1000",
  ],
);
