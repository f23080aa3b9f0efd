// Wycheproof ML-KEM-768: key generation from seeds, encapsulation (invalid encapsulation keys
// must be rejected) and decapsulation (including implicit rejection of altered ciphertexts).
import { describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { fromHex, MlKem768PrivateKey, mlkem768Encapsulate, toHex } from "../../core";
import { vector } from "../helpers/paths";

interface Case {
  tcId: number;
  comment?: string;
  result: "valid" | "invalid" | "acceptable";
  [field: string]: unknown;
}

function cases(file: string): Case[] {
  const json = JSON.parse(readFileSync(vector("wycheproof", file), "utf8")) as {
    testGroups: { parameterSet: string; tests: Case[] }[];
  };
  const all = json.testGroups.filter((g) => g.parameterSet === "ML-KEM-768").flatMap((g) => g.tests);
  if (all.length === 0) throw new Error(`${file}: no ML-KEM-768 cases`);
  return all;
}

const hex = (c: Case, field: string) => fromHex(c[field] as string);

describe("Wycheproof mlkem_768_keygen_seed_test.json", () => {
  const all = cases("mlkem_768_keygen_seed_test.json");
  test(`${all.length} seeds give the expected ek and dk`, () => {
    for (const c of all) {
      expect(c.result).toBe("valid");
      using key = MlKem768PrivateKey.fromSeed(hex(c, "seed"));
      expect([c.tcId, toHex(key.publicKey)]).toEqual([c.tcId, c.ek as string]);
      expect([c.tcId, toHex(key.decapsulationKey())]).toEqual([c.tcId, c.dk as string]);
    }
  });
});

describe("Wycheproof mlkem_768_encaps_test.json", () => {
  const all = cases("mlkem_768_encaps_test.json");
  const valid = all.filter((c) => c.result === "valid");
  const invalid = all.filter((c) => c.result !== "valid");

  test(`${valid.length} valid encapsulations give the expected c and K`, () => {
    for (const c of valid) {
      const { cipherText, sharedSecret } = mlkem768Encapsulate(hex(c, "ek"), hex(c, "m"));
      using ss = sharedSecret;
      expect([c.tcId, toHex(cipherText), toHex(ss.bytes())]).toEqual([c.tcId, c.c as string, c.K as string]);
    }
  });

  test(`${invalid.length} invalid encapsulation keys are rejected (wrong length, unreduced coefficients)`, () => {
    expect(invalid.length).toBeGreaterThan(100);
    for (const c of invalid) {
      let threw: unknown;
      try {
        mlkem768Encapsulate(hex(c, "ek"), hex(c, "m")).sharedSecret.destroy();
      } catch (error) {
        threw = error;
      }
      expect([c.tcId, (threw as Error | undefined)?.name]).toEqual([c.tcId, "FormatError"]);
    }
  });
});

describe("Wycheproof mlkem_768_test.json", () => {
  const all = cases("mlkem_768_test.json");
  const valid = all.filter((c) => c.result === "valid");
  const invalid = all.filter((c) => c.result !== "valid");

  test(`${valid.length} decapsulations give the expected K (incl. implicit rejection)`, () => {
    for (const c of valid) {
      using key = MlKem768PrivateKey.fromSeed(hex(c, "seed"));
      expect([c.tcId, toHex(key.publicKey)]).toEqual([c.tcId, c.ek as string]);
      using ss = key.decapsulate(hex(c, "c"));
      expect([c.tcId, toHex(ss.bytes())]).toEqual([c.tcId, c.K as string]);
    }
  });

  test(`${invalid.length} malformed seeds or ciphertexts are refused`, () => {
    for (const c of invalid) {
      const seed = hex(c, "seed");
      let threw = false;
      try {
        using key = MlKem768PrivateKey.fromSeed(seed);
        key.decapsulate(hex(c, "c")).destroy();
      } catch {
        threw = true;
      }
      expect([c.tcId, c.comment, threw]).toEqual([c.tcId, c.comment, true]);
    }
  });
});
