import { existsSync, writeSync } from "node:fs";
import { formatIdentityFile, generateIdentity, recipientString } from "../../core/age/keys";
import { AtomicFile } from "../../core/atomic-file";
import { IoError, UsageError } from "../../core/errors";
import type { KeyKind } from "../../core/keys/strings";
import type { LockedBuffer } from "../../core/locked-buffer";
import { hardenProcess } from "../../core/process-guard";
import { isTerminal } from "../../core/terminal";
import {
  defineSmemCommand,
  globalArgs,
  info,
  outputArg,
  parseIntegerFlag,
  passphraseArgs,
  runCommand,
  warn,
} from "../common";
import { encryptIdentityFile } from "../identities";

const ALGORITHMS: Record<string, KeyKind> = { xwing: "xwing", mlkem768: "mlkem768", x25519: "x25519" };

/** To stdout, or to a new file (atomically, mode 0600; an existing file is never replaced). */
function writeOut(output: string | undefined, bytes: Uint8Array): void {
  if (output === undefined) {
    let offset = 0;
    while (offset < bytes.length) offset += writeSync(1, bytes, offset, bytes.length - offset);
    return;
  }
  using out = AtomicFile.create(output);
  out.write(bytes);
  out.commitNew();
}

export default defineSmemCommand(
  {
    meta: {
      name: "keygen",
      description: "Generate an identity (secret key) file; the recipient (public key) goes to stderr",
    },
    args: {
      alg: {
        type: "string",
        valueHint: "xwing|mlkem768|x25519",
        description: "Key type: xwing (age1pq, post-quantum hybrid; default), mlkem768, x25519 (age1)",
      },
      ...outputArg,
      passphrase: {
        type: "boolean",
        default: true,
        description:
          "Encrypt the identity file with a passphrase; --no-passphrase writes it in clear (age-keygen format)",
      },
      ...passphraseArgs,
      ...globalArgs,
    },
    run: runCommand(async ({ args }) => {
      hardenProcess();
      const kind = ALGORITHMS[args.alg ?? "xwing"];
      if (!kind) throw new UsageError(`unknown --alg '${args.alg}' (xwing, mlkem768 or x25519)`);
      const output = args.output;
      if (output !== undefined && existsSync(output)) {
        throw new IoError(`${output} already exists; refusing to overwrite it`);
      }
      const clear = args.passphrase === false;
      if (output === undefined && isTerminal(1)) {
        throw new UsageError("refusing to write a secret key to a terminal (use -o FILE or a pipe)");
      }
      using identity = generateIdentity(kind);
      using plain = formatIdentityFile(identity);
      const recipient = recipientString(identity.recipient());
      let file: LockedBuffer | Uint8Array;
      if (clear) {
        warn("writing the identity file unencrypted (--no-passphrase): protect it with file permissions");
        file = plain;
      } else {
        file = await encryptIdentityFile(plain, {
          passphraseFile: args["passphrase-file"],
          passphraseFd: parseIntegerFlag("--passphrase-fd", args["passphrase-fd"], { min: 0, max: 65535 }),
        });
      }
      writeOut(output, file instanceof Uint8Array ? file : file.bytes());
      info(`Public key: ${recipient}`);
    }),
  },
  [
    "smem kem keygen -o ~/.config/smem/backup-key.age",
    "smem kem keygen --alg x25519 --no-passphrase -o key.txt",
    "smem kem keygen --passphrase-file pw.txt -o key.age 2> key.pub",
  ],
);
