// `smem vault init`: creates the vault (mode 0700) with a new X-Wing identity encrypted under a
// passphrase, or around an identity the user keeps (--identity FILE: only its recipient is stored).
import { hardenProcess } from "../../core/process-guard";
import { resolvePassphrase } from "../../core/secret-input";
import { keysFromIdentityFile, newPassphraseKeys, type VaultKeys } from "../../core/vault/keys";
import { initVault } from "../../core/vault/store";
import { defineSmemCommand, globalArgs, info, parseIntegerFlag, passphraseArgs, runCommand } from "../common";
import { identityArg, kdfArgs, vaultArg, vaultDir } from "./args";
import { kdfFromFlags } from "./kdf-flags";
import { identitiesFromFile } from "./unlock";

export default defineSmemCommand(
  {
    meta: { name: "init", description: "Create a vault protected by a passphrase (or by --identity FILE)" },
    args: { ...vaultArg, ...passphraseArgs, ...identityArg, ...kdfArgs, ...globalArgs },
    run: runCommand(async ({ args }) => {
      hardenProcess();
      const root = vaultDir(args);
      let keys: VaultKeys;
      if (args.identity !== undefined) {
        const identities = await identitiesFromFile(args.identity, args);
        try {
          keys = keysFromIdentityFile(identities, args.identity);
        } finally {
          for (const i of identities) i.destroy();
        }
      } else {
        const kdf = kdfFromFlags(args);
        using passphrase = await resolvePassphrase({
          file: args["passphrase-file"],
          fd: parseIntegerFlag("--passphrase-fd", args["passphrase-fd"], { min: 0, max: 2 ** 31 - 1 }),
          confirm: true,
          prompt: "New vault passphrase: ",
        });
        keys = newPassphraseKeys(passphrase, kdf);
      }
      initVault(root, keys);
      info(`smem: created a vault at ${root}`);
    }),
  },
  [
    "smem vault init                       # asks for a passphrase twice",
    "smem vault init --passphrase-file ~/.vault-pass",
    "smem kem keygen -o key.age && smem vault init --identity key.age",
  ],
);
