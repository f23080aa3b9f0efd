// How a reading verb gets the key: `--identity FILE`, else the vault passphrase (--passphrase-file,
// --passphrase-fd, SMEM_PASSPHRASE, or a no-echo prompt).
import { closeSync, openSync } from "node:fs";
import type { KeyIdentity } from "../../core/age/keys";
import { NotFoundError, UsageError } from "../../core/errors";
import type { LockedBuffer } from "../../core/locked-buffer";
import { readSecretFromFd, resolvePassphrase } from "../../core/secret-input";
import { readIdentities, type Unlock } from "../../core/vault/keys";
import { currentGeneration } from "../../core/vault/layout";
import { parseIntegerFlag } from "../common";

/** Identity files are small; anything bigger is not one. */
const MAX_IDENTITY_FILE_BYTES = 1 << 20;

/** Reads an identity file into locked memory and parses it (the caller destroys the identities). */
export function loadIdentityFile(path: string): KeyIdentity[] {
  let fd: number;
  try {
    fd = openSync(path, "r");
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === "ENOENT") throw new NotFoundError(`identity file not found: ${path}`);
    throw new UsageError(`cannot open the identity file ${path}: ${code ?? err}`);
  }
  try {
    using text = readSecretFromFd(fd, { maxBytes: MAX_IDENTITY_FILE_BYTES });
    return readIdentities(text, path);
  } finally {
    closeSync(fd);
  }
}

export interface UnlockArgs {
  identity?: string;
  "passphrase-file"?: string;
  "passphrase-fd"?: string;
}

/** An Unlock for the vault at `root`, disposable (wipes the passphrase or the identities). */
export async function resolveUnlock(root: string, args: UnlockArgs): Promise<Unlock & Disposable> {
  if (args.identity !== undefined) {
    if (args["passphrase-file"] !== undefined || args["passphrase-fd"] !== undefined) {
      throw new UsageError("use either --identity or a passphrase, not both");
    }
    const identities = loadIdentityFile(args.identity);
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
  const passphrase: LockedBuffer = await resolvePassphrase({
    file: args["passphrase-file"],
    fd: parseIntegerFlag("--passphrase-fd", args["passphrase-fd"], { min: 0, max: 2 ** 31 - 1 }),
    prompt: "Vault passphrase: ",
  });
  return { passphrase, [Symbol.dispose]: () => passphrase.destroy() };
}
