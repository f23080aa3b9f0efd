// `smem vault ls`: every name, one per line, sorted (names are stored encrypted, so this needs
// the vault passphrase or --identity).
import { hardenProcess } from "../../core/process-guard";
import { writeStdout } from "../../core/stdio";
import { listNames } from "../../core/vault/store";
import { defineSmemCommand, globalArgs, passphraseArgs, runCommand } from "../common";
import { identityArg, vaultArg, vaultDir } from "./args";
import { resolveUnlock } from "./unlock";

export default defineSmemCommand(
  {
    meta: { name: "ls", description: "List the names in the vault, one per line (needs the passphrase)" },
    args: { ...vaultArg, ...passphraseArgs, ...identityArg, ...globalArgs },
    run: runCommand(async ({ args }) => {
      hardenProcess();
      const root = vaultDir(args);
      using unlock = await resolveUnlock(root, args);
      const names = listNames(root, unlock);
      if (names.length > 0) writeStdout(`${names.join("\n")}\n`);
    }),
  },
  ["smem vault ls --passphrase-file ~/.vault-pass"],
);
