// The KDF (DESIGN section 6) against RFC 9106 and an independent implementation (hash-wasm).
import { describe, expect, test } from "bun:test";
import fc from "fast-check";
import { argon2id, sha3 } from "hash-wasm";
import { argon2idInto, deriveKey, LockedBuffer, toHex } from "../../core";

const bytes = (n: number, v: number) => new Uint8Array(n).fill(v);

/** hash-wasm Argon2id (p = 1, 32 bytes) then SHA3-256 applied max(rounds, 1) times. */
async function oracle(
  pw: Uint8Array,
  salt: Uint8Array,
  m: number,
  t: number,
  rounds: number,
): Promise<string> {
  let k: Uint8Array = await argon2id({
    password: pw,
    salt,
    parallelism: 1,
    iterations: t,
    memorySize: m,
    hashLength: 32,
    outputType: "binary",
  });
  for (let i = 0; i < Math.max(rounds, 1); i++) k = Buffer.from(await sha3(k, 256), "hex");
  return toHex(k);
}

describe("Argon2id", () => {
  test("RFC 9106 section 5.3 vector (p = 4, secret, associated data) through the shim", () => {
    const out = new Uint8Array(32);
    argon2idInto(out, bytes(32, 1), bytes(16, 2), {
      memoryKiB: 32,
      iterations: 3,
      lanes: 4,
      secret: bytes(8, 3),
      ad: bytes(12, 4),
    });
    expect(toHex(out)).toBe("0d640df58d78766c08c037a34a8b53c9d01ef0452d75b65eb52520e96b01e659");
  });

  test("the shim equals hash-wasm on random inputs", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.uint8Array({ minLength: 1, maxLength: 64 }), // hash-wasm refuses an empty password
        fc.uint8Array({ minLength: 8, maxLength: 32 }),
        fc.integer({ min: 8, max: 256 }),
        fc.integer({ min: 1, max: 3 }),
        async (pw, salt, m, t) => {
          const out = new Uint8Array(32);
          argon2idInto(out, pw, salt, { memoryKiB: m, iterations: t });
          const expected = await argon2id({
            password: pw,
            salt,
            parallelism: 1,
            iterations: t,
            memorySize: m,
            hashLength: 32,
            outputType: "hex",
          });
          expect(toHex(out)).toBe(expected);
        },
      ),
      { numRuns: 25 },
    );
  });
});

describe("deriveKey", () => {
  test('deriveKey("pass", "saltsalt", 1024 KiB, t = 1, rounds = 10) equals hash-wasm + 10 x SHA3-256', async () => {
    const enc = new TextEncoder();
    using pass = LockedBuffer.fromBytes(enc.encode("pass"));
    using key = deriveKey(pass, enc.encode("saltsalt"), { memoryKiB: 1024, iterations: 1, rounds: 10 });
    expect(key.size).toBe(32);
    expect(key.locked).toBe(true);
    const expected = await oracle(enc.encode("pass"), enc.encode("saltsalt"), 1024, 1, 10);
    expect(toHex(key.bytes())).toBe(expected);
    expect(expected).toBe("9122556b77b2419f22540075c1fdf2f038a5c5389f760674d6acc8ffda807482");
  });

  test("rounds 0 and 1 give the same key; 2 differs", () => {
    using pass = LockedBuffer.fromBytes(new TextEncoder().encode("correct horse"));
    const salt = bytes(16, 7);
    const p = { memoryKiB: 64, iterations: 1 };
    using r0 = deriveKey(pass, salt, { ...p, rounds: 0 });
    using r1 = deriveKey(pass, salt, { ...p, rounds: 1 });
    using r2 = deriveKey(pass, salt, { ...p, rounds: 2 });
    expect(r0.equals(r1)).toBe(true);
    expect(r0.equals(r2)).toBe(false);
  });

  test("equals the independent computation on random inputs", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.uint8Array({ minLength: 1, maxLength: 40 }),
        fc.uint8Array({ minLength: 8, maxLength: 24 }),
        fc.integer({ min: 8, max: 128 }),
        fc.integer({ min: 0, max: 40 }),
        async (pw, salt, m, rounds) => {
          using pass = LockedBuffer.fromBytes(pw.slice());
          using key = deriveKey(pass, salt, { memoryKiB: m, iterations: 1, rounds });
          expect(toHex(key.bytes())).toBe(await oracle(pw, salt, m, 1, rounds));
        },
      ),
      { numRuns: 15 },
    );
  });

  test("bad parameters are refused before any work", () => {
    using pass = LockedBuffer.alloc(1);
    expect(() => deriveKey(pass, bytes(7, 0), { memoryKiB: 64, iterations: 1, rounds: 1 })).toThrow(/salt/);
    expect(() => deriveKey(pass, bytes(8, 0), { memoryKiB: 7, iterations: 1, rounds: 1 })).toThrow(/memory/);
    expect(() => deriveKey(pass, bytes(8, 0), { memoryKiB: 8, iterations: 0, rounds: 1 })).toThrow(
      /iterations/,
    );
  });
});
