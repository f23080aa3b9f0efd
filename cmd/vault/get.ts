// `smem vault get NAME`: the value, to stdout (never to a terminal unless --show) or to -o FILE
// (atomic, mode 0600). Needs the vault passphrase or --identity.
import { writeFileAtomic } from "../../core/atomic-file";
import { UsageError } from "../../core/errors";
import { writeAllSync } from "../../core/fd-output";
import { hardenProcess } from "../../core/process-guard";
import { isTerminal } from "../../core/terminal";
import { getEntry } from "../../core/vault/store";
import { defineSmemCommand, globalArgs, outputArg, passphraseArgs, runCommand } from "../common";
import { identityArg, nameArg, requireName, vaultArg, vaultDir } from "./args";
import { resolveUnlock } from "./unlock";

export default defineSmemCommand(
  {
    meta: { name: "get", description: "Print the value stored under NAME (needs the vault passphrase)" },
    args: {
      ...nameArg,
      ...vaultArg,
      ...passphraseArgs,
      ...identityArg,
      ...outputArg,
      show: { type: "boolean", description: "Allow printing the value to a terminal" },
      ...globalArgs,
    },
    run: runCommand(async ({ args }) => {
      hardenProcess();
      const name = requireName(args);
      const root = vaultDir(args);
      if (args.output === undefined && isTerminal(1) && !args.show) {
        throw new UsageError(
          "refusing to print a secret to the terminal: pass --show, or use -o FILE or a pipe",
        );
      }
      using unlock = await resolveUnlock(root, args);
      const { plain, value } = getEntry(root, name, unlock);
      try {
        if (args.output !== undefined) writeFileAtomic(args.output, value);
        else writeAllSync(1, value, "stdout");
      } finally {
        plain.destroy();
      }
    }),
  },
  [
    "smem vault get db-password --passphrase-file ~/.vault-pass | psql ...",
    "smem vault get api-token -o token.txt",
    "smem vault get api-token --show",
  ],
);
