// Entry names and the file names they hide behind. A name is what the user types (it travels in
// argv, so it is not a secret), but it never appears on disk in clear: the entry's file is named by
// HMAC-SHA-256 keyed with the generation's random salt, and the name itself is stored inside the
// encrypted entry (./entry.ts), where it is checked on every read.
//
// node:crypto computes the HMAC: no secret is involved (the salt sits beside the entries it names),
// and it keeps `smem vault has` free of the shim and of every other heavy module.
import { createHmac } from "node:crypto";
import { UsageError } from "../errors";

/** Longest name, in UTF-8 bytes. */
export const MAX_NAME_BYTES = 1024;
export const ENTRY_SUFFIX = ".age";
/** 64 lower-case hex digits (the HMAC) then the suffix: anything else in entries/ is not an entry. */
export const ENTRY_FILE_PATTERN = /^[0-9a-f]{64}\.age$/;

/**
 * Names are well-formed Unicode (no lone surrogates, so every name has exactly one UTF-8 form),
 * 1..1024 bytes, without control characters (so `ls` prints one name per line, unambiguously).
 */
export function validateName(name: string): Uint8Array {
  if (name.length === 0) throw new UsageError("the entry name is empty");
  if (!name.isWellFormed()) throw new UsageError("the entry name is not valid Unicode");
  // biome-ignore lint/suspicious/noControlCharactersInRegex: refusing control characters is the point
  if (/[\u0000-\u001f\u007f]/.test(name)) {
    throw new UsageError("the entry name contains a control character (newline, tab, ...)");
  }
  const bytes = new TextEncoder().encode(name);
  if (bytes.length > MAX_NAME_BYTES) {
    throw new UsageError(`the entry name is ${bytes.length} bytes; at most ${MAX_NAME_BYTES}`);
  }
  return bytes;
}

/** `<hex HMAC-SHA-256(key = salt, message = UTF-8 name)>.age` */
export function entryFileName(salt: Uint8Array, name: string): string {
  const nameBytes = validateName(name);
  return `${createHmac("sha256", salt).update(nameBytes).digest("hex")}${ENTRY_SUFFIX}`;
}
