// Whole-buffer age v1 encryption for the vault's small files (entries, identity.age): header from
// core/age/header, payload in the age STREAM format (C2SP age spec, "Payload"):
//
//   nonce(16) || chunk_0 || ... || chunk_n
//   payload key = HKDF-SHA-256(ikm = file key, salt = nonce, info = "payload"), 32 bytes
//   chunk_i = ChaCha20-Poly1305(key, nonce = i as 11 bytes big-endian || last ? 0x01 : 0x00,
//                               64 KiB of plaintext (the last may be shorter; empty only when it
//                               is the only chunk))
//
// Plaintext is read from and decrypted into locked memory. Every failure to open an entry is an
// AuthError (exit 3): the vault wrote these files, so anything malformed is corruption.
import { AEAD_TAG_BYTES, CHACHA_NONCE_BYTES, chachaOpenInto, chachaSealInto } from "../aead";
import { parseHeader, unwrapFileKey, writeHeader } from "../age/header";
import { FILE_KEY_BYTES, type Identity, type Recipient } from "../age/recipient";
import { utf8 } from "../bytes";
import { AuthError, SmemError } from "../errors";
import { hkdfSha256Into } from "../hash";
import { LockedBuffer } from "../locked-buffer";
import { randomBytes } from "../random";

const CHUNK = 64 * 1024;
const NONCE_BYTES = 16;
const PAYLOAD_INFO = utf8("payload");

function payloadKey(fileKey: LockedBuffer, nonce: Uint8Array): LockedBuffer {
  const key = LockedBuffer.alloc(32);
  hkdfSha256Into(key.bytes(), fileKey, nonce, PAYLOAD_INFO);
  return key;
}

function chunkNonce(index: number, last: boolean): Uint8Array {
  const n = new Uint8Array(CHACHA_NONCE_BYTES);
  let v = index;
  for (let i = 10; i >= 0 && v > 0; i--) {
    n[i] = v % 256;
    v = Math.floor(v / 256);
  }
  n[11] = last ? 1 : 0;
  return n;
}

function chunkCount(plainLength: number): number {
  return Math.max(1, Math.ceil(plainLength / CHUNK));
}

/** The age file for `plaintext` (a view of locked memory) to `recipients`. */
export function sealBytes(recipients: Recipient[], plaintext: Uint8Array): Uint8Array {
  using fileKey = LockedBuffer.random(FILE_KEY_BYTES);
  const header = writeHeader(recipients, fileKey);
  const nonce = randomBytes(NONCE_BYTES);
  using key = payloadKey(fileKey, nonce);
  const chunks = chunkCount(plaintext.length);
  const out = new Uint8Array(header.length + NONCE_BYTES + plaintext.length + chunks * AEAD_TAG_BYTES);
  out.set(header, 0);
  out.set(nonce, header.length);
  let o = header.length + NONCE_BYTES;
  for (let i = 0; i < chunks; i++) {
    const part = plaintext.subarray(i * CHUNK, Math.min((i + 1) * CHUNK, plaintext.length));
    chachaSealInto(
      out.subarray(o, o + part.length + AEAD_TAG_BYTES),
      key,
      chunkNonce(i, i === chunks - 1),
      part,
    );
    o += part.length + AEAD_TAG_BYTES;
  }
  return out;
}

/** Decrypts a whole age file into a new LockedBuffer; AuthError naming `what` on any failure. */
export function openBytes(identities: Identity[], file: Uint8Array, what: string): LockedBuffer {
  try {
    return openOrThrow(identities, file);
  } catch (err) {
    if (err instanceof AuthError) throw new AuthError(`cannot decrypt ${what}: ${err.message}`);
    if (err instanceof SmemError && err.exitCode === 2) {
      throw new AuthError(`${what} is corrupt: ${err.message}`);
    }
    throw err;
  }
}

function openOrThrow(identities: Identity[], file: Uint8Array): LockedBuffer {
  const header = parseHeader(file, true);
  if (header === null) throw new AuthError("age header is truncated");
  using fileKey = unwrapFileKey(header, identities);
  const body = file.subarray(header.length);
  if (body.length < NONCE_BYTES + AEAD_TAG_BYTES) throw new AuthError("the payload is truncated");
  const nonce = body.subarray(0, NONCE_BYTES);
  using key = payloadKey(fileKey, nonce);
  const sealed = body.subarray(NONCE_BYTES);
  const full = CHUNK + AEAD_TAG_BYTES;
  const chunks = Math.max(1, Math.ceil(sealed.length / full));
  const plainLength = sealed.length - chunks * AEAD_TAG_BYTES;
  // A last chunk of tag alone is only valid when it is the only chunk (age: no empty last chunk).
  if (plainLength < 0 || (chunks > 1 && sealed.length - (chunks - 1) * full <= AEAD_TAG_BYTES)) {
    throw new AuthError("the payload is truncated or has a bad chunk length");
  }
  const out = LockedBuffer.alloc(plainLength);
  try {
    const o = out.bytes();
    for (let i = 0; i < chunks; i++) {
      const c = sealed.subarray(i * full, Math.min((i + 1) * full, sealed.length));
      const dest = o.subarray(i * CHUNK, i * CHUNK + c.length - AEAD_TAG_BYTES);
      if (!chachaOpenInto(dest, key, chunkNonce(i, i === chunks - 1), c)) {
        throw new AuthError(`payload chunk ${i} does not authenticate (tampered or truncated)`);
      }
    }
    return out;
  } catch (err) {
    out.destroy();
    throw err;
  }
}
