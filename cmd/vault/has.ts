// `smem vault has NAME`: exit 0 if the entry exists, 1 if not; prints nothing.
import { hasEntry } from "../../core/vault/contains";
import { defineSmemCommand, globalArgs, runCommand } from "../common";
import { nameArg, requireName, vaultArg, vaultDir } from "./args";

export default defineSmemCommand(
  {
    meta: { name: "has", description: "Exit 0 if NAME is in the vault, 1 if not (prints nothing)" },
    args: { ...nameArg, ...vaultArg, ...globalArgs },
    run: runCommand(({ args }) => {
      if (!hasEntry(vaultDir(args), requireName(args))) process.exit(1);
    }),
  },
  ["smem vault has db-password && echo stored"],
);
