// `smem seal`: encrypt INPUT (or stdin) into an age v1 file — to a passphrase (smem-argon2id by
// default, age's scrypt with --scrypt) or to public keys (-r / -R) — streamed at native speed.

import { encrypt } from "../core/age/encrypt";
import { passphraseRecipient } from "../core/age/passphrase";
import type { Recipient } from "../core/age/recipient";
import { SCRYPT_DEFAULT_WORK_FACTOR, SCRYPT_MAX_WORK_FACTOR } from "../core/age/scrypt";
import { UsageError } from "../core/errors";
import { DEFAULT_KDF, type KdfParams } from "../core/kdf";
import type { LockedBuffer } from "../core/locked-buffer";
import { hardenProcess } from "../core/process-guard";
import { resolvePassphrase } from "../core/secret-input";
import {
  defineSmemCommand,
  globalArgs,
  notice,
  outputArg,
  parseIntegerFlag,
  passphraseArgs,
  runCommand,
} from "./common";
import { recipientArgs, resolveRecipients } from "./recipients";
import { openInput, openOutput, progress } from "./stream-io";

// Floors for the passphrase work options: lower values exist only for tests and tiny devices,
// and even those keep a real cost. The defaults are what a passphrase deserves.
const MIN_MEMORY_KIB = 1024;
const MAX_MEMORY_KIB = 2 * 1024 * 1024;
const MIN_WORK_FACTOR = 10;

const sealArgs = {
  input: {
    type: "positional",
    required: false,
    valueHint: "INPUT",
    description: "File to encrypt (default stdin)",
  },
  passphrase: {
    type: "boolean",
    alias: "p",
    description: "Encrypt to a passphrase (the default when no -r/-R is given)",
  },
  scrypt: {
    type: "boolean",
    description: "Use age's scrypt stanza instead of smem-argon2id (for age, rage, typage); implies -p",
  },
  armor: { type: "boolean", alias: "a", description: "PEM-armored output (text)" },
  ...outputArg,
  ...passphraseArgs,
  ...recipientArgs,
  memory: {
    type: "string",
    valueHint: "KiB",
    description: `smem-argon2id memory in KiB (default ${DEFAULT_KDF.memoryKiB}, at least ${MIN_MEMORY_KIB})`,
  },
  iterations: {
    type: "string",
    valueHint: "N",
    description: `smem-argon2id passes (default ${DEFAULT_KDF.iterations})`,
  },
  rounds: {
    type: "string",
    valueHint: "N",
    description: `smem-argon2id SHA3-256 rounds after Argon2id (default ${DEFAULT_KDF.rounds})`,
  },
  "work-factor": {
    type: "string",
    valueHint: "LOG2N",
    description: `scrypt work factor, log2 of N (default ${SCRYPT_DEFAULT_WORK_FACTOR}, ${MIN_WORK_FACTOR} to ${SCRYPT_MAX_WORK_FACTOR})`,
  },
  ...globalArgs,
} as const;

interface SealArgs {
  passphrase?: boolean;
  scrypt?: boolean;
  "passphrase-file"?: string;
  "passphrase-fd"?: string;
  "allow-classical"?: boolean;
  memory?: string;
  iterations?: string;
  rounds?: string;
  "work-factor"?: string;
}

/** The smem-argon2id parameters from --memory/--iterations/--rounds (defaults otherwise). */
function kdfParams(args: SealArgs): KdfParams {
  return {
    memoryKiB:
      parseIntegerFlag("--memory", args.memory, { min: MIN_MEMORY_KIB, max: MAX_MEMORY_KIB }) ??
      DEFAULT_KDF.memoryKiB,
    iterations:
      parseIntegerFlag("--iterations", args.iterations, { min: 1, max: 64 }) ?? DEFAULT_KDF.iterations,
    rounds: parseIntegerFlag("--rounds", args.rounds, { min: 1, max: 10_000_000 }) ?? DEFAULT_KDF.rounds,
  };
}

/**
 * Who the file is for: a passphrase (asked only after everything else checked out) or the -r/-R
 * public keys. Returns the recipients and what to destroy afterwards. Other recipient kinds plug
 * in here.
 */
export async function resolveSealRecipients(
  args: SealArgs,
  rawArgs: readonly string[],
): Promise<{ recipients: Recipient[]; secrets: LockedBuffer[] }> {
  const publicKeys = resolveRecipients(rawArgs, args["allow-classical"] === true);
  const passphraseSource = args["passphrase-file"] !== undefined || args["passphrase-fd"] !== undefined;
  const wantsPassphrase = args.passphrase === true || args.scrypt === true || passphraseSource;
  const argon2Flags = args.memory !== undefined || args.iterations !== undefined || args.rounds !== undefined;
  if (args.scrypt && argon2Flags) {
    throw new UsageError(
      "--memory, --iterations and --rounds are smem-argon2id options; --scrypt takes --work-factor",
    );
  }
  if (!args.scrypt && args["work-factor"] !== undefined) throw new UsageError("--work-factor needs --scrypt");
  if (publicKeys.length > 0) {
    if (wantsPassphrase) {
      throw new UsageError("a passphrase must be the only recipient: use -p or -r/-R, not both");
    }
    if (argon2Flags) throw new UsageError("--memory, --iterations and --rounds apply to passphrases (-p)");
    return { recipients: publicKeys, secrets: [] };
  }
  const kdf = args.scrypt ? undefined : kdfParams(args);
  const workFactor = args.scrypt
    ? parseIntegerFlag("--work-factor", args["work-factor"], {
        min: MIN_WORK_FACTOR,
        max: SCRYPT_MAX_WORK_FACTOR,
      })
    : undefined;
  const passphrase = await resolvePassphrase({
    file: args["passphrase-file"],
    fd: parseIntegerFlag("--passphrase-fd", args["passphrase-fd"], { min: 0, max: 65535 }),
    confirm: true,
    prompt: "Passphrase: ",
  });
  try {
    const recipient = passphraseRecipient(passphrase, {
      scrypt: args.scrypt,
      kdf,
      scryptWorkFactor: workFactor,
    });
    return { recipients: [recipient], secrets: [passphrase] };
  } catch (err) {
    passphrase.destroy();
    throw err;
  }
}

export default defineSmemCommand(
  {
    meta: {
      name: "seal",
      description: "Encrypt INPUT (or stdin) to a passphrase or public keys, in the age v1 format",
    },
    args: sealArgs,
    run: runCommand(async ({ args, rawArgs }) => {
      hardenProcess();
      // Everything that can be refused is checked before asking for a passphrase.
      const input = openInput(args.input);
      let output: ReturnType<typeof openOutput> | null = null;
      let secrets: LockedBuffer[] = [];
      const meter = progress("sealed", input.size);
      try {
        output = openOutput(args.output, {
          binary: args.armor !== true,
          hint: "use -a for text output, -o FILE, or a pipe",
        });
        const resolved = await resolveSealRecipients(args, rawArgs);
        secrets = resolved.secrets;
        if (secrets.length > 0) notice("deriving the key from the passphrase…");
        await encrypt(resolved.recipients, input.source, output.sink, {
          armor: args.armor === true,
          onProgress: meter.update,
        });
        output.finish();
      } catch (err) {
        output?.abort();
        throw err;
      } finally {
        meter.done();
        for (const s of secrets) s.destroy();
        input.close();
      }
    }),
  },
  [
    "tar c ~/docs | smem seal -p > docs.tar.age",
    "smem seal --scrypt -a -o notes.txt.age notes.txt        # readable by age -d",
    "smem seal -r age1pq1… -o backup.age backup.tar",
  ],
);
