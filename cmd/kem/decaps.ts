import { readFileSync } from "node:fs";
import { MlKem768X25519Identity } from "../../core/age/mlkem768x25519";
import { SmemMlKem768Identity } from "../../core/age/smem-mlkem768";
import { IoError, NotFoundError, UsageError } from "../../core/errors";
import { MLKEM768_CIPHERTEXT_BYTES } from "../../core/kem/mlkem768";
import { XWING_CIPHERTEXT_BYTES } from "../../core/kem/xwing";
import { hardenProcess } from "../../core/process-guard";
import { defineSmemCommand, globalArgs, parseIntegerFlag, passphraseArgs, runCommand } from "../common";
import { loadIdentities } from "../identities";
import { checkSecretTarget, secretOutputArgs, secretTarget, writeSecret } from "../secret-output";

function readCiphertext(path: string | undefined): Uint8Array {
  try {
    return new Uint8Array(readFileSync(path === undefined || path === "-" ? 0 : path));
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === "ENOENT") throw new NotFoundError(`ciphertext file ${path} does not exist`);
    throw new IoError(`cannot read ${path ?? "stdin"}: ${code ?? String(err)}`);
  }
}

export default defineSmemCommand(
  {
    meta: {
      name: "decaps",
      description: "Recover the shared secret of a `smem kem encaps` ciphertext with an identity",
    },
    args: {
      ciphertext: {
        type: "positional",
        required: false,
        valueHint: "CT",
        description: "Ciphertext file (default stdin)",
      },
      identity: {
        type: "string",
        alias: "i",
        valueHint: "FILE",
        description: "Identity file (the first X-Wing or ML-KEM-768 key in it is used)",
      },
      ...secretOutputArgs,
      ...passphraseArgs,
      ...globalArgs,
    },
    run: runCommand(async ({ args }) => {
      hardenProcess();
      const target = secretTarget(args);
      checkSecretTarget(target);
      if (args.identity === undefined) throw new UsageError("decaps needs an identity: -i FILE");
      const cipherText = readCiphertext(args.ciphertext);
      const identities = await loadIdentities([args.identity], {
        passphraseFile: args["passphrase-file"],
        passphraseFd: parseIntegerFlag("--passphrase-fd", args["passphrase-fd"], { min: 0, max: 65535 }),
      });
      try {
        const id = identities.find(
          (i) => i instanceof MlKem768X25519Identity || i instanceof SmemMlKem768Identity,
        );
        if (!id) throw new UsageError(`${args.identity} holds no X-Wing or ML-KEM-768 identity`);
        const expected =
          id instanceof MlKem768X25519Identity ? XWING_CIPHERTEXT_BYTES : MLKEM768_CIPHERTEXT_BYTES;
        if (cipherText.length !== expected) {
          throw new UsageError(
            `ciphertext is ${cipherText.length} bytes; this identity's KEM takes ${expected} (wrong file or key type?)`,
          );
        }
        // A ciphertext made for another key decapsulates to an unrelated secret (implicit
        // rejection): the KEM cannot tell, only a later use of the secret can.
        using secret = id.decapsulate(cipherText);
        writeSecret(target, secret);
      } finally {
        for (const i of identities) i.destroy();
      }
    }),
  },
  ["smem kem decaps -i backup-key.age secret.ct --secret-out secret.key"],
);
