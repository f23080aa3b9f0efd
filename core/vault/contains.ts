// The vault's questions that need no key: does an entry exist (`has`), and how many are there
// and how big (`stats`). Nothing is decrypted, and this module loads neither the shim nor any
// cryptography beyond node:crypto's HMAC, so `smem vault has` starts fast.
import { statSync } from "node:fs";
import { errnoOf, fileSize, ioError, readStable, readVersionFile } from "./layout";
import { entryFileName, validateName } from "./names";

/** age's stanza type for the vault's recipient (X-Wing: ML-KEM-768 + X25519). */
export const VAULT_KEM_TYPE = "mlkem768x25519";
/** Every entry is an age v1 file (ChaCha20-Poly1305 STREAM payload). */
export const VAULT_ENCRYPTION_TYPE = "age-v1";

/** Whether an entry for `name` exists. */
export function hasEntry(root: string, name: string): boolean {
  validateName(name);
  readVersionFile(root);
  const found = readStable(root, (g) => {
    try {
      statSync(g.entryPath(entryFileName(g.readSalt(), name)));
      return true;
    } catch (err) {
      if (errnoOf(err) === "ENOENT") return null;
      throw ioError("cannot read the vault", err);
    }
  });
  return found ?? false;
}

export interface VaultStats {
  items_count: number;
  /** Bytes of the entry files on disk (encrypted, so a little more than the values). */
  total_size_bytes: number;
  encryption_type: string;
  kem_type: string;
  directory_path: string;
  created: string;
}

/** Counts and sizes only: never a name or a value. */
export function vaultStats(root: string): VaultStats {
  const info = readVersionFile(root);
  // An entry removed between the listing and the stat is simply not counted.
  const sizes =
    readStable(root, (g) =>
      g
        .listEntryFiles()
        .map((f) => fileSize(g.entryPath(f)))
        .filter((n) => n !== null),
    ) ?? [];
  return {
    items_count: sizes.length,
    total_size_bytes: sizes.reduce((a, b) => a + b, 0),
    encryption_type: VAULT_ENCRYPTION_TYPE,
    kem_type: VAULT_KEM_TYPE,
    directory_path: root,
    created: info.created,
  };
}
