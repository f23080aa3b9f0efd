// `smem vault stats`: JSON counts and sizes, never a name or a value. No passphrase needed.

import { writeStdout } from "../../core/stdio";
import { vaultStats } from "../../core/vault/contains";
import { defineSmemCommand, globalArgs, runCommand } from "../common";
import { vaultArg, vaultDir } from "./args";

export default defineSmemCommand(
  {
    meta: { name: "stats", description: "Print the entry count, sizes, algorithms and location as JSON" },
    args: { ...vaultArg, ...globalArgs },
    run: runCommand(({ args }) => {
      writeStdout(`${JSON.stringify(vaultStats(vaultDir(args)), null, 2)}\n`);
    }),
  },
  ["smem vault stats | jq .items_count"],
);
