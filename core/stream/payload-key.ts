// The age payload key (C2SP age spec, "Payload"): HKDF-SHA-256 with the file key as input key
// material, the 16-byte payload nonce as salt and "payload" as info. The raw stream format uses
// the same construction with its own info string (see raw-stream.ts).
import { utf8 } from "../bytes";
import { hkdfSha256Into } from "../hash";
import { LockedBuffer } from "../locked-buffer";

export const PAYLOAD_NONCE_BYTES = 16;
export const PAYLOAD_KEY_BYTES = 32;
const AGE_PAYLOAD_INFO = utf8("payload");

/** HKDF-SHA-256(ikm = secret, salt = nonce, info) into a fresh 32-byte LockedBuffer. */
export function deriveStreamKey(secret: LockedBuffer, nonce: Uint8Array, info: Uint8Array): LockedBuffer {
  if (nonce.length !== PAYLOAD_NONCE_BYTES) {
    throw new RangeError(`payload nonce must be ${PAYLOAD_NONCE_BYTES} bytes, got ${nonce.length}`);
  }
  const key = LockedBuffer.alloc(PAYLOAD_KEY_BYTES);
  try {
    hkdfSha256Into(key.bytes(), secret, nonce, info);
  } catch (err) {
    key.destroy();
    throw err;
  }
  return key;
}

/** The age payload key for `fileKey` (16 bytes) and the file's 16-byte payload nonce. */
export function payloadKey(fileKey: LockedBuffer, nonce: Uint8Array): LockedBuffer {
  return deriveStreamKey(fileKey, nonce, AGE_PAYLOAD_INFO);
}
