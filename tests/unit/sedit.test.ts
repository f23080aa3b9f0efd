// core/sedit against files built here independently: hash-wasm computes the KDF (Argon2id then
// the SHA3-256 chain), the layout is assembled by hand from DESIGN 7.3, and only the AEAD is the
// shim's. Files smem writes are taken apart and decrypted the same way.
import { describe, expect, test } from "bun:test";
import { argon2id, createSHA3 } from "hash-wasm";
import {
  AuthError,
  detectSedit,
  FormatError,
  LockedBuffer,
  openSedit,
  randomBytes,
  SeditKey,
  utf8,
  xchachaOpenInto,
  xchachaSeal,
} from "../../core";
import { isValidUtf8 } from "../../core/text/utf8";

interface Params {
  m: number;
  t: number;
  rounds: number;
}
const DEFAULTS: Params = { m: 65536, t: 3, rounds: 1000 };
const SMALL: Params = { m: 64, t: 1, rounds: 7 };
const MAGIC = (v: number) => new Uint8Array([0x53, 0x45, 0x44, 0x49, 0x54, 0x00, v, 0x00]);
const V1_SALT = new TextEncoder().encode("sedit-v1-salt000");
const TEXT = "first line\nsecond: é 日本 🔐\nthird";

async function oracleKey(passphrase: string, salt: Uint8Array, p: Params): Promise<Uint8Array> {
  const k0 = await argon2id({
    password: passphrase,
    salt,
    parallelism: 1,
    iterations: p.t,
    memorySize: p.m,
    hashLength: 32,
    outputType: "binary",
  });
  const sha3 = await createSHA3(256);
  let h = k0;
  for (let i = 0; i < Math.max(p.rounds, 1); i++) {
    sha3.init();
    sha3.update(h);
    h = sha3.digest("binary");
  }
  return h;
}

function cat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

function v3Header(p: Params, salt: Uint8Array): Uint8Array {
  const h = new Uint8Array(40);
  h.set(MAGIC(3));
  const dv = new DataView(h.buffer);
  dv.setUint32(8, p.m);
  dv.setUint32(12, p.t);
  dv.setBigUint64(16, BigInt(p.rounds));
  h.set(salt, 24);
  return h;
}

async function buildV3(
  pass: string,
  text: Uint8Array,
  p: Params,
  salt = randomBytes(16),
): Promise<Uint8Array> {
  const header = v3Header(p, salt);
  const nonce = randomBytes(24);
  return cat(header, nonce, xchachaSeal(await oracleKey(pass, salt, p), nonce, text, header));
}

function pw(s: string): LockedBuffer {
  return LockedBuffer.fromBytes(utf8(s));
}

function decode(buf: LockedBuffer): string {
  return new TextDecoder().decode(buf.bytes());
}

function expectSmemError(
  fn: () => unknown,
  kind: typeof AuthError | typeof FormatError,
  code: number,
  msg: RegExp,
) {
  let caught: unknown;
  try {
    fn();
  } catch (err) {
    caught = err;
  }
  expect(caught).toBeInstanceOf(kind);
  expect((caught as AuthError).exitCode as number).toBe(code);
  expect((caught as Error).message).toMatch(msg);
}

describe("sedit reading", () => {
  test("v3 with small parameters", async () => {
    const salt = randomBytes(16);
    const file = await buildV3("correct horse", utf8(TEXT), SMALL, salt);
    expect(detectSedit(file)).toBe(3);
    using pass = pw("correct horse");
    const opened = openSedit(file, pass);
    using text = opened.plaintext;
    expect(opened.version).toBe(3);
    expect(decode(text)).toBe(TEXT);
    expect([...opened.key.salt]).toEqual([...salt]);
    expect(opened.key.params).toEqual({ memoryKiB: 64, iterations: 1, rounds: 7 });
  });

  test("v3 with rounds 0 (the same key as 1) and an empty document", async () => {
    const file = await buildV3("pw", new Uint8Array(0), { m: 32, t: 2, rounds: 0 });
    using pass = pw("pw");
    using text = openSedit(file, pass).plaintext;
    expect(text.size).toBe(0);
  });

  test("v2 (per-file salt, default parameters)", async () => {
    const salt = randomBytes(16);
    const nonce = randomBytes(24);
    const key = await oracleKey("v2 pass", salt, DEFAULTS);
    const file = cat(MAGIC(2), salt, nonce, xchachaSeal(key, nonce, utf8(TEXT)));
    expect(detectSedit(file)).toBe(2);
    using pass = pw("v2 pass");
    const opened = openSedit(file, pass);
    using text = opened.plaintext;
    expect(opened.version).toBe(2);
    expect(decode(text)).toBe(TEXT);

    // Re-saving upgrades to v3 with the same salt and the default parameters, fresh nonce.
    const saved = opened.key.seal(text.bytes());
    expect(detectSedit(saved)).toBe(3);
    expect([...saved.subarray(24, 40)]).toEqual([...salt]);
    const dv = new DataView(saved.buffer);
    expect([dv.getUint32(8), dv.getUint32(12), dv.getBigUint64(16)]).toEqual([65536, 3, 1000n]);
    const out = new Uint8Array(saved.length - 40 - 24 - 16);
    expect(xchachaOpenInto(out, key, saved.subarray(40, 64), saved.subarray(64), saved.subarray(0, 40))).toBe(
      true,
    );
    expect(new TextDecoder().decode(out)).toBe(TEXT);
    expect([...saved.subarray(40, 64)]).not.toEqual([...nonce]);
  });

  test("v1 (fixed salt, default parameters)", async () => {
    const nonce = randomBytes(24);
    const key = await oracleKey("v1 pass", V1_SALT, DEFAULTS);
    const file = cat(MAGIC(1), nonce, xchachaSeal(key, nonce, utf8(TEXT)));
    expect(detectSedit(file)).toBe(1);
    using pass = pw("v1 pass");
    const opened = openSedit(file, pass);
    using text = opened.plaintext;
    expect(opened.version).toBe(1);
    expect(decode(text)).toBe(TEXT);
    expect(new TextDecoder().decode(opened.key.salt)).toBe("sedit-v1-salt000");
    // Re-saved, it becomes v3 with the fixed salt and the defaults in its header.
    const saved = opened.key.seal(text.bytes());
    expect([...saved.subarray(0, 8)]).toEqual([...MAGIC(3)]);
    expect(new TextDecoder().decode(saved.subarray(24, 40))).toBe("sedit-v1-salt000");
    const out = new Uint8Array(saved.length - 80);
    expect(xchachaOpenInto(out, key, saved.subarray(40, 64), saved.subarray(64), saved.subarray(0, 40))).toBe(
      true,
    );
    expect(new TextDecoder().decode(out)).toBe(TEXT);
  });

  test("files without a known magic are plaintext", () => {
    for (const s of [
      "",
      "hello",
      "SEDIT",
      "SEDIT\0\x04\0 not a version",
      "sedit\0\x03\0",
      "\0\0\0\0\0\0\0\0\0",
    ]) {
      expect(detectSedit(utf8(s))).toBeNull();
    }
  });
});

describe("sedit writing", () => {
  test("SeditKey.seal writes v3 that the oracle decrypts; each save draws a new nonce", async () => {
    using pass = pw("new file pass");
    const key = SeditKey.create(pass, { memoryKiB: 64, iterations: 2, rounds: 3 });
    const a = key.seal(utf8(TEXT));
    const b = key.seal(utf8(TEXT));
    for (const file of [a, b]) {
      expect([...file.subarray(0, 8)]).toEqual([...MAGIC(3)]);
      const dv = new DataView(file.buffer);
      const p = { m: dv.getUint32(8), t: dv.getUint32(12), rounds: Number(dv.getBigUint64(16)) };
      expect(p).toEqual({ m: 64, t: 2, rounds: 3 });
      const k = await oracleKey("new file pass", file.slice(24, 40), p);
      const out = new Uint8Array(file.length - 80);
      expect(xchachaOpenInto(out, k, file.subarray(40, 64), file.subarray(64), file.subarray(0, 40))).toBe(
        true,
      );
      expect(new TextDecoder().decode(out)).toBe(TEXT);
    }
    expect([...a.subarray(24, 40)]).toEqual([...b.subarray(24, 40)]);
    expect([...a.subarray(40, 64)]).not.toEqual([...b.subarray(40, 64)]);
    // And core/sedit reads its own output.
    using again = openSedit(b, pass).plaintext;
    expect(decode(again)).toBe(TEXT);
  });

  test("new files get a random salt", () => {
    using pass = pw("x");
    const a = SeditKey.create(pass, { memoryKiB: 8, iterations: 1, rounds: 1 });
    const b = SeditKey.create(pass, { memoryKiB: 8, iterations: 1, rounds: 1 });
    expect([...a.salt]).not.toEqual([...b.salt]);
  });
});

describe("sedit failures", () => {
  test("tampering v3 header byte 11 (memory) or byte 30 (salt) fails authentication", async () => {
    const file = await buildV3("pw", utf8(TEXT), SMALL);
    using pass = pw("pw");
    for (const index of [11, 30]) {
      const bad = file.slice();
      bad[index] = (bad[index] as number) ^ 0x01;
      expectSmemError(() => openSedit(bad, pass), AuthError, 3, /wrong key or tampered header/);
    }
  });

  test("a tampered body or a wrong passphrase fails authentication", async () => {
    const file = await buildV3("right", utf8(TEXT), SMALL);
    using wrong = pw("wrong");
    expectSmemError(() => openSedit(file, wrong), AuthError, 3, /decryption failed/);
    using right = pw("right");
    const bad = file.slice();
    bad[bad.length - 1] = (bad[bad.length - 1] as number) ^ 0x80;
    expectSmemError(() => openSedit(bad, right), AuthError, 3, /decryption failed/);
    expectSmemError(
      () => openSedit(file.subarray(0, file.length - 1), right),
      AuthError,
      3,
      /decryption failed/,
    );
  });

  test("short files are malformed", async () => {
    using pass = pw("pw");
    const v3 = await buildV3("pw", utf8("x"), SMALL);
    expectSmemError(() => openSedit(v3.subarray(0, 39), pass), FormatError, 2, /too short for header/);
    expectSmemError(() => openSedit(v3.subarray(0, 79), pass), FormatError, 2, /file too short/);
    expectSmemError(
      () => openSedit(cat(MAGIC(2), new Uint8Array(15)), pass),
      FormatError,
      2,
      /corrupted v2 file/,
    );
    expectSmemError(
      () => openSedit(cat(MAGIC(1), new Uint8Array(39)), pass),
      FormatError,
      2,
      /file too short/,
    );
  });

  test("absurd KDF parameters in a v3 header are refused before any work", () => {
    using pass = pw("pw");
    const cases: [Params, RegExp][] = [
      [{ m: 0xffffffff, t: 1, rounds: 1 }, /memory of 4294967295 KiB is outside/],
      [{ m: 4 * 1024 * 1024 + 1, t: 1, rounds: 1 }, /memory/],
      [{ m: 4, t: 1, rounds: 1 }, /memory/],
      [{ m: 64, t: 0, rounds: 1 }, /iterations/],
      [{ m: 64, t: 100000, rounds: 1 }, /iterations/],
      [{ m: 64, t: 1, rounds: 100_000_001 }, /rounds/],
    ];
    for (const [p, msg] of cases) {
      const file = cat(v3Header(p, randomBytes(16)), new Uint8Array(60));
      expectSmemError(() => openSedit(file, pass), FormatError, 2, msg);
    }
    const huge = cat(v3Header(SMALL, randomBytes(16)), new Uint8Array(60));
    new DataView(huge.buffer).setBigUint64(16, 0xffffffffffffffffn);
    expectSmemError(() => openSedit(huge, pass), FormatError, 2, /rounds of 18446744073709551615/);
  });

  test("decrypted bytes that are not UTF-8 are malformed", async () => {
    const file = await buildV3("pw", new Uint8Array([0x61, 0xff, 0x62]), SMALL);
    using pass = pw("pw");
    expectSmemError(() => openSedit(file, pass), FormatError, 2, /not valid UTF-8/);
  });
});

describe("UTF-8 validation", () => {
  test("accepts well-formed text and rejects every kind of ill-formed sequence", () => {
    expect(isValidUtf8(utf8(TEXT))).toBe(true);
    expect(isValidUtf8(new Uint8Array(0))).toBe(true);
    expect(isValidUtf8(utf8("\u{10ffff}\u{ffff}\u{800}\u{80}"))).toBe(true);
    const bad = [
      [0xc0, 0x80], // overlong NUL
      [0xe0, 0x80, 0x80], // overlong
      [0xf0, 0x80, 0x80, 0x80], // overlong
      [0xed, 0xa0, 0x80], // surrogate
      [0xf4, 0x90, 0x80, 0x80], // above U+10FFFF
      [0xe6, 0x97], // truncated
      [0x80], // stray continuation
      [0xf8, 0x88, 0x80, 0x80, 0x80], // 5-byte form
      [0xc3, 0x28], // bad continuation
    ];
    for (const b of bad) expect(isValidUtf8(new Uint8Array(b))).toBe(false);
  });
});
