import { UsageError } from "../../core/errors";
import { mlkem768Encapsulate } from "../../core/kem/mlkem768";
import { xwingEncapsulate } from "../../core/kem/xwing";
import { parseRecipient } from "../../core/keys/strings";
import { hardenProcess } from "../../core/process-guard";
import { defineSmemCommand, globalArgs, outputArg, runCommand } from "../common";
import {
  checkSecretTarget,
  secretOutputArgs,
  secretTarget,
  writeBinaryOutput,
  writeSecret,
} from "../secret-output";

export default defineSmemCommand(
  {
    meta: {
      name: "encaps",
      description: "Encapsulate a fresh 32-byte shared secret to an X-Wing or ML-KEM-768 recipient",
    },
    args: {
      recipient: {
        type: "positional",
        required: true,
        valueHint: "RECIPIENT",
        description: "age1pq1… (X-Wing) or smem1mlkem1… (ML-KEM-768)",
      },
      ...outputArg,
      ...secretOutputArgs,
      ...globalArgs,
    },
    run: runCommand(async ({ args }) => {
      hardenProcess();
      const target = secretTarget(args);
      checkSecretTarget(target);
      const { kind, publicKey } = parseRecipient(args.recipient);
      if (kind === "x25519") {
        throw new UsageError(
          "X25519 recipients are not a KEM here; use an age1pq1… or smem1mlkem1… recipient",
        );
      }
      const { cipherText, sharedSecret } =
        kind === "xwing" ? xwingEncapsulate(publicKey) : mlkem768Encapsulate(publicKey);
      using secret = sharedSecret;
      // The secret first: if it cannot be stored, no ciphertext is published for it.
      writeSecret(target, secret);
      writeBinaryOutput(args.output, cipherText);
    }),
  },
  [
    'smem kem encaps "$(cat backup.pub)" -o secret.ct --secret-out secret.key',
    "smem kem encaps age1pq1… --secret-fd 3 3>secret.key > secret.ct",
  ],
);
