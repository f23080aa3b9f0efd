// `smem vault get NAME`: the value, to stdout (never to a terminal unless --show) or to -o FILE
// (atomic, mode 0600). Needs the vault passphrase or --identity.
import { writeSync } from "node:fs";
import { writeFileAtomic } from "../../core/atomic-file";
import { IoError, UsageError } from "../../core/errors";
import { hardenProcess } from "../../core/process-guard";
import { getEntry } from "../../core/vault/store";
import { defineSmemCommand, globalArgs, outputArg, passphraseArgs, runCommand } from "../common";
import { identityArg, nameArg, requireName, vaultArg, vaultDir } from "./args";
import { resolveUnlock } from "./unlock";

/** Writes every byte, waiting out EAGAIN (a stdout someone left non-blocking). */
function writeAll(fd: number, bytes: Uint8Array): void {
  let offset = 0;
  while (offset < bytes.length) {
    try {
      offset += writeSync(fd, bytes, offset, bytes.length - offset);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === "EAGAIN" || code === "EINTR") {
        Bun.sleepSync(1);
        continue;
      }
      throw new IoError(`cannot write the value: ${code ?? err}`);
    }
  }
}

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
      if (args.output === undefined && process.stdout.isTTY && !args.show) {
        throw new UsageError(
          "refusing to print a secret to the terminal: pass --show, or use -o FILE or a pipe",
        );
      }
      using unlock = await resolveUnlock(root, args);
      const { plain, value } = getEntry(root, name, unlock);
      try {
        if (args.output !== undefined) writeFileAtomic(args.output, value);
        else writeAll(1, value);
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
