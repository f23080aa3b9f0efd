// The plaintext of a vault entry (docs/FORMAT.md, "smem vault"): the name travels inside the
// encryption, so an entry file moved to another name's place is detected on read.
//
//   "smem-vault-entry/v1\n"   20 bytes, ASCII
//   name length               u16, big-endian, 1..1024
//   name                      UTF-8
//   value                     every remaining byte (may be empty)
//
// The whole plaintext, value included, lives in locked memory.
import { AuthError, UsageError } from "../errors";
import { LockedBuffer } from "../locked-buffer";
import { MAX_NAME_BYTES, validateName } from "./names";
import { MAX_PLAINTEXT_BYTES } from "./sealing";

const MAGIC = new TextEncoder().encode("smem-vault-entry/v1\n");
const PREFIX_BYTES = MAGIC.length + 2;
/** Largest value: what fits in one vault file beside the longest name (16 MiB - 1046 bytes). */
export const MAX_VALUE_BYTES = MAX_PLAINTEXT_BYTES - PREFIX_BYTES - MAX_NAME_BYTES;

/** The entry plaintext for `name` and `value`, in a new LockedBuffer (the caller destroys it). */
export function encodeEntry(name: string, value: Uint8Array): LockedBuffer {
  const nameBytes = validateName(name);
  if (value.length > MAX_VALUE_BYTES) {
    throw new UsageError(
      `the value is ${value.length} bytes; a vault entry holds at most ${MAX_VALUE_BYTES}`,
    );
  }
  const out = LockedBuffer.alloc(PREFIX_BYTES + nameBytes.length + value.length);
  const o = out.bytes();
  o.set(MAGIC, 0);
  o[MAGIC.length] = nameBytes.length >>> 8;
  o[MAGIC.length + 1] = nameBytes.length & 0xff;
  o.set(nameBytes, PREFIX_BYTES);
  o.set(value, PREFIX_BYTES + nameBytes.length);
  return out;
}

function corrupt(why: string): AuthError {
  return new AuthError(`vault entry is corrupt: ${why}`);
}

/** Where the name ends and the value starts; AuthError when the framing is wrong. */
function nameEnd(plain: Uint8Array): number {
  if (plain.length < PREFIX_BYTES) throw corrupt("too short");
  for (let i = 0; i < MAGIC.length; i++) {
    if (plain[i] !== MAGIC[i]) throw corrupt("not a smem vault entry");
  }
  const length = ((plain[MAGIC.length] as number) << 8) | (plain[MAGIC.length + 1] as number);
  if (length === 0 || length > MAX_NAME_BYTES || PREFIX_BYTES + length > plain.length) {
    throw corrupt("bad name length");
  }
  return PREFIX_BYTES + length;
}

/** The name stored in an entry plaintext (names are not secrets). */
export function entryName(plain: Uint8Array): string {
  const end = nameEnd(plain);
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(plain.subarray(PREFIX_BYTES, end));
  } catch {
    throw corrupt("the stored name is not UTF-8");
  }
}

/**
 * The value (a view into `plain`) once the stored name is exactly `name`. Any other name means
 * the file was swapped or renamed: AuthError, never another entry's secret.
 */
export function entryValue(plain: Uint8Array, name: string): Uint8Array {
  const want = validateName(name);
  const end = nameEnd(plain);
  const stored = plain.subarray(PREFIX_BYTES, end);
  let same = stored.length === want.length;
  for (let i = 0; same && i < want.length; i++) same = stored[i] === want[i];
  if (!same) throw new AuthError(`vault entry for '${name}' holds another name (swapped or renamed file)`);
  return plain.subarray(end);
}
