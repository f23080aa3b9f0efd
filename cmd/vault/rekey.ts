// `smem vault rekey`: a new X-Wing identity (and a new name salt), every entry re-encrypted to
// it, all or nothing. By default the new identity is kept under the same passphrase;
// --new-passphrase-file changes it, --new-identity FILE switches to an identity the user keeps.
import { UsageError } from "../../core/errors";
import type { LockedBuffer } from "../../core/locked-buffer";
import { hardenProcess } from "../../core/process-guard";
import { readPassphraseFile, resolvePassphrase } from "../../core/secret-input";
import { keysFromIdentityFile, newPassphraseKeys, type VaultKeys } from "../../core/vault/keys";
import { rekeyVault } from "../../core/vault/store";
import { defineSmemCommand, globalArgs, info, passphraseArgs, runCommand } from "../common";
import { identityArg, kdfArgs, vaultArg, vaultDir } from "./args";
import { kdfFromFlags } from "./kdf-flags";
import { identitiesFromFile, resolveUnlock } from "./unlock";

export default defineSmemCommand(
  {
    meta: { name: "rekey", description: "Re-encrypt every entry to a new identity, all or nothing" },
    args: {
      ...vaultArg,
      ...passphraseArgs,
      ...identityArg,
      "new-passphrase-file": {
        type: "string",
        valueHint: "FILE",
        description: "Protect the new identity with the passphrase in FILE (default: the current one)",
      },
      "new-identity": {
        type: "string",
        valueHint: "FILE",
        description: "Re-encrypt to the X-Wing identity in FILE, which you keep (none is stored)",
      },
      ...kdfArgs,
      ...globalArgs,
    },
    run: runCommand(async ({ args }) => {
      hardenProcess();
      const root = vaultDir(args);
      if (args["new-identity"] !== undefined && args["new-passphrase-file"] !== undefined) {
        throw new UsageError("use either --new-identity or --new-passphrase-file, not both");
      }
      const kdf = kdfFromFlags(args);
      using unlock = await resolveUnlock(root, args);
      let newPassphrase: LockedBuffer | null = null;
      try {
        let makeKeys: () => VaultKeys;
        const newIdentity = args["new-identity"];
        if (newIdentity !== undefined) {
          // Its own passphrase, if encrypted, is asked for at the prompt.
          const identities = await identitiesFromFile(newIdentity, {});
          const keys = (() => {
            try {
              return keysFromIdentityFile(identities, newIdentity);
            } finally {
              for (const i of identities) i.destroy();
            }
          })();
          makeKeys = () => keys;
        } else {
          if (args["new-passphrase-file"] !== undefined) {
            newPassphrase = readPassphraseFile(args["new-passphrase-file"]);
          } else if (!("passphrase" in unlock)) {
            newPassphrase = await resolvePassphrase({ confirm: true, prompt: "New vault passphrase: " });
          }
          const pass = newPassphrase ?? (unlock as { passphrase: LockedBuffer }).passphrase;
          if (pass.size === 0) throw new UsageError("the new passphrase is empty");
          makeKeys = () => newPassphraseKeys(pass, kdf);
        }
        const count = rekeyVault(root, unlock, makeKeys);
        info(`smem: re-encrypted ${count} ${count === 1 ? "entry" : "entries"} to a new identity`);
      } finally {
        newPassphrase?.destroy();
      }
    }),
  },
  [
    "smem vault rekey --passphrase-file ~/.vault-pass",
    "smem vault rekey --passphrase-file old.txt --new-passphrase-file new.txt",
  ],
);
