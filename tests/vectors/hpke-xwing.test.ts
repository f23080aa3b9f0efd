// The MLKEM768-X25519 / HKDF-SHA256 / ChaCha20Poly1305 base-mode vector from filippo.io/hpke
// (the HPKE library age 1.3 uses): key pair, encapsulation, key schedule and first message.
import { expect, test } from "bun:test";
import {
  fromHex,
  HPKE_KEM_MLKEM768_X25519,
  hpkeKeySchedule,
  hpkeOpenFirstInto,
  hpkeSealFirst,
  hpkeXWingOpenFirstInto,
  LockedBuffer,
  toHex,
  XWingPrivateKey,
  xwingEncapsulate,
} from "../../core";
import { FormatError } from "../../core/errors";
import fixture from "../fixtures/hpke-xwing-vector.json";

const v = fixture.vector;

test("HPKE MLKEM768-X25519 vector: keys, enc, shared secret, key, base_nonce, first message", () => {
  expect([v.mode, v.kem_id, v.kdf_id, v.aead_id]).toEqual([0, HPKE_KEM_MLKEM768_X25519, 1, 3]);
  using key = XWingPrivateKey.fromSeed(fromHex(v.skRm));
  expect(toHex(key.publicKey)).toBe(v.pkRm);
  const { cipherText, sharedSecret } = xwingEncapsulate(fromHex(v.pkRm), fromHex(v.ikmE));
  using ss = sharedSecret;
  expect(toHex(cipherText)).toBe(v.enc);
  expect(toHex(ss.bytes())).toBe(v.shared_secret);
  using decapsulated = key.decapsulate(fromHex(v.enc));
  expect(decapsulated.equals(ss)).toBe(true);

  using ctx = hpkeKeySchedule(ss, v.kem_id, fromHex(v.info));
  expect(toHex(ctx.key.bytes())).toBe(v.key);
  expect(toHex(ctx.baseNonce.bytes())).toBe(v.base_nonce);
  const e = v.encryption0;
  expect(e.nonce).toBe(v.base_nonce);
  const sealed = hpkeSealFirst(ctx, fromHex(e.pt), fromHex(e.aad));
  expect(toHex(sealed)).toBe(e.ct);
  using opened = LockedBuffer.alloc(fromHex(e.pt).length);
  expect(hpkeOpenFirstInto(opened.bytes(), ctx, fromHex(e.ct), fromHex(e.aad))).toBe(true);
  expect(toHex(opened.bytes())).toBe(e.pt);
  const tampered = fromHex(e.ct);
  tampered[0] = (tampered[0] as number) ^ 1;
  expect(hpkeOpenFirstInto(opened.bytes(), ctx, tampered, fromHex(e.aad))).toBe(false);
});

test("the shim's one-call receiver opens the vector's first message, and nothing else", () => {
  const e = v.encryption0;
  const seed = fromHex(v.skRm);
  const enc = fromHex(v.enc);
  const ct = fromHex(e.ct);
  const info = fromHex(v.info);
  const aad = fromHex(e.aad);
  using opened = LockedBuffer.alloc(ct.length - 16);
  expect(hpkeXWingOpenFirstInto(opened.bytes(), seed, enc, ct, info, aad)).toBe(true);
  expect(toHex(opened.bytes())).toBe(e.pt);

  // Each input is bound: a flipped bit in the message, the AAD, the info or enc, or another
  // identity, fails authentication and leaves no plaintext in the output (libsodium zeroes it).
  const flip = (b: Uint8Array, i = 0) => {
    const c = b.slice();
    c[i] = (c[i] as number) ^ 1;
    return c;
  };
  opened.bytes().fill(0xaa);
  const untouched = () => {
    const out = opened.bytes();
    expect(out.every((x) => x === 0xaa) || out.every((x) => x === 0)).toBe(true);
  };
  expect(hpkeXWingOpenFirstInto(opened.bytes(), seed, enc, flip(ct), info, aad)).toBe(false);
  untouched();
  expect(hpkeXWingOpenFirstInto(opened.bytes(), seed, enc, ct, info, flip(aad))).toBe(false);
  untouched();
  expect(hpkeXWingOpenFirstInto(opened.bytes(), seed, enc, ct, flip(info), aad)).toBe(false);
  untouched();
  expect(hpkeXWingOpenFirstInto(opened.bytes(), seed, flip(enc, 5), ct, info, aad)).toBe(false);
  untouched();
  expect(hpkeXWingOpenFirstInto(opened.bytes(), flip(seed), enc, ct, info, aad)).toBe(false);
  untouched();
  opened.bytes().fill(0xaa);

  // A low-order X25519 share (all zeros) is malformed input, not a wrong key.
  const lowOrder = enc.slice();
  lowOrder.fill(0, enc.length - 32);
  expect(() => hpkeXWingOpenFirstInto(opened.bytes(), seed, lowOrder, ct, info, aad)).toThrow(FormatError);
  expect(() => hpkeXWingOpenFirstInto(opened.bytes(), seed, enc.subarray(1), ct, info, aad)).toThrow(
    RangeError,
  );
  expect(() => hpkeXWingOpenFirstInto(opened.bytes().subarray(1), seed, enc, ct, info, aad)).toThrow(
    RangeError,
  );
  untouched();
});

test("the shim's receiver opens what the TypeScript sender seals, for random keys and messages", () => {
  for (let i = 0; i < 20; i++) {
    using key = XWingPrivateKey.generate();
    const info = crypto.getRandomValues(new Uint8Array(i * 3));
    const message = crypto.getRandomValues(new Uint8Array(i + 1));
    const { cipherText, sharedSecret } = xwingEncapsulate(key.publicKey);
    using ss = sharedSecret;
    using ctx = hpkeKeySchedule(ss, HPKE_KEM_MLKEM768_X25519, info);
    const sealed = hpkeSealFirst(ctx, message);
    using opened = LockedBuffer.alloc(message.length);
    expect(hpkeXWingOpenFirstInto(opened.bytes(), key.seed(), cipherText, sealed, info)).toBe(true);
    expect(toHex(opened.bytes())).toBe(toHex(message));
  }
});
