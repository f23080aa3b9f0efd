// Differential test: the native KEMs (libsodium through the shim) against @noble/post-quantum,
// an independent pure-JS implementation kept as a devDependency for exactly this. Random seeds
// and coins; keys, deterministic ciphertexts and shared secrets must agree byte for byte, also
// for decapsulation of corrupted ciphertexts (implicit rejection).
import { describe, expect, test } from "bun:test";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { ml_kem768_x25519 } from "@noble/post-quantum/hybrid.js";
import { ml_kem768 } from "@noble/post-quantum/ml-kem.js";
import {
  MlKem768PrivateKey,
  mlkem768Encapsulate,
  toHex,
  XWingPrivateKey,
  xwingEncapsulate,
} from "../../core";

const ROUNDS = 8;
const random = (n: number) => crypto.getRandomValues(new Uint8Array(n));

/** The same ciphertext with one random bit flipped (in the part `from`..`to`). */
function corrupt(ct: Uint8Array, from = 0, to = ct.length): Uint8Array {
  const bad = ct.slice();
  const at = from + Math.floor(Math.random() * (to - from));
  bad[at] = (bad[at] as number) ^ (1 << Math.floor(Math.random() * 8));
  return bad;
}

describe("native KEMs agree with @noble/post-quantum", () => {
  test(`ML-KEM-768: ${ROUNDS} random seeds — keys, deterministic encapsulation, decapsulation`, () => {
    for (let i = 0; i < ROUNDS; i++) {
      const seed = random(64);
      const m = random(32);
      using key = MlKem768PrivateKey.fromSeed(seed);
      const theirs = ml_kem768.keygen(seed);
      expect(toHex(key.publicKey)).toBe(toHex(theirs.publicKey));
      expect(toHex(key.decapsulationKey())).toBe(toHex(theirs.secretKey));

      const mine = mlkem768Encapsulate(key.publicKey, m);
      using ss = mine.sharedSecret;
      const other = ml_kem768.encapsulate(theirs.publicKey, m);
      expect(toHex(mine.cipherText)).toBe(toHex(other.cipherText));
      expect(toHex(ss.bytes())).toBe(toHex(other.sharedSecret));

      using back = key.decapsulate(mine.cipherText);
      expect(toHex(back.bytes())).toBe(toHex(ss.bytes()));

      const bad = corrupt(mine.cipherText);
      using rejected = key.decapsulate(bad);
      expect(toHex(rejected.bytes())).toBe(toHex(ml_kem768.decapsulate(bad, theirs.secretKey)));
      expect(rejected.equals(ss)).toBe(false);
    }
  });

  test(`X-Wing: ${ROUNDS} random seeds — keys, deterministic encapsulation, decapsulation`, () => {
    for (let i = 0; i < ROUNDS; i++) {
      const seed = random(32);
      const coins = random(64);
      using key = XWingPrivateKey.fromSeed(seed);
      const theirs = ml_kem768_x25519.keygen(seed);
      expect(toHex(key.publicKey)).toBe(toHex(theirs.publicKey));

      const mine = xwingEncapsulate(key.publicKey, coins);
      using ss = mine.sharedSecret;
      const other = ml_kem768_x25519.encapsulate(theirs.publicKey, coins);
      expect(toHex(mine.cipherText)).toBe(toHex(other.cipherText));
      expect(toHex(ss.bytes())).toBe(toHex(other.sharedSecret));

      using back = key.decapsulate(mine.cipherText);
      expect(toHex(back.bytes())).toBe(toHex(ss.bytes()));

      // Corrupt the ML-KEM part only: the X25519 share stays a valid point, so both sides
      // return an implicit-rejection secret rather than refusing the share.
      const bad = corrupt(mine.cipherText, 0, 1088);
      using rejected = key.decapsulate(bad);
      expect(toHex(rejected.bytes())).toBe(toHex(ml_kem768_x25519.decapsulate(bad, theirs.secretKey)));
      expect(rejected.equals(ss)).toBe(false);
    }
  });
});

describe("noble is a test-only dependency", () => {
  function sources(dir: string): string[] {
    return readdirSync(dir, { withFileTypes: true, recursive: true })
      .filter((e) => e.isFile() && /\.(ts|mts|js|mjs)$/.test(e.name))
      .map((e) => join(e.parentPath, e.name));
  }

  test("nothing under core/, cmd/ or ffi/ imports @noble/*", () => {
    const root = join(import.meta.dir, "..", "..");
    const files = ["core", "cmd", "ffi"].flatMap((d) => sources(join(root, d)));
    expect(files.length).toBeGreaterThan(20);
    const offenders = files.filter((f) => /["']@noble\//.test(readFileSync(f, "utf8")));
    expect(offenders).toEqual([]);
  });

  test("package.json lists @noble/* only under devDependencies", () => {
    const pkg = JSON.parse(readFileSync(join(import.meta.dir, "..", "..", "package.json"), "utf8")) as {
      dependencies?: Record<string, string>;
    };
    expect(Object.keys(pkg.dependencies ?? {}).filter((n) => n.startsWith("@noble/"))).toEqual([]);
  });
});
