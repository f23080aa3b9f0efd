// Every Wycheproof XChaCha20-Poly1305 and ChaCha20-Poly1305 case through the shim's AEAD (via
// core/aead, keys and plaintexts in LockedBuffers). Valid cases must encrypt to the exact
// ciphertext || tag and decrypt back; invalid ones must fail to decrypt, or be refused for a bad
// nonce size by the length checks before the shim is called.
import { describe, expect, test } from "bun:test";
import {
  CHACHA_NONCE_BYTES,
  chachaOpenInto,
  chachaSeal,
  concatBytes,
  fromHex,
  LockedBuffer,
  toHex,
  XCHACHA_NONCE_BYTES,
  xchachaOpenInto,
  xchachaSeal,
} from "../../core";
import { allCases, loadWycheproof, type WycheproofCase } from "./wycheproof";

interface AeadCase extends WycheproofCase {
  key: string;
  iv: string;
  aad: string;
  msg: string;
  ct: string;
  tag: string;
}

type Seal = (key: LockedBuffer, nonce: Uint8Array, plaintext: Uint8Array, ad?: Uint8Array) => Uint8Array;
type OpenInto = (
  out: Uint8Array,
  key: LockedBuffer,
  nonce: Uint8Array,
  ciphertext: Uint8Array,
  ad?: Uint8Array,
) => boolean;

function runFile(file: string, nonceBytes: number, seal: Seal, openInto: OpenInto) {
  const data = loadWycheproof<AeadCase>(file);
  const problems: string[] = [];
  let checked = 0;
  let invalid = 0;
  let badNonce = 0;
  for (const [, t] of allCases(data)) {
    checked++;
    if (t.result !== "valid") invalid++;
    const where = `tcId ${t.tcId} (${t.result}, ${t.flags.join(",")})`;
    const nonce = fromHex(t.iv);
    const aad = fromHex(t.aad);
    const msg = fromHex(t.msg);
    const sealed = concatBytes(fromHex(t.ct), fromHex(t.tag));
    using key = LockedBuffer.fromBytes(fromHex(t.key));

    if (nonce.length !== nonceBytes) {
      badNonce++;
      if (t.result === "valid") problems.push(`${where}: valid case with a ${nonce.length}-byte nonce`);
      using out = LockedBuffer.alloc(Math.max(0, sealed.length - 16));
      expect(() => openInto(out.bytes(), key, nonce, sealed, aad)).toThrow(RangeError);
      expect(() => seal(key, nonce, msg, aad)).toThrow(RangeError);
      continue;
    }

    using plain = LockedBuffer.alloc(Math.max(0, sealed.length - 16));
    const opened = sealed.length >= 16 && openInto(plain.bytes(), key, nonce, sealed, aad);
    if (t.result === "valid") {
      const ours = toHex(seal(key, nonce, msg, aad));
      if (ours !== toHex(sealed)) problems.push(`${where}: ciphertext||tag differs`);
      if (!opened) problems.push(`${where}: did not decrypt`);
      else if (!plain.equals(msg)) problems.push(`${where}: decrypted to the wrong plaintext`);
    } else if (opened) {
      problems.push(`${where}: invalid case decrypted`);
    }
  }
  return { problems, checked, invalid, badNonce, expected: data.numberOfTests };
}

describe("Wycheproof AEAD through the shim", () => {
  test("xchacha20_poly1305_test.json: every case", () => {
    const r = runFile("xchacha20_poly1305_test.json", XCHACHA_NONCE_BYTES, xchachaSeal, xchachaOpenInto);
    expect(r.problems).toEqual([]);
    expect(r.checked).toBe(r.expected);
    expect(r.checked).toBe(315);
    expect(r.invalid).toBe(69);
    expect(r.badNonce).toBeGreaterThan(0);
  });

  test("chacha20_poly1305_test.json: every case", () => {
    const r = runFile("chacha20_poly1305_test.json", CHACHA_NONCE_BYTES, chachaSeal, chachaOpenInto);
    expect(r.problems).toEqual([]);
    expect(r.checked).toBe(r.expected);
    expect(r.invalid).toBeGreaterThan(0);
    expect(r.badNonce).toBeGreaterThan(0);
  });
});
