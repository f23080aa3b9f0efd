// `smem vault rm NAME`: deletes the entry (exit 6 when there is none). No passphrase needed.
import { removeEntry } from "../../core/vault/store";
import { defineSmemCommand, globalArgs, runCommand } from "../common";
import { nameArg, requireName, vaultArg, vaultDir } from "./args";

export default defineSmemCommand(
  {
    meta: { name: "rm", description: "Delete the entry NAME (exit 6 if there is none)" },
    args: { ...nameArg, ...vaultArg, ...globalArgs },
    run: runCommand(({ args }) => {
      removeEntry(vaultDir(args), requireName(args));
    }),
  },
  ["smem vault rm old-token"],
);
