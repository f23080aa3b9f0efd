// The vault's operations (memguard_core's store / retrieve / contains / delete / getStats /
// cleanupAll, plus init and rekey). Layout and generations: ./layout.ts; entry plaintext:
// ./entry.ts; keys: ./keys.ts.
//
// Writers (init, set, rm, purge, rekey) hold the vault lock for their whole read-modify-write and
// write every file atomically, so readers — which take no lock — see each entry either old or new.
// Because writers are serialised, any temp file or stray generation seen under the lock belongs to
// a writer that died: writers sweep them.
import {
  chmodSync,
  closeSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  unlinkSync,
} from "node:fs";
import { dirname, join } from "node:path";
import { AtomicFile, writeFileAtomic } from "../atomic-file";
import { toHex } from "../bytes";
import { AuthError, NotFoundError, UsageError } from "../errors";
import type { LockedBuffer } from "../locked-buffer";
import { randomBytes } from "../random";
import { encodeEntry, entryName, entryValue } from "./entry";
import { type Unlock, unlockIdentities, type VaultKeys, vaultRecipient } from "./keys";
import {
  currentGeneration,
  encodeVersionFile,
  errnoOf,
  GENERATION_PATTERN,
  Generation,
  ioError,
  readStable,
  readVersionFile,
  SALT_BYTES,
  TEMP_FILE_PATTERN,
  VAULT_FILES,
} from "./layout";
import { VaultLock } from "./lock";
import { entryFileName, validateName } from "./names";
import { openBytes, sealBytes } from "./sealing";

const DIR_MODE = 0o700;

function lockVault(root: string): VaultLock {
  readVersionFile(root);
  return VaultLock.acquire(join(root, VAULT_FILES.lock));
}

function syncDir(dir: string): void {
  if (process.platform === "win32") return;
  let fd: number | null = null;
  try {
    fd = openSync(dir, "r");
    fsyncSync(fd);
  } catch {
    // Some filesystems refuse fsync on directories.
  } finally {
    if (fd !== null) closeSync(fd);
  }
}

function removeQuietly(path: string): void {
  try {
    rmSync(path, { recursive: true, force: true });
  } catch {
    // Best effort: a leftover is swept by the next writer.
  }
}

/** Under the lock: removes temp files and generations left by writers that died. */
function sweep(root: string, live: Generation): void {
  for (const name of safeReaddir(root)) {
    if (TEMP_FILE_PATTERN.test(name) || (GENERATION_PATTERN.test(name) && name !== live.name)) {
      removeQuietly(join(root, name));
    }
  }
  for (const name of safeReaddir(live.entries)) {
    if (TEMP_FILE_PATTERN.test(name)) removeQuietly(join(live.entries, name));
  }
}

function safeReaddir(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

/** Builds a generation directory (not yet live) holding the keys and an empty entries/. */
function createGeneration(
  root: string,
  keys: VaultKeys,
  salt: Uint8Array = randomBytes(SALT_BYTES),
): Generation {
  const g = new Generation(root, `g-${toHex(randomBytes(16))}`);
  try {
    mkdirSync(g.dir, { mode: DIR_MODE });
    mkdirSync(g.entries, { mode: DIR_MODE });
    writeFileAtomic(g.file("salt"), salt);
    writeFileAtomic(g.file("recipient"), new TextEncoder().encode(`${keys.recipient}\n`));
    if (keys.identityFile !== null) writeFileAtomic(g.file("identity"), keys.identityFile);
  } catch (err) {
    removeQuietly(g.dir);
    throw err;
  }
  return g;
}

/** Makes `g` the live generation (one atomic rename), then removes the one it replaced. */
function switchTo(root: string, g: Generation, previous: Generation | null): void {
  syncDir(g.entries);
  syncDir(g.dir);
  writeFileAtomic(join(root, VAULT_FILES.current), new TextEncoder().encode(`${g.name}\n`));
  if (previous !== null) removeQuietly(previous.dir);
}

// ---- init -------------------------------------------------------------------------------------

/** What may already be in a directory init is asked to use: leftovers of an init that died. */
function isInitLeftover(name: string): boolean {
  return (
    name === VAULT_FILES.lock ||
    name === VAULT_FILES.current ||
    GENERATION_PATTERN.test(name) ||
    TEMP_FILE_PATTERN.test(name)
  );
}

export function initVault(root: string, keys: VaultKeys): void {
  try {
    mkdirSync(dirname(root), { recursive: true, mode: DIR_MODE });
    mkdirSync(root, { mode: DIR_MODE });
  } catch (err) {
    if (errnoOf(err) !== "EEXIST") throw ioError(`cannot create the vault directory ${root}`, err);
    if (!statSync(root).isDirectory()) throw new UsageError(`${root} exists and is not a directory`);
  }
  using _lock = VaultLock.acquire(join(root, VAULT_FILES.lock));
  const existing = readdirSync(root);
  if (existing.includes(VAULT_FILES.version)) throw new UsageError(`a vault already exists at ${root}`);
  const foreign = existing.find((name) => !isInitLeftover(name));
  if (foreign !== undefined) {
    throw new UsageError(`${root} is not empty (it holds '${foreign}'); choose an empty or new directory`);
  }
  for (const name of existing) if (name !== VAULT_FILES.lock) removeQuietly(join(root, name));
  try {
    chmodSync(root, DIR_MODE);
  } catch (err) {
    throw ioError(`cannot set the mode of ${root}`, err);
  }
  const g = createGeneration(root, keys);
  switchTo(root, g, null);
  // Written last: a vault exists exactly when its version file does.
  writeFileAtomic(join(root, VAULT_FILES.version), encodeVersionFile(new Date()));
  syncDir(root);
}

// ---- store / delete ------------------------------------------------------------------

/** Stores `value` under `name`, replacing any previous value. Needs only the public recipient. */
export function setEntry(root: string, name: string, value: Uint8Array): void {
  validateName(name);
  using _lock = lockVault(root);
  const g = currentGeneration(root);
  sweep(root, g);
  const recipient = vaultRecipient(g.readRecipient());
  using plain = encodeEntry(name, value);
  // The temp file exists from before encryption to the rename; a writer killed at any point in
  // between leaves the old entry in place and a temp file the next writer sweeps.
  using out = AtomicFile.create(g.entryPath(entryFileName(g.readSalt(), name)));
  out.write(sealBytes([recipient], plain.bytes()));
  out.commit();
}

/** Deletes the entry for `name`; NotFoundError (exit 6) when there is none. */
export function removeEntry(root: string, name: string): void {
  validateName(name);
  using _lock = lockVault(root);
  const g = currentGeneration(root);
  sweep(root, g);
  const path = g.entryPath(entryFileName(g.readSalt(), name));
  try {
    unlinkSync(path);
  } catch (err) {
    if (errnoOf(err) === "ENOENT") throw new NotFoundError(`no entry named '${name}' in the vault`);
    throw ioError(`cannot remove ${path}`, err);
  }
  syncDir(g.entries);
}

// ---- retrieve / list ---------------------------------------------------------------------------

function readEntryFile(path: string): Uint8Array | null {
  try {
    return readFileSync(path);
  } catch (err) {
    if (errnoOf(err) === "ENOENT") return null;
    throw ioError(`cannot read ${path}`, err);
  }
}

/**
 * The entry for `name`, decrypted: `plain` is the whole entry plaintext in locked memory (the
 * caller destroys it) and `value` a view of the value inside it. NotFoundError when absent;
 * AuthError when the file does not decrypt or holds another name.
 */
export function getEntry(
  root: string,
  name: string,
  unlock: Unlock,
): { plain: LockedBuffer; value: Uint8Array } {
  validateName(name);
  readVersionFile(root);
  // The identity file and the entry must come from the same generation (a rekey may switch).
  const found = readStable(root, (g) => {
    const file = readEntryFile(g.entryPath(entryFileName(g.readSalt(), name)));
    return file === null ? null : { file, identityFile: g.readIdentityFile() };
  });
  if (found === null) throw new NotFoundError(`no entry named '${name}' in the vault`);
  using identities = unlockIdentities(found.identityFile, unlock);
  const plain = openBytes(identities, found.file, `the vault entry '${name}'`);
  try {
    return { plain, value: entryValue(plain.bytes(), name) };
  } catch (err) {
    plain.destroy();
    throw err;
  }
}

interface Snapshot {
  generation: Generation;
  salt: Uint8Array;
  identityFile: Uint8Array | null;
  entries: { fileName: string; file: Uint8Array }[];
}

function snapshot(g: Generation): Snapshot {
  const entries = g.listEntryFiles().map((fileName) => {
    const file = readEntryFile(g.entryPath(fileName));
    return file === null ? null : { fileName, file };
  });
  return {
    generation: g,
    salt: g.readSalt(),
    identityFile: g.readIdentityFile(),
    entries: entries.filter((e) => e !== null),
  };
}

/** Decrypts each entry and checks its name hashes to its file name; calls `fn` with the plaintext. */
function forEachEntry(
  snap: Snapshot,
  identities: Parameters<typeof openBytes>[0],
  fn: (name: string, plain: Uint8Array) => void,
): void {
  for (const { fileName, file } of snap.entries) {
    using plain = openBytes(identities, file, `vault entry ${fileName}`);
    const name = entryName(plain.bytes());
    if (entryFileName(snap.salt, name) !== fileName) {
      throw new AuthError(
        `vault entry ${fileName} holds the name of another entry (swapped or renamed file)`,
      );
    }
    fn(name, plain.bytes());
  }
}

function byUtf8(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, "utf8"), Buffer.from(b, "utf8"));
}

/** Every name in the vault, sorted by UTF-8 bytes (as `LC_ALL=C sort`). */
export function listNames(root: string, unlock: Unlock): string[] {
  readVersionFile(root);
  const snap = readStable(root, snapshot) as Snapshot;
  using identities = unlockIdentities(snap.identityFile, unlock);
  const names: string[] = [];
  forEachEntry(snap, identities, (name) => names.push(name));
  return names.sort(byUtf8);
}

// ---- purge / rekey ---------------------------------------------------------------------

/** Removes every entry at once (a new, empty generation); returns how many there were. */
export function purgeVault(root: string): number {
  using _lock = lockVault(root);
  const old = currentGeneration(root);
  sweep(root, old);
  const count = old.listEntryFiles().length;
  const keys: VaultKeys = { recipient: old.readRecipient(), identityFile: old.readIdentityFile() };
  const g = createGeneration(root, keys);
  switchTo(root, g, old);
  return count;
}

/**
 * Re-encrypts every entry to new keys, all or nothing: the new generation is built beside the
 * old one and switched to with one rename, so a failure or crash midway leaves the old vault as
 * it was. Returns the number of entries re-encrypted.
 */
export function rekeyVault(root: string, unlock: Unlock, makeKeys: () => VaultKeys): number {
  using _lock = lockVault(root);
  const old = currentGeneration(root);
  sweep(root, old);
  const snap = snapshot(old);
  using identities = unlockIdentities(snap.identityFile, unlock);
  const keys = makeKeys();
  const recipient = vaultRecipient(keys.recipient);
  const salt = randomBytes(SALT_BYTES);
  const g = createGeneration(root, keys, salt);
  try {
    forEachEntry(snap, identities, (name, plain) => {
      writeFileAtomic(g.entryPath(entryFileName(salt, name)), sealBytes([recipient], plain));
    });
    switchTo(root, g, old);
  } catch (err) {
    removeQuietly(g.dir);
    throw err;
  }
  return snap.entries.length;
}
