// The MLKEM768-X25519 / HKDF-SHA256 / ChaCha20Poly1305 base-mode vector from filippo.io/hpke
// (the HPKE library age 1.3 uses): key pair, encapsulation, key schedule and first message.
import { expect, test } from "bun:test";
import {
  fromHex,
  HPKE_KEM_MLKEM768_X25519,
  hpkeKeySchedule,
  hpkeOpenFirstInto,
  hpkeSealFirst,
  LockedBuffer,
  toHex,
  XWingPrivateKey,
  xwingEncapsulate,
} from "../../core";
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
