import { type KeyIdentity, recipientString } from "../../core/age/keys";
import { hardenProcess } from "../../core/process-guard";
import { writeStdout } from "../../core/stdio";
import { defineSmemCommand, globalArgs, parseIntegerFlag, passphraseArgs, runCommand } from "../common";
import { loadIdentities } from "../identities";

export default defineSmemCommand(
  {
    meta: { name: "pubkey", description: "Print the recipient of each identity in an identity file" },
    args: {
      file: {
        type: "positional",
        required: false,
        valueHint: "FILE",
        description: "Identity file (default stdin)",
      },
      ...passphraseArgs,
      ...globalArgs,
    },
    run: runCommand(async ({ args }) => {
      hardenProcess();
      const identities: KeyIdentity[] = await loadIdentities([args.file ?? "-"], {
        passphraseFile: args["passphrase-file"],
        passphraseFd: parseIntegerFlag("--passphrase-fd", args["passphrase-fd"], { min: 0, max: 65535 }),
      });
      try {
        writeStdout(identities.map((i) => `${recipientString(i.recipient())}\n`).join(""));
      } finally {
        for (const i of identities) i.destroy();
      }
    }),
  },
  ["smem kem pubkey backup-key.age > backup.pub", "smem kem pubkey --passphrase-file pw.txt key.age"],
);
