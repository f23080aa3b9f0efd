// Where a vault lives and what is in it (docs/FORMAT.md, "smem vault"):
//
//   VAULT/                  mode 0700
//     version               {"format":"smem-vault","version":1,"created":"<ISO 8601 UTC>"}
//     lock                  empty; writers hold an advisory lock on it (./lock.ts)
//     current               "g-<32 hex>\n": the live generation
//     g-<32 hex>/           one generation: everything keyed to one identity
//       salt                32 random bytes, the HMAC key for entry file names
//       recipient           the vault's public recipient string (age1pq1…) and a newline
//       identity.age        the identity, encrypted to the passphrase (absent with --identity)
//       entries/<64 hex>.age
//
// Generations make rekey and purge all or nothing: the new one is built beside the old one and
// `current` is replaced by one atomic rename. Readers resolve `current` once and retry when it
// moved under them (readStable), so they need no lock.
import { readdirSync, readFileSync, statSync } from "node:fs";
import { homedir } from "node:os";
import { isAbsolute, join, resolve } from "node:path";
import { AuthError, IoError, NotFoundError } from "../errors";
import { ENTRY_FILE_PATTERN } from "./names";

export const VAULT_FORMAT = "smem-vault";
export const VAULT_VERSION = 1;
export const SALT_BYTES = 32;
export const GENERATION_PATTERN = /^g-[0-9a-f]{32}$/;
/** Files AtomicFile leaves behind only if its writer was killed (it removes them otherwise). */
export const TEMP_FILE_PATTERN = /^\..*\.smem-tmp$/;

export const VAULT_FILES = {
  version: "version",
  lock: "lock",
  current: "current",
} as const;

export const GENERATION_FILES = {
  salt: "salt",
  recipient: "recipient",
  identity: "identity.age",
  entries: "entries",
} as const;

/** `--vault DIR`, else $SMEM_VAULT, else $XDG_DATA_HOME/smem/vault (~/.local/share/smem/vault). */
export function resolveVaultDir(flag?: string): string {
  if (flag) return resolve(flag);
  const fromEnv = process.env.SMEM_VAULT;
  if (fromEnv) return resolve(fromEnv);
  const xdg = process.env.XDG_DATA_HOME;
  if (xdg && isAbsolute(xdg)) return join(xdg, "smem", "vault");
  if (process.platform === "win32" && process.env.LOCALAPPDATA) {
    return join(process.env.LOCALAPPDATA, "smem", "vault");
  }
  return join(homedir(), ".local", "share", "smem", "vault");
}

export function errnoOf(err: unknown): string | undefined {
  return (err as NodeJS.ErrnoException)?.code;
}

/** IoError naming the errno; the original error stays as `cause` (readStable looks for ENOENT). */
export function ioError(what: string, err: unknown): IoError {
  const e = new IoError(`${what}: ${errnoOf(err) ?? (err as Error)?.message ?? String(err)}`);
  e.cause = err;
  return e;
}

export interface VaultInfo {
  format: string;
  version: number;
  created: string;
}

export function encodeVersionFile(created: Date): Uint8Array {
  const info: VaultInfo = { format: VAULT_FORMAT, version: VAULT_VERSION, created: created.toISOString() };
  return new TextEncoder().encode(`${JSON.stringify(info)}\n`);
}

/** The version file; NotFoundError when there is no vault at `root`. */
export function readVersionFile(root: string): VaultInfo {
  let text: string;
  try {
    text = readFileSync(join(root, VAULT_FILES.version), "utf8");
  } catch (err) {
    if (errnoOf(err) === "ENOENT" || errnoOf(err) === "ENOTDIR") {
      throw new NotFoundError(`no vault at ${root} (create one with 'smem vault init')`);
    }
    throw ioError(`cannot read the vault at ${root}`, err);
  }
  let info: Partial<VaultInfo>;
  try {
    info = JSON.parse(text) as Partial<VaultInfo>;
  } catch {
    throw new AuthError(`vault is corrupt: ${join(root, VAULT_FILES.version)} is not JSON`);
  }
  if (info.format !== VAULT_FORMAT || typeof info.created !== "string") {
    throw new AuthError(
      `vault is corrupt: ${join(root, VAULT_FILES.version)} is not a smem vault version file`,
    );
  }
  if (info.version !== VAULT_VERSION) {
    throw new AuthError(
      `vault format version ${info.version} is not supported (this smem reads ${VAULT_VERSION})`,
    );
  }
  return info as VaultInfo;
}

/** One generation's paths. */
export class Generation {
  readonly dir: string;
  readonly entries: string;

  constructor(
    readonly root: string,
    readonly name: string,
  ) {
    this.dir = join(root, name);
    this.entries = join(this.dir, GENERATION_FILES.entries);
  }

  file(which: keyof typeof GENERATION_FILES): string {
    return join(this.dir, GENERATION_FILES[which]);
  }

  entryPath(fileName: string): string {
    return join(this.entries, fileName);
  }

  readSalt(): Uint8Array {
    const path = this.file("salt");
    let salt: Uint8Array;
    try {
      salt = readFileSync(path);
    } catch (err) {
      throw ioError(`cannot read ${path}`, err);
    }
    if (salt.length !== SALT_BYTES)
      throw new AuthError(`vault is corrupt: ${path} is not ${SALT_BYTES} bytes`);
    return salt;
  }

  readRecipient(): string {
    const path = this.file("recipient");
    try {
      return readFileSync(path, "utf8").trim();
    } catch (err) {
      throw ioError(`cannot read ${path}`, err);
    }
  }

  /** The encrypted identity file, or null for a vault made with --identity. */
  readIdentityFile(): Uint8Array | null {
    const path = this.file("identity");
    try {
      return readFileSync(path);
    } catch (err) {
      if (errnoOf(err) === "ENOENT") return null;
      throw ioError(`cannot read ${path}`, err);
    }
  }

  /** The entry file names (excluding temp files of writers that died). */
  listEntryFiles(): string[] {
    try {
      return readdirSync(this.entries).filter((f) => ENTRY_FILE_PATTERN.test(f));
    } catch (err) {
      throw ioError(`cannot list ${this.entries}`, err);
    }
  }
}

export function readCurrentName(root: string): string {
  const path = join(root, VAULT_FILES.current);
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (err) {
    if (errnoOf(err) === "ENOENT") {
      // The version file is written last by init: no version file means no vault.
      readVersionFile(root);
      throw new AuthError(`vault is corrupt: ${path} is missing`);
    }
    throw ioError(`cannot read ${path}`, err);
  }
  const name = text.trim();
  if (!GENERATION_PATTERN.test(name)) throw new AuthError(`vault is corrupt: ${path} names no generation`);
  return name;
}

export function currentGeneration(root: string): Generation {
  return new Generation(root, readCurrentName(root));
}

/**
 * Runs a lock-free read against the current generation. When `fn` reports the entry absent
 * (returns null) or a file vanished (ENOENT), and `current` moved meanwhile (a rekey or purge
 * switched generations), it runs again against the new one.
 */
export function readStable<T>(root: string, fn: (g: Generation) => T | null): T | null {
  for (let attempt = 0; ; attempt++) {
    const g = currentGeneration(root);
    let result: T | null;
    try {
      result = fn(g);
    } catch (err) {
      if (attempt < 4 && vanished(err) && readCurrentName(root) !== g.name) continue;
      throw err;
    }
    if (result !== null || attempt >= 4 || readCurrentName(root) === g.name) return result;
  }
}

function vanished(err: unknown): boolean {
  if (errnoOf(err) === "ENOENT") return true;
  const cause = (err as { cause?: unknown })?.cause;
  return cause !== undefined && errnoOf(cause) === "ENOENT";
}

/** Size of a file, or null when it does not exist. */
export function fileSize(path: string): number | null {
  try {
    return statSync(path).size;
  } catch (err) {
    if (errnoOf(err) === "ENOENT") return null;
    throw ioError(`cannot stat ${path}`, err);
  }
}
