import { describe, expect, test } from "bun:test";
import { bech32 } from "@scure/base";
import {
  bech32DecodeBytes,
  bech32EncodeBytes,
  encodeIdentity,
  encodeRecipient,
  KEY_KINDS,
  type KeyKind,
  MlKem768PrivateKey,
  parseIdentity,
  parseRecipient,
  toHex,
  utf8,
  XWingPrivateKey,
  x25519Base,
} from "../../core";
import spec from "../fixtures/age-spec-keys.json";

const ascii = (b: Uint8Array) => new TextDecoder().decode(b);

describe("Bech32 over bytes", () => {
  test("agrees with @scure/base both ways for many lengths and prefixes", () => {
    for (const hrp of ["age", "age1pq", "smem1mlkem", "AGE-SECRET-KEY-PQ-"]) {
      for (const length of [0, 1, 2, 5, 31, 32, 33, 64, 1184, 1216]) {
        const data = crypto.getRandomValues(new Uint8Array(length));
        const theirs = bech32.encode(hrp.toLowerCase(), bech32.toWords(data), false);
        using lower = bech32EncodeBytes(hrp, data, false);
        expect(ascii(lower.bytes())).toBe(theirs);
        using upper = bech32EncodeBytes(hrp, data, true);
        expect(ascii(upper.bytes())).toBe(theirs.toUpperCase());
        const decoded = bech32DecodeBytes(upper.bytes());
        using payload = decoded.data;
        expect(decoded.hrp).toBe(hrp.toUpperCase());
        expect(toHex(payload.bytes())).toBe(toHex(data));
      }
    }
  });

  test("rejects mixed case, bad checksums, bad characters, bad padding, missing separator", () => {
    const good = bech32.encode("age", bech32.toWords(new Uint8Array(32).fill(7)), false);
    const flip = (s: string, i: number) => s.slice(0, i) + (s[i] === "q" ? "p" : "q") + s.slice(i + 1);
    expect(() => bech32DecodeBytes(utf8(good.slice(0, 10).toUpperCase() + good.slice(10)))).toThrow(
      /mixed case/,
    );
    expect(() => bech32DecodeBytes(utf8(flip(good, 20)))).toThrow(/checksum/);
    expect(() => bech32DecodeBytes(utf8(`${good.slice(0, 20)}b${good.slice(21)}`))).toThrow(/character/);
    expect(() => bech32DecodeBytes(utf8("nodatapart"))).toThrow(/separator/);
    expect(() => bech32DecodeBytes(utf8("age1qqq"))).toThrow(/short/);
    // 33 bytes' worth of 5-bit groups minus one: a non-zero padding remainder.
    const words = bech32.toWords(new Uint8Array(32).fill(0xff));
    words[words.length - 1] = 31;
    const padded = bech32.encode("age", words, false);
    expect(() => bech32DecodeBytes(utf8(padded))).toThrow(/padding/);
  });
});

describe("age key strings", () => {
  test("the age spec's X25519 identity gives its recipient", () => {
    const { kind, seed } = parseIdentity(utf8(spec.x25519.identity));
    using s = seed;
    expect(kind).toBe("x25519");
    expect(encodeRecipient("x25519", x25519Base(s))).toBe(spec.x25519.recipient);
    using again = encodeIdentity("x25519", s.bytes());
    expect(ascii(again.bytes())).toBe(spec.x25519.identity);
  });

  test("the age spec's post-quantum identity gives its 1959-character recipient", () => {
    const { kind, seed } = parseIdentity(utf8(spec.identity));
    using s = seed;
    expect(kind).toBe("xwing");
    using key = XWingPrivateKey.fromSeed(s);
    const recipient = encodeRecipient("xwing", key.publicKey);
    expect(recipient.length).toBe(1959);
    expect(recipient).toBe(spec.recipient);
    const parsed = parseRecipient(spec.recipient);
    expect(parsed.kind).toBe("xwing");
    expect(toHex(parsed.publicKey)).toBe(toHex(key.publicKey));
    using again = encodeIdentity("xwing", s.bytes());
    expect(ascii(again.bytes())).toBe(spec.identity);
  });

  test("smem-mlkem768 strings round-trip under their own prefixes", () => {
    using key = MlKem768PrivateKey.generate();
    const recipient = encodeRecipient("mlkem768", key.publicKey);
    expect(recipient.startsWith("smem1mlkem1")).toBe(true);
    expect(toHex(parseRecipient(recipient).publicKey)).toBe(toHex(key.publicKey));
    using identity = encodeIdentity("mlkem768", key.seed());
    expect(ascii(identity.bytes()).startsWith("SMEM-SECRET-KEY-MLKEM-1")).toBe(true);
    const parsed = parseIdentity(identity.bytes());
    using seed = parsed.seed;
    expect(parsed.kind).toBe("mlkem768");
    expect(seed.equals(key.seed())).toBe(true);
  });

  test("lower-case identities are accepted; every kind has distinct prefixes", () => {
    const { seed } = parseIdentity(utf8(spec.identity.toLowerCase()));
    seed.destroy();
    const kinds = Object.keys(KEY_KINDS) as KeyKind[];
    expect(new Set(kinds.map((k) => KEY_KINDS[k].recipientHrp)).size).toBe(kinds.length);
    expect(new Set(kinds.map((k) => KEY_KINDS[k].identityHrp)).size).toBe(kinds.length);
  });

  test("malformed recipients are FormatErrors naming the problem", () => {
    const wrongType = bech32.encode("age2", bech32.toWords(new Uint8Array(32)), false);
    expect(() => parseRecipient(wrongType)).toThrow(/unknown type/);
    const shortKey = bech32.encode("age", bech32.toWords(new Uint8Array(31)), false);
    expect(() => parseRecipient(shortKey)).toThrow(/31 bytes/);
    expect(() => parseRecipient("age1notbech32")).toThrow(/Bech32/);
    const unreduced = new Uint8Array(1216).fill(0xff);
    expect(() => parseRecipient(bech32.encode("age1pq", bech32.toWords(unreduced), false))).toThrow(
      /not reduced/,
    );
    try {
      parseRecipient("age1notbech32");
    } catch (error) {
      expect((error as { exitCode: number }).exitCode).toBe(2);
    }
  });

  test("malformed identities never echo the key", () => {
    const text = spec.identity.replace("XX76", "XX77");
    let message = "";
    try {
      parseIdentity(utf8(text)).seed.destroy();
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toMatch(/checksum/);
    expect(message).not.toContain("XX7");
    const wrongKind = bech32.encode("age-secret-key-xx-", bech32.toWords(new Uint8Array(32)), false);
    expect(() => parseIdentity(utf8(wrongKind.toUpperCase()))).toThrow(/unknown key type/);
    const shortSeed = bech32.encode("age-secret-key-pq-", bech32.toWords(new Uint8Array(31)), false);
    expect(() => parseIdentity(utf8(shortSeed))).toThrow(/31 bytes/);
  });
});
