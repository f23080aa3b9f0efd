// The vault's entry plaintext and entry file names (docs/FORMAT.md, "smem vault").
import { describe, expect, test } from "bun:test";
import { hmacSha256, toHex } from "../../core";
import { encodeEntry, entryName, entryValue } from "../../core/vault/entry";
import { entryFileName, validateName } from "../../core/vault/names";

const enc = (s: string) => new TextEncoder().encode(s);

describe("vault entry plaintext", () => {
  test("is magic || u16 BE name length || name || value", () => {
    using plain = encodeEntry("db", enc("pw"));
    expect(toHex(plain.bytes())).toBe(
      `${toHex(enc("smem-vault-entry/v1\n"))}0002${toHex(enc("db"))}${toHex(enc("pw"))}`,
    );
    expect(entryName(plain.bytes())).toBe("db");
    expect(new TextDecoder().decode(entryValue(plain.bytes(), "db"))).toBe("pw");
  });

  test("the stored name must equal the asked one, byte for byte", () => {
    using plain = encodeEntry("naïve", new Uint8Array([1, 2, 3]));
    expect([...entryValue(plain.bytes(), "naïve")]).toEqual([1, 2, 3]);
    for (const other of ["naive", "naïv", "naïvee", "NAÏVE"]) {
      expect(() => entryValue(plain.bytes(), other)).toThrow("swapped or renamed");
    }
  });

  test("empty values, a 1024-byte name, and every malformed framing", () => {
    using empty = encodeEntry("e", new Uint8Array(0));
    expect(entryValue(empty.bytes(), "e").length).toBe(0);
    const long = "x".repeat(1024);
    using big = encodeEntry(long, enc("v"));
    expect(entryName(big.bytes())).toBe(long);
    expect(() => encodeEntry("x".repeat(1025), enc("v"))).toThrow("at most 1024");

    const good = encodeEntry("name", enc("value"));
    const bytes = good.bytes().slice();
    good.destroy();
    /** entryName of a copy with `changes` (offset → byte) applied. */
    const corrupt =
      (changes: Record<number, number>, length = bytes.length) =>
      () => {
        const b = bytes.slice(0, length);
        for (const [at, v] of Object.entries(changes)) b[Number(at)] = v;
        return entryName(b);
      };
    expect(corrupt({}, 21)).toThrow("too short");
    expect(corrupt({ 0: 0x53 })).toThrow("not a smem vault entry");
    expect(corrupt({ 20: 0, 21: 0 })).toThrow("bad name length");
    expect(corrupt({ 20: 0xff })).toThrow("bad name length");
    expect(corrupt({ 22: 0xff })).toThrow("not UTF-8");
  });
});

describe("vault names", () => {
  test("file name = hex HMAC-SHA-256(key = salt, UTF-8 name) + .age, as the shim computes it", () => {
    const salt = new Uint8Array(32).map((_, i) => i);
    for (const name of ["a", "db/password", "naïve 🔑", "x".repeat(1024)]) {
      expect(entryFileName(salt, name)).toBe(`${toHex(hmacSha256(salt, enc(name)))}.age`);
    }
    // The worked example of docs/FORMAT.md.
    expect(entryFileName(salt, "db")).toBe(
      "55df8bba1fb6462fdd02b8be1f64f8cccbf0003547d65ee91601e7192f682941.age",
    );
    expect(entryFileName(salt, "a")).not.toBe(entryFileName(new Uint8Array(32), "a"));
  });

  test("control characters, lone surrogates, empty and over-long names are refused", () => {
    for (const bad of [
      "",
      "a\nb",
      "tab\there",
      "nul\0",
      "del\x7f",
      "\ud800",
      "x".repeat(1025),
      "é".repeat(513),
    ]) {
      expect(() => validateName(bad)).toThrow();
    }
    for (const ok of ["a", " spaced ", "é".repeat(512), "../../etc/passwd"])
      expect(() => validateName(ok)).not.toThrow();
  });
});
