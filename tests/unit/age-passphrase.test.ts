import { describe, expect, test } from "bun:test";
import {
  Argon2idIdentity,
  Argon2idRecipient,
  AuthError,
  chachaOpenInto,
  concatBytes,
  deriveKey,
  encodeHeader,
  FormatError,
  LockedBuffer,
  needsPassphrase,
  parseArgon2idStanza,
  parseHeader,
  passphraseIdentities,
  passphraseRecipient,
  ScryptIdentity,
  ScryptRecipient,
  type Stanza,
  scryptInto,
  UsageError,
  unwrapFileKey,
  utf8,
  writeHeader,
} from "../../core";
import { decodeBase64, encodeBase64 } from "../../core/age/base64";

const SMALL = { memoryKiB: 64, iterations: 1, rounds: 2 };
const pass = (s: string) => LockedBuffer.fromBytes(utf8(s));

function roundtrip(stanzas: Stanza[], identity: { unwrap(s: readonly Stanza[]): LockedBuffer | null }) {
  return identity.unwrap(stanzas);
}

describe("scrypt stanza", () => {
  test("wrap → unwrap; stanza shape; wrap key is age's scrypt of label||salt", () => {
    using pw = pass("correct horse");
    using fileKey = LockedBuffer.random(16);
    const [s] = new ScryptRecipient(pw, { workFactor: 10 }).wrap(fileKey) as [Stanza];
    expect(s.type).toBe("scrypt");
    expect(s.args[1]).toBe("10");
    const salt = decodeBase64(s.args[0] as string) as Uint8Array;
    expect(salt.length).toBe(16);
    expect(s.body.length).toBe(32);
    using got = roundtrip([s], new ScryptIdentity(pw));
    expect(got?.equals(fileKey)).toBe(true);
    // Independent recomputation of the body from the spec's formula.
    const key = new Uint8Array(32);
    scryptInto(key, utf8("correct horse"), concatBytes(utf8("age-encryption.org/v1/scrypt"), salt), 10);
    const opened = new Uint8Array(16);
    expect(chachaOpenInto(opened, key, new Uint8Array(12), s.body)).toBe(true);
    expect(fileKey.equals(opened)).toBe(true);
  });

  test("wrong passphrase → AuthError; other stanza types → null", () => {
    using pw = pass("a");
    using other = pass("b");
    using fileKey = LockedBuffer.random(16);
    const stanzas = new ScryptRecipient(pw, { workFactor: 4 }).wrap(fileKey);
    expect(() => new ScryptIdentity(other).unwrap(stanzas)).toThrow(AuthError);
    expect(
      new ScryptIdentity(pw).unwrap([{ type: "X25519", args: ["x"], body: new Uint8Array(32) }]),
    ).toBeNull();
    expect(new ScryptIdentity(pw).unwrap([{ ...(stanzas[0] as Stanza), type: "Scrypt" }])).toBeNull();
  });

  test("strict arguments, body length and the only-stanza rule (before any scrypt work)", () => {
    using pw = pass("a");
    using fileKey = LockedBuffer.random(16);
    const [s] = new ScryptRecipient(pw, { workFactor: 4 }).wrap(fileKey) as [Stanza];
    const id = new ScryptIdentity(pw);
    const salt = s.args[0] as string;
    const bad: Stanza[] = [
      { ...s, args: [salt] },
      { ...s, args: [salt, "4", "x"] },
      { ...s, args: [`${salt}AA`, "4"] },
      { ...s, args: [salt.slice(0, -2), "4"] },
      { ...s, args: [`${salt.slice(0, -1)}B`, "4"] },
      ...["0", "04", "+4", "-4", "0x4", "4x", "x4", "23", "99999999999999999999", " 4", ""].map((w) => ({
        ...s,
        args: [salt, w],
      })),
      { ...s, body: concatBytes(s.body, new Uint8Array(16)) },
      { ...s, body: s.body.subarray(0, 31) },
    ];
    for (const b of bad) expect(() => id.unwrap([b])).toThrow(FormatError);
    expect(() => id.unwrap([s, s])).toThrow(/only stanza/);
    expect(() => id.unwrap([{ type: "X25519", args: ["a"], body: new Uint8Array(32) }, s])).toThrow(
      /only stanza/,
    );
    expect(() => new ScryptIdentity(pw, { maxWorkFactor: 3 }).unwrap([s])).toThrow(/above the limit/);
  });

  test("a passphrase recipient cannot share a header", () => {
    using pw = pass("a");
    using fileKey = LockedBuffer.random(16);
    const r1 = new ScryptRecipient(pw, { workFactor: 4 });
    const r2 = new ScryptRecipient(pw, { workFactor: 4 });
    expect(() => writeHeader([r1, r2], fileKey)).toThrow(UsageError);
    expect(() => writeHeader([r1, new Argon2idRecipient(pw, SMALL)], fileKey)).toThrow(UsageError);
    expect(() => new ScryptRecipient(pw, { workFactor: 23 })).toThrow(RangeError);
    using empty = LockedBuffer.alloc(0);
    expect(() => new ScryptRecipient(empty)).toThrow(RangeError);
  });

  test("full header roundtrip with scrypt", () => {
    using pw = pass("pw");
    using fileKey = LockedBuffer.random(16);
    const h = parseHeader(writeHeader([new ScryptRecipient(pw, { workFactor: 5 })], fileKey), true);
    if (!h) throw new Error("unreachable");
    using got = unwrapFileKey(h, [new ScryptIdentity(pw)]);
    expect(got.equals(fileKey)).toBe(true);
  });
});

describe("smem-argon2id stanza", () => {
  test("wrap → unwrap; arguments carry salt and parameters; key = deriveKey(label||salt)", () => {
    using pw = pass("hunter2");
    using fileKey = LockedBuffer.random(16);
    const [s] = new Argon2idRecipient(pw, SMALL).wrap(fileKey) as [Stanza];
    expect(s.type).toBe("smem-argon2id");
    expect(s.args.slice(1)).toEqual(["64", "1", "2"]);
    expect(s.body.length).toBe(32);
    const { salt, params } = parseArgon2idStanza(s);
    expect(params).toEqual(SMALL);
    expect(encodeBase64(salt)).toBe(s.args[0] as string);
    using got = new Argon2idIdentity(pw).unwrap([s]);
    expect(got?.equals(fileKey)).toBe(true);
    using key = deriveKey(pw, concatBytes(utf8("smem-argon2id"), salt), SMALL);
    const opened = new Uint8Array(16);
    expect(chachaOpenInto(opened, key, new Uint8Array(12), s.body)).toBe(true);
    expect(fileKey.equals(opened)).toBe(true);
  });

  test("parameters are bound: changing any argument fails to open", () => {
    using pw = pass("hunter2");
    using fileKey = LockedBuffer.random(16);
    const [s] = new Argon2idRecipient(pw, SMALL).wrap(fileKey) as [Stanza];
    const id = new Argon2idIdentity(pw);
    for (const i of [1, 2, 3]) {
      const args = s.args.slice();
      args[i] = String(Number(args[i]) + 1);
      expect(() => id.unwrap([{ ...s, args }])).toThrow(AuthError);
    }
    using wrong = pass("hunter3");
    expect(() => new Argon2idIdentity(wrong).unwrap([s])).toThrow(AuthError);
  });

  test("rounds 0 is written as 1 (the same key)", () => {
    using pw = pass("x");
    using fileKey = LockedBuffer.random(16);
    const [s] = new Argon2idRecipient(pw, { ...SMALL, rounds: 0 }).wrap(fileKey) as [Stanza];
    expect(s.args[3]).toBe("1");
  });

  test("malformed and hostile stanzas are refused before any key derivation", () => {
    using pw = pass("x");
    using fileKey = LockedBuffer.random(16);
    const [s] = new Argon2idRecipient(pw, SMALL).wrap(fileKey) as [Stanza];
    const [salt] = s.args as [string];
    const id = new Argon2idIdentity(pw);
    const cases: string[][] = [
      [salt, "64", "1"],
      [salt, "64", "1", "2", "3"],
      [salt.slice(0, -1), "64", "1", "2"],
      [`${salt}AA`, "64", "1", "2"],
      [salt, "064", "1", "2"],
      [salt, "64", "0", "2"],
      [salt, "64", "1", "0"],
      [salt, "7", "1", "2"],
      [salt, "-64", "1", "2"],
      [salt, "4194304", "1", "2"], // 4 GiB
      [salt, "2097152", "9", "2"], // 2 GiB x 9 passes
      [salt, "64", "65", "2"],
      [salt, "64", "1", "10000001"],
      [salt, "1e3", "1", "2"],
      [salt, "99999999999999999999999", "1", "2"],
    ];
    for (const args of cases) expect(() => id.unwrap([{ ...s, args }])).toThrow(FormatError);
    expect(() => id.unwrap([{ ...s, body: new Uint8Array(48) }])).toThrow(/body is 48 bytes/);
    expect(() => id.unwrap([s, { type: "X25519", args: ["a"], body: new Uint8Array(32) }])).toThrow(
      /only stanza/,
    );
    expect(id.unwrap([{ type: "scrypt", args: [salt, "10"], body: s.body }])).toBeNull();
  });

  test("writing refuses parameters it would refuse to read", () => {
    using pw = pass("x");
    expect(() => new Argon2idRecipient(pw, { memoryKiB: 4 * 1024 * 1024, iterations: 1, rounds: 1 })).toThrow(
      RangeError,
    );
    expect(() => new Argon2idRecipient(pw, { memoryKiB: 64, iterations: 0, rounds: 1 })).toThrow(RangeError);
  });

  test("full header roundtrip with smem-argon2id", () => {
    using pw = pass("pw");
    using fileKey = LockedBuffer.random(16);
    const h = parseHeader(writeHeader([new Argon2idRecipient(pw, SMALL)], fileKey), true);
    if (!h) throw new Error("unreachable");
    using got = unwrapFileKey(h, [new ScryptIdentity(pw), new Argon2idIdentity(pw)]);
    expect(got.equals(fileKey)).toBe(true);
  });
});

describe("passphrase helpers", () => {
  test("needsPassphrase, passphraseRecipient (argon2id default, scrypt on request), passphraseIdentities", () => {
    using pw = pass("pw");
    using fileKey = LockedBuffer.random(16);
    const argon = passphraseRecipient(pw, { kdf: SMALL }).wrap(fileKey);
    const scrypt = passphraseRecipient(pw, { scrypt: true, scryptWorkFactor: 3 }).wrap(fileKey);
    expect(argon[0]?.type).toBe("smem-argon2id");
    expect(scrypt[0]?.type).toBe("scrypt");
    expect(scrypt[0]?.args[1]).toBe("3");
    expect(needsPassphrase(argon)).toBe(true);
    expect(needsPassphrase(scrypt)).toBe(true);
    expect(needsPassphrase([{ type: "X25519", args: ["a"], body: new Uint8Array(32) }])).toBe(false);
    for (const stanzas of [argon, scrypt]) {
      const h = parseHeader(encodeHeader(stanzas, fileKey), true);
      if (!h) throw new Error("unreachable");
      using got = unwrapFileKey(h, passphraseIdentities(pw));
      expect(got.equals(fileKey)).toBe(true);
    }
  });
});
