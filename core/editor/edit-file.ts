// Which file smem edit is editing and how it is saved: an existing sedit file (v1/v2/v3, saved
// as v3 with the same salt and KDF parameters), a new encrypted file, or plaintext. The file is
// read straight into locked memory; its decrypted text goes into locked memory too.
import { closeSync, fstatSync, openSync } from "node:fs";
import { writeFileAtomic } from "../atomic-file";
import { FormatError, IoError, SmemError, UsageError } from "../errors";
import type { KdfParams } from "../kdf";
import { LockedBuffer } from "../locked-buffer";
import { readSecretFromFd } from "../secret-input";
import { openSedit, SeditKey } from "../sedit/file";
import {
  detectSedit,
  parseSeditHeader,
  SEDIT_NONCE_BYTES,
  SEDIT_TAG_BYTES,
  type SeditVersion,
} from "../sedit/format";
import { isValidUtf8 } from "../text/utf8";

/** smem edit is for text: anything bigger is refused before it is read. */
export const MAX_EDIT_BYTES = 256 * 1024 * 1024;

export interface EditFile {
  path: string;
  /** null: plaintext, saved as plaintext. */
  key: SeditKey | null;
  /** The sedit version it was read from (null for new and plaintext files). */
  version: SeditVersion | null;
  isNew: boolean;
  /** The text to edit, in locked memory; the caller destroys it once the editor has copied it. */
  text: LockedBuffer;
  /** What the user should be told first. */
  notice: string | null;
}

export interface EditFileOptions {
  /** Edit (or create) without encryption; refused for a file that is encrypted. */
  plaintext: boolean;
  /** Asked once for an existing encrypted file, with confirmation for a new one. */
  passphrase: (isNew: boolean) => Promise<LockedBuffer>;
  /** KDF parameters for a new encrypted file. */
  kdf: KdfParams;
  /** Called just before the (slow) key derivation. */
  onDerive?: () => void;
}

function errno(err: unknown): string {
  return (err as NodeJS.ErrnoException)?.code ?? (err as Error)?.message ?? String(err);
}

/** The file's bytes in locked memory, or null when it does not exist. */
function readExisting(path: string): LockedBuffer | null {
  let fd: number;
  try {
    fd = openSync(path, "r");
  } catch (err) {
    if (errno(err) === "ENOENT") return null;
    throw new IoError(`cannot open ${path}: ${errno(err)}`);
  }
  try {
    const st = fstatSync(fd);
    if (st.isDirectory()) throw new IoError(`${path} is a directory`);
    if (st.size > MAX_EDIT_BYTES) {
      throw new FormatError(
        `${path} is larger than ${MAX_EDIT_BYTES >> 20} MiB; smem edit is for text files`,
      );
    }
    return readSecretFromFd(fd, { maxBytes: MAX_EDIT_BYTES });
  } catch (err) {
    if (err instanceof SmemError) throw err;
    throw new IoError(`cannot read ${path}: ${errno(err)}`);
  } finally {
    closeSync(fd);
  }
}

export async function openEditFile(path: string, opts: EditFileOptions): Promise<EditFile> {
  const raw = readExisting(path);
  const version = raw === null ? null : detectSedit(raw.bytes());

  // An existing sedit file: check its header, then ask once and derive once.
  if (raw !== null && version !== null) {
    try {
      if (opts.plaintext) {
        throw new UsageError(`${path} is an encrypted sedit file; --plaintext would save it decrypted`);
      }
      // Malformed headers and out-of-bounds KDF parameters fail before anyone types a passphrase.
      const header = parseSeditHeader(raw.bytes());
      if (raw.size - header.bodyOffset < SEDIT_NONCE_BYTES + SEDIT_TAG_BYTES) {
        throw new FormatError("file too short to be an encrypted sedit file");
      }
      using pass = await opts.passphrase(false);
      opts.onDerive?.();
      const opened = openSedit(raw.bytes(), pass);
      const notice =
        version < 3
          ? `Opened a sedit v${version} file; saving writes v3 with the same salt and parameters.`
          : null;
      return { path, key: opened.key, version, isNew: false, text: opened.plaintext, notice };
    } finally {
      raw.destroy();
    }
  }

  // Existing plaintext (any non-empty file without a sedit magic).
  if (raw !== null && raw.size > 0) {
    if (!isValidUtf8(raw.bytes())) {
      raw.destroy();
      throw new FormatError(`${path} is not valid UTF-8 text`);
    }
    const notice = opts.plaintext ? null : "No sedit header: editing as plaintext (saved unencrypted).";
    return { path, key: null, version: null, isNew: false, text: raw, notice };
  }

  // A new (or empty) file: encrypted unless --plaintext.
  const text = raw ?? LockedBuffer.alloc(0);
  if (opts.plaintext) return { path, key: null, version: null, isNew: raw === null, text, notice: null };
  try {
    using pass = await opts.passphrase(true);
    if (pass.size === 0) throw new UsageError("refusing an empty passphrase for a new encrypted file");
    opts.onDerive?.();
    const key = SeditKey.create(pass, opts.kdf);
    return { path, key, version: null, isNew: true, text, notice: "New encrypted file (sedit v3)." };
  } catch (err) {
    text.destroy();
    throw err;
  }
}

/**
 * Writes `contents` to the file atomically: sealed as sedit v3 under the file's key (its salt and
 * parameters, a fresh nonce), or as is for plaintext. Returns the message for the status line.
 */
export function saveEditFile(file: EditFile, contents: Uint8Array): string {
  if (file.key === null) {
    writeFileAtomic(file.path, contents);
    return `Saved ${file.path} (plaintext, ${contents.length} bytes).`;
  }
  writeFileAtomic(file.path, file.key.seal(contents));
  return `Saved ${file.path} (encrypted, sedit v3).`;
}
