// Reading identity files: the bytes go straight from the file into locked memory
// (readSecretFromFd), whether the file is an age-keygen text file or an encrypted one.
import { IoError, NotFoundError } from "../errors";
import { closeFile, fileInfo, openFile } from "../file-io";
import type { LockedBuffer } from "../locked-buffer";
import { readSecretFromFd } from "../secret-input";

/** Identity files are small; a multi-megabyte one is a mistake (wrong path). */
export const MAX_IDENTITY_FILE_BYTES = 16 * 1024 * 1024;

/** The whole of identity file `path` ("-" = stdin) in locked memory. */
export function readIdentityFile(path: string): LockedBuffer {
  if (path === "-") return readSecretFromFd(0, { maxBytes: MAX_IDENTITY_FILE_BYTES });
  let fd: number;
  try {
    fd = openFile(path, "r");
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === "ENOENT") throw new NotFoundError(`identity file ${path} does not exist`);
    throw new IoError(`cannot open identity file ${path}: ${code ?? String(err)}`);
  }
  try {
    if (fileInfo(fd).isDirectory()) throw new IoError(`identity file ${path} is a directory`);
    return readSecretFromFd(fd, { maxBytes: MAX_IDENTITY_FILE_BYTES });
  } finally {
    closeFile(fd);
  }
}

const AGE_MAGIC = "age-encryption.org/v1\n";
const ARMOR_MAGIC = "-----BEGIN AGE ENCRYPTED FILE-----";

function startsWith(bytes: Uint8Array, prefix: string, from = 0): boolean {
  if (bytes.length - from < prefix.length) return false;
  for (let i = 0; i < prefix.length; i++) if (bytes[from + i] !== prefix.charCodeAt(i)) return false;
  return true;
}

/** True when the file is an age-encrypted identity file (binary or armored). */
export function isEncryptedIdentityFile(bytes: Uint8Array): boolean {
  let i = 0;
  while (
    i < bytes.length &&
    (bytes[i] === 0x20 || bytes[i] === 0x09 || bytes[i] === 0x0a || bytes[i] === 0x0d)
  ) {
    i++;
  }
  return startsWith(bytes, AGE_MAGIC) || startsWith(bytes, ARMOR_MAGIC, i);
}
