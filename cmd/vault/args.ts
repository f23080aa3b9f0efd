// Flags the vault verbs share. Kept free of heavy imports: `smem vault has` loads this file.
import type { ArgsDef } from "citty";
import { UsageError } from "../../core/errors";
import { resolveVaultDir } from "../../core/vault/layout";

export const vaultArg = {
  vault: {
    type: "string",
    valueHint: "DIR",
    description: "The vault directory (default: $SMEM_VAULT, else $XDG_DATA_HOME/smem/vault)",
  },
} as const satisfies ArgsDef;

export const nameArg = {
  name: { type: "positional", description: "The entry's name", required: false },
} as const satisfies ArgsDef;

export const identityArg = {
  identity: {
    type: "string",
    alias: "i",
    valueHint: "FILE",
    description: "Use the identity file FILE (the passphrase flags unlock it if it is encrypted)",
  },
} as const satisfies ArgsDef;

export const kdfArgs = {
  memory: {
    type: "string",
    valueHint: "KiB",
    description: "Argon2id memory for the passphrase (default 65536)",
  },
  iterations: { type: "string", valueHint: "N", description: "Argon2id passes (default 3)" },
  rounds: { type: "string", valueHint: "N", description: "SHA3-256 rounds after Argon2id (default 1000)" },
} as const satisfies ArgsDef;

export function vaultDir(args: { vault?: string }): string {
  return resolveVaultDir(args.vault);
}

/** The positional NAME, required. */
export function requireName(args: { name?: string }): string {
  if (args.name === undefined || args.name === "") throw new UsageError("missing NAME (see --help)");
  return args.name;
}
