// Every Wycheproof HMAC-SHA-256 and HKDF-SHA-256 case through smem_hmac_sha256 and
// smem_hkdf_sha256 (via core/hash, keys in LockedBuffers).
import { describe, expect, test } from "bun:test";
import { fromHex, hkdfSha256Into, hmacSha256, LockedBuffer, toHex } from "../../core";
import { allCases, loadWycheproof, type WycheproofCase } from "./wycheproof";

interface MacCase extends WycheproofCase {
  key: string;
  msg: string;
  tag: string;
}

interface HkdfCase extends WycheproofCase {
  ikm: string;
  salt: string;
  info: string;
  size: number;
  okm: string;
}

describe("Wycheproof MACs and KDFs through the shim", () => {
  test("hmac_sha256_test.json: every case, truncated tags compared as prefixes", () => {
    const data = loadWycheproof<MacCase>("hmac_sha256_test.json");
    const problems: string[] = [];
    let checked = 0;
    const tagSizes = new Set<number>();
    for (const [group, t] of allCases(data)) {
      checked++;
      // Each group fixes the tag length in bits; a truncated HMAC is the prefix of the full one.
      const tagBytes = Number(group.tagSize) / 8;
      tagSizes.add(tagBytes);
      using key = LockedBuffer.fromBytes(fromHex(t.key));
      const full = hmacSha256(key, fromHex(t.msg));
      const matches = toHex(full.subarray(0, tagBytes)) === t.tag && t.tag.length === 2 * tagBytes;
      if (t.result === "valid" && !matches) problems.push(`tcId ${t.tcId}: tag differs`);
      if (t.result === "invalid" && matches) problems.push(`tcId ${t.tcId}: invalid tag accepted`);
    }
    expect(problems).toEqual([]);
    expect(checked).toBe(data.numberOfTests);
    expect([...tagSizes].sort()).toEqual([16, 32]);
  });

  test("hkdf_sha256_test.json: every case; over-long outputs are refused by the shim", () => {
    const data = loadWycheproof<HkdfCase>("hkdf_sha256_test.json");
    const problems: string[] = [];
    let checked = 0;
    let refused = 0;
    for (const [, t] of allCases(data)) {
      checked++;
      using ikm = LockedBuffer.fromBytes(fromHex(t.ikm));
      using okm = LockedBuffer.alloc(t.size);
      let ok = true;
      try {
        hkdfSha256Into(okm.bytes(), ikm, fromHex(t.salt), fromHex(t.info));
      } catch (err) {
        if (!(err instanceof RangeError)) throw err;
        ok = false;
      }
      if (t.result === "valid") {
        if (!ok) problems.push(`tcId ${t.tcId}: refused a valid case`);
        else if (toHex(okm.bytes()) !== t.okm) problems.push(`tcId ${t.tcId}: output differs`);
      } else if (ok) {
        problems.push(`tcId ${t.tcId}: produced ${t.size} bytes for an invalid case`);
      } else {
        refused++;
      }
    }
    expect(problems).toEqual([]);
    expect(checked).toBe(data.numberOfTests);
    expect(refused).toBe(3);
  });
});
