// A whole small age file in memory, for secrets that must end up in locked memory rather than
// on an fd: passphrase-encrypted identity files. Header and stanzas are the age layer's
// (writeHeader / parseHeader / unwrapFileKey); the payload is the age STREAM (C2SP age spec,
// "Payload"): a 16-byte nonce, then 64 KiB chunks of ChaCha20-Poly1305 under
// HKDF-SHA-256(ikm = file key, salt = nonce, info = "payload") with nonce = 11-byte big-endian
// chunk counter || last-chunk flag. Decrypted bytes go straight into a LockedBuffer.
// Large data goes through the streaming engine of core/stream, not here.
import { AEAD_TAG_BYTES, chachaOpenInto, chachaSealInto } from "../aead";
import { utf8 } from "../bytes";
import { AuthError, FormatError } from "../errors";
import { hkdfSha256Into } from "../hash";
import { LockedBuffer } from "../locked-buffer";
import { randomBytes } from "../random";
import { armor, dearmor, isArmored } from "./armor";
import { parseHeader, unwrapFileKey, writeHeader } from "./header";
import { FILE_KEY_BYTES, type Identity, type Recipient } from "./recipient";

export const MAX_SEALED_BYTES = 16 * 1024 * 1024;
const CHUNK = 64 * 1024;
const NONCE_BYTES = 16;
const PAYLOAD_INFO = utf8("payload");

function payloadKeyFor(fileKey: LockedBuffer, nonce: Uint8Array): LockedBuffer {
  const key = LockedBuffer.alloc(32);
  hkdfSha256Into(key.bytes(), fileKey, nonce, PAYLOAD_INFO);
  return key;
}

function chunkNonce(counter: number, last: boolean): Uint8Array {
  const n = new Uint8Array(12);
  new DataView(n.buffer).setUint32(7, counter); // counters stay far below 2^32 here
  n[11] = last ? 1 : 0;
  return n;
}

/** Encrypts `plaintext` (a view of locked memory) to `recipients`; armored when asked. */
export function sealBytes(
  recipients: Recipient[],
  plaintext: Uint8Array,
  opts: { armor?: boolean } = {},
): Uint8Array {
  if (plaintext.length > MAX_SEALED_BYTES) throw new RangeError("sealBytes is for small inputs");
  using fileKey = LockedBuffer.random(FILE_KEY_BYTES);
  const header = writeHeader(recipients, fileKey);
  const nonce = randomBytes(NONCE_BYTES);
  using key = payloadKeyFor(fileKey, nonce);
  const chunks = Math.max(1, Math.ceil(plaintext.length / CHUNK));
  const out = new Uint8Array(header.length + NONCE_BYTES + plaintext.length + chunks * AEAD_TAG_BYTES);
  out.set(header, 0);
  out.set(nonce, header.length);
  let at = header.length + NONCE_BYTES;
  for (let i = 0; i < chunks; i++) {
    const piece = plaintext.subarray(i * CHUNK, Math.min((i + 1) * CHUNK, plaintext.length));
    const sealed = out.subarray(at, at + piece.length + AEAD_TAG_BYTES);
    chachaSealInto(sealed, key, chunkNonce(i, i === chunks - 1), piece);
    at += sealed.length;
  }
  return opts.armor ? armor(out) : out;
}

/**
 * Decrypts a whole age file (binary or armored) with `identities` into locked memory. Throws
 * FormatError for a malformed file and AuthError when no identity matches or anything fails to
 * authenticate (truncation and trailing data included); nothing is returned unauthenticated.
 */
export function openBytes(file: Uint8Array, identities: Identity[]): LockedBuffer {
  const bytes = isArmored(file) ? dearmor(file) : file;
  const header = parseHeader(bytes, true);
  if (header === null) throw new FormatError("truncated age header");
  using fileKey = unwrapFileKey(header, identities);
  const payload = bytes.subarray(header.length);
  // Without a whole nonce the payload cannot even start: malformed, as age and CCTV say.
  if (payload.length < NONCE_BYTES) throw new FormatError("the age file ends before its payload nonce");
  if (payload.length < NONCE_BYTES + AEAD_TAG_BYTES) throw new AuthError("the encrypted file is truncated");
  using key = payloadKeyFor(fileKey, payload.subarray(0, NONCE_BYTES));
  const body = payload.subarray(NONCE_BYTES);
  const sealedChunk = CHUNK + AEAD_TAG_BYTES;
  const chunks = Math.max(1, Math.ceil(body.length / sealedChunk));
  // The last chunk must hold a whole tag (and, unless it is the only one, some plaintext);
  // checked before sizing the output, which assumes every earlier chunk is full.
  const lastSealed = body.length - (chunks - 1) * sealedChunk;
  if (lastSealed < AEAD_TAG_BYTES || (chunks > 1 && lastSealed === AEAD_TAG_BYTES)) {
    throw new AuthError("the encrypted file is truncated");
  }
  const length = body.length - chunks * AEAD_TAG_BYTES;
  if (length < 0 || length > MAX_SEALED_BYTES)
    throw new AuthError("the encrypted file is truncated or too large");
  const out = LockedBuffer.alloc(length);
  try {
    for (let i = 0; i < chunks; i++) {
      const sealed = body.subarray(i * sealedChunk, Math.min((i + 1) * sealedChunk, body.length));
      const last = i === chunks - 1;
      // Only the first chunk may be empty (an empty file); a final empty chunk is a truncation trick.
      if (sealed.length < AEAD_TAG_BYTES || (last && i > 0 && sealed.length === AEAD_TAG_BYTES)) {
        throw new AuthError("the encrypted file is truncated");
      }
      const plain = out.bytes().subarray(i * CHUNK, i * CHUNK + sealed.length - AEAD_TAG_BYTES);
      if (!chachaOpenInto(plain, key, chunkNonce(i, last), sealed)) {
        throw new AuthError("the encrypted file failed to authenticate (wrong key, truncated or tampered)");
      }
    }
    return out;
  } catch (error) {
    out.destroy();
    throw error;
  }
}
