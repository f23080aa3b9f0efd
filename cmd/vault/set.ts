// `smem vault set NAME`: stores a value read from stdin (every byte, as is) or, on a terminal,
// typed twice at a no-echo prompt. Only the vault's public recipient is used: no passphrase.
import { hardenProcess } from "../../core/process-guard";
import { promptPassphrase, readSecretFromFd } from "../../core/secret-input";
import { isTerminal } from "../../core/terminal";
import { MAX_VALUE_BYTES } from "../../core/vault/entry";
import { setEntry } from "../../core/vault/store";
import { defineSmemCommand, globalArgs, runCommand } from "../common";
import { nameArg, requireName, vaultArg, vaultDir } from "./args";

export default defineSmemCommand(
  {
    meta: {
      name: "set",
      description:
        "Store a value under NAME (from stdin, or a no-echo prompt on a terminal); no passphrase needed",
    },
    args: { ...nameArg, ...vaultArg, ...globalArgs },
    run: runCommand(async ({ args }) => {
      hardenProcess();
      const name = requireName(args);
      const root = vaultDir(args);
      using value = isTerminal(0)
        ? await promptPassphrase(`Value for '${name}': `, { confirm: "Again: " })
        : readSecretFromFd(0, { maxBytes: MAX_VALUE_BYTES });
      setEntry(root, name, value.bytes());
    }),
  },
  ['printf %s "$TOKEN" | smem vault set api-token', "smem vault set db-password   # prompts twice"],
);
