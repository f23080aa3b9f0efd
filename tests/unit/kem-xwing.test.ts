import { describe, expect, test } from "bun:test";
import {
  fromHex,
  toHex,
  XWING_CIPHERTEXT_BYTES,
  XWING_PUBLIC_KEY_BYTES,
  XWingPrivateKey,
  xwingEncapsulate,
} from "../../core";
import draft from "../fixtures/xwing-draft-vectors.json";

describe("X-Wing", () => {
  test(`the ${draft.vectors.length} draft-connolly-cfrg-xwing-kem vectors: keygen, encaps, decaps`, () => {
    expect(draft.vectors.length).toBe(3);
    for (const v of draft.vectors) {
      using key = XWingPrivateKey.fromSeed(fromHex(v.seed));
      expect(toHex(key.publicKey)).toBe(v.pk);
      expect(toHex(key.seed())).toBe(v.sk);
      const enc = xwingEncapsulate(fromHex(v.pk), fromHex(v.eseed));
      using encSecret = enc.sharedSecret;
      expect(toHex(enc.cipherText)).toBe(v.ct);
      expect(toHex(encSecret.bytes())).toBe(v.ss);
      using decSecret = key.decapsulate(fromHex(v.ct));
      expect(toHex(decSecret.bytes())).toBe(v.ss);
    }
  });

  test("random encapsulation round-trips; sizes are 1216 / 1120 / 32", () => {
    using key = XWingPrivateKey.generate();
    expect(key.publicKey.length).toBe(XWING_PUBLIC_KEY_BYTES);
    const { cipherText, sharedSecret } = xwingEncapsulate(key.publicKey);
    using ss = sharedSecret;
    expect(cipherText.length).toBe(XWING_CIPHERTEXT_BYTES);
    expect(ss.size).toBe(32);
    using back = key.decapsulate(cipherText);
    expect(back.equals(ss)).toBe(true);
  });

  test("another key gets an unrelated secret (implicit rejection), not an error", () => {
    using key = XWingPrivateKey.generate();
    using other = XWingPrivateKey.generate();
    const { cipherText, sharedSecret } = xwingEncapsulate(key.publicKey);
    using ss = sharedSecret;
    using wrong = other.decapsulate(cipherText);
    expect(wrong.equals(ss)).toBe(false);
  });

  test("a low-order X25519 share is refused both ways", () => {
    using key = XWingPrivateKey.generate();
    const { cipherText, sharedSecret } = xwingEncapsulate(key.publicKey);
    sharedSecret.destroy();
    const zeroShare = cipherText.slice();
    zeroShare.fill(0, 1088);
    expect(() => key.decapsulate(zeroShare)).toThrow(/low-order/);
    const onePoint = cipherText.slice();
    onePoint.fill(0, 1088);
    onePoint[1088] = 1;
    expect(() => key.decapsulate(onePoint)).toThrow(/low-order/);
    const pk = key.publicKey.slice();
    pk.fill(0, 1184);
    expect(() => xwingEncapsulate(pk)).toThrow(/low-order/);
  });

  test("wrong sizes and unreduced ML-KEM keys are FormatErrors", () => {
    using key = XWingPrivateKey.generate();
    expect(() => key.decapsulate(new Uint8Array(1119))).toThrow(/1120/);
    expect(() => xwingEncapsulate(key.publicKey.subarray(1))).toThrow(/1216/);
    const bad = key.publicKey.slice();
    bad[0] = 0xff;
    bad[1] = 0x0f; // first coefficient 4095 >= q
    expect(() => xwingEncapsulate(bad)).toThrow(/not reduced/);
    expect(() => XWingPrivateKey.fromSeed(new Uint8Array(31))).toThrow(RangeError);
  });

  test("destroy wipes every buffer the key holds", () => {
    const key = XWingPrivateKey.generate();
    const seedView = key.seed();
    key.destroy();
    expect(seedView.length).toBe(0);
    expect(() => key.seed()).toThrow();
  });
});
