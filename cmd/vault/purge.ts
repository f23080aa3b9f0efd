// `smem vault purge`: deletes every entry at once (the vault and its keys stay). Asks first on a
// terminal; elsewhere it needs --force.
import { closeSync, openSync, readSync, writeSync } from "node:fs";
import { EnvironmentError, UsageError } from "../../core/errors";
import { isTerminal } from "../../core/terminal";
import { vaultStats } from "../../core/vault/contains";
import { purgeVault } from "../../core/vault/store";
import { defineSmemCommand, globalArgs, info, runCommand } from "../common";
import { vaultArg, vaultDir } from "./args";

/** Asks on the terminal; true only for an answer starting with y or Y. */
function confirmOnTerminal(question: string): boolean {
  let tty: number;
  try {
    tty = openSync("/dev/tty", "r+");
  } catch {
    throw new EnvironmentError("a terminal is required to confirm; pass --force");
  }
  try {
    writeSync(tty, question);
    const answer = new Uint8Array(64);
    const n = readSync(tty, answer, 0, answer.length, null);
    return n > 0 && (answer[0] === 0x79 || answer[0] === 0x59);
  } finally {
    closeSync(tty);
  }
}

export default defineSmemCommand(
  {
    meta: { name: "purge", description: "Delete every entry in the vault (asks first unless --force)" },
    args: { ...vaultArg, force: { type: "boolean", description: "Do not ask" }, ...globalArgs },
    run: runCommand(({ args }) => {
      const root = vaultDir(args);
      if (!args.force) {
        if (!isTerminal(0))
          throw new UsageError("purge deletes every entry: pass --force when not on a terminal");
        const count = vaultStats(root).items_count;
        if (!confirmOnTerminal(`Delete all ${count} entries of the vault at ${root}? [y/N] `)) {
          throw new UsageError("purge cancelled");
        }
      }
      const removed = purgeVault(root);
      info(`smem: removed ${removed} ${removed === 1 ? "entry" : "entries"}`);
    }),
  },
  ["smem vault purge", "smem vault purge --force"],
);
