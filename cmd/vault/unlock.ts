// How a reading verb gets the key: `--identity FILE` (an identity file, itself maybe encrypted:
// then the passphrase flags are its passphrase), else the vault passphrase that opens
// identity.age (--passphrase-file, --passphrase-fd, SMEM_PASSPHRASE, or a no-echo prompt).
import { UsageError } from "../../core/errors";
import { resolvePassphrase } from "../../core/secret-input";
import type { Unlock } from "../../core/vault/keys";
import { currentGeneration } from "../../core/vault/layout";
import { parseIntegerFlag } from "../common";
import { loadIdentities } from "../identities";

export interface UnlockArgs {
  identity?: string;
  "passphrase-file"?: string;
  "passphrase-fd"?: string;
}

function passphraseFd(args: UnlockArgs): number | undefined {
  return parseIntegerFlag("--passphrase-fd", args["passphrase-fd"], { min: 0, max: 2 ** 31 - 1 });
}

/** The identities of an identity file (decrypted with the passphrase flags when encrypted). */
export function identitiesFromFile(path: string, args: UnlockArgs) {
  return loadIdentities([path], {
    passphraseFile: args["passphrase-file"],
    passphraseFd: passphraseFd(args),
  });
}

/** An Unlock for the vault at `root`, disposable (wipes the passphrase or the identities). */
export async function resolveUnlock(root: string, args: UnlockArgs): Promise<Unlock & Disposable> {
  if (args.identity !== undefined) {
    const identities = await identitiesFromFile(args.identity, args);
    return {
      identities,
      [Symbol.dispose]: () => {
        for (const i of identities) i.destroy();
      },
    };
  }
  if (currentGeneration(root).readIdentityFile() === null) {
    throw new UsageError("this vault keeps no identity (it was made with --identity): pass --identity FILE");
  }
  const passphrase = await resolvePassphrase({
    file: args["passphrase-file"],
    fd: passphraseFd(args),
    prompt: "Vault passphrase: ",
  });
  return { passphrase, [Symbol.dispose]: () => passphrase.destroy() };
}
