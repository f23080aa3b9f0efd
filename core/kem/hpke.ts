// The RFC 9180 HPKE key schedule, base mode, with HKDF-SHA256 and ChaCha20Poly1305: the part
// of HPKE that age's mlkem768x25519 stanza needs once the KEM (X-Wing) has produced its shared
// secret. Every value derived from the secret is computed by the shim into locked memory.
//
//   suite_id   = "HPKE" || u16(kem_id) || u16(0x0001 HKDF-SHA256) || u16(0x0003 ChaCha20Poly1305)
//   Extract(salt, label, ikm)   = HMAC-SHA256(salt, "HPKE-v1" || suite_id || label || ikm)
//   Expand(prk, label, info, L) = HMAC-SHA256(prk, u16(L) || "HPKE-v1" || suite_id || label || info || 0x01)[:L]
//   context    = 0x00 || Extract("", "psk_id_hash", "") || Extract("", "info_hash", info)
//   secret     = Extract(shared_secret, "secret", "")
//   key        = Expand(secret, "key", context, 32)
//   base_nonce = Expand(secret, "base_nonce", context, 12)
// The first message (sequence number 0) is sealed under base_nonce itself.
//
// The receiver for X-Wing (hpkeXWingOpenFirstInto) is the shim's smem_hpke_xwing_open_first: the
// decapsulation, this key schedule and the AEAD in one call, no secret outside it. The functions
// below remain for the sender and for other KEMs; the tests check the two against each other.
import { shim } from "../../ffi";
import { AEAD_TAG_BYTES, chachaOpenInto, chachaSealInto } from "../aead";
import { concatBytes, utf8 } from "../bytes";
import { FormatError } from "../errors";
import { hmacSha256, hmacSha256Into } from "../hash";
import { LockedBuffer } from "../locked-buffer";

export const HPKE_KDF_HKDF_SHA256 = 0x0001;
export const HPKE_AEAD_CHACHA20POLY1305 = 0x0003;
/** X-Wing, "MLKEM768-X25519" in draft-ietf-hpke-pq. */
export const HPKE_KEM_MLKEM768_X25519 = 0x647a;

const EMPTY = new Uint8Array(0);
const VERSION = utf8("HPKE-v1");

function u16(n: number): Uint8Array {
  return new Uint8Array([(n >> 8) & 0xff, n & 0xff]);
}

function suiteId(kemId: number): Uint8Array {
  return concatBytes(utf8("HPKE"), u16(kemId), u16(HPKE_KDF_HKDF_SHA256), u16(HPKE_AEAD_CHACHA20POLY1305));
}

/** Expand for L <= 32 (one HMAC block) into a LockedBuffer of L bytes. */
function labeledExpand(
  prk: LockedBuffer,
  suite: Uint8Array,
  label: string,
  info: Uint8Array,
  length: number,
) {
  using block = LockedBuffer.alloc(32);
  const message = concatBytes(u16(length), VERSION, suite, utf8(label), info, new Uint8Array([1]));
  hmacSha256Into(block.bytes(), prk, message);
  const out = LockedBuffer.alloc(length);
  out.bytes().set(block.bytes().subarray(0, length));
  return out;
}

export interface HpkeContext extends Disposable {
  key: LockedBuffer;
  baseNonce: LockedBuffer;
}

/** The base-mode key schedule for `sharedSecret` (not consumed) under `kemId` and `info`. */
export function hpkeKeySchedule(sharedSecret: LockedBuffer, kemId: number, info: Uint8Array): HpkeContext {
  const suite = suiteId(kemId);
  const pskIdHash = hmacSha256(EMPTY, concatBytes(VERSION, suite, utf8("psk_id_hash")));
  const infoHash = hmacSha256(EMPTY, concatBytes(VERSION, suite, utf8("info_hash"), info));
  const context = concatBytes(new Uint8Array([0]), pskIdHash, infoHash);
  using secret = LockedBuffer.alloc(32);
  hmacSha256Into(secret.bytes(), sharedSecret, concatBytes(VERSION, suite, utf8("secret")));
  const key = labeledExpand(secret, suite, "key", context, 32);
  const baseNonce = labeledExpand(secret, suite, "base_nonce", context, 12);
  return {
    key,
    baseNonce,
    [Symbol.dispose]() {
      key.destroy();
      baseNonce.destroy();
    },
  };
}

/** Seals the first (sequence 0) message; age uses empty `aad`. */
export function hpkeSealFirst(ctx: HpkeContext, plaintext: Uint8Array, aad: Uint8Array = EMPTY): Uint8Array {
  const out = new Uint8Array(plaintext.length + AEAD_TAG_BYTES);
  chachaSealInto(out, ctx.key, ctx.baseNonce.bytes(), plaintext, aad);
  return out;
}

/** Opens the first (sequence 0) message into `out` (locked); false if it does not authenticate. */
export function hpkeOpenFirstInto(
  out: Uint8Array,
  ctx: HpkeContext,
  ciphertext: Uint8Array,
  aad: Uint8Array = EMPTY,
): boolean {
  return chachaOpenInto(out, ctx.key, ctx.baseNonce.bytes(), ciphertext, aad);
}

/**
 * Decapsulates `enc` (an X-Wing ciphertext) with the 32-byte X-Wing `seed` and opens the first
 * message `ciphertext` (age: empty `aad`) into `out` (locked; ciphertext.length - 16 bytes): true when it
 * authenticates, false when it does not (a message for another key, or tampered). A low-order
 * X25519 share in `enc` is a FormatError, as in XWingPrivateKey.decapsulate.
 */
export function hpkeXWingOpenFirstInto(
  out: Uint8Array,
  seed: Uint8Array,
  enc: Uint8Array,
  ciphertext: Uint8Array,
  info: Uint8Array,
  aad: Uint8Array = EMPTY,
): boolean {
  if (ciphertext.length < AEAD_TAG_BYTES || out.length !== ciphertext.length - AEAD_TAG_BYTES) {
    throw new RangeError("HPKE open: out must be the ciphertext's length less its 16-byte tag");
  }
  const rc = shim().smem_hpke_xwing_open_first(
    out,
    out.length,
    enc,
    enc.length,
    ciphertext,
    ciphertext.length,
    aad,
    aad.length,
    info,
    info.length,
    seed,
    seed.length,
  );
  if (rc === 0) return true;
  if (rc === -3) return false;
  if (rc === -2) {
    throw new FormatError(
      "invalid X-Wing ciphertext: the X25519 share is a low-order point (all-zero shared secret)",
    );
  }
  throw new RangeError(`HPKE open: invalid lengths (enc ${enc.length}, seed ${seed.length} bytes)`);
}
