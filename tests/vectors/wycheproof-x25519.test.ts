// Every Wycheproof X25519 case through smem_x25519 (via core/x25519, scalars and shared secrets
// in LockedBuffers).
//
// How "acceptable" cases are judged. Wycheproof marks as acceptable the inputs RFC 7748 lets an
// implementation either accept or reject. smem (like age) rejects exactly one kind: a shared
// secret of all zeros, which is what every low-order public key produces (flags LowOrderPublic /
// ZeroSharedSecret, including the non-canonical encodings of those points). libsodium refuses
// those, so an acceptable case whose expected secret is zero MUST be rejected. Every other
// acceptable case (points on the twist, non-canonical encodings of ordinary points, edge-case
// multiplications) is computed as RFC 7748 section 5 defines it and MUST equal the expected secret.
// Valid cases must always agree.
import { describe, expect, test } from "bun:test";
import { fromHex, LockedBuffer, toHex, x25519Into } from "../../core";
import { allCases, loadWycheproof, type WycheproofCase } from "./wycheproof";

interface XdhCase extends WycheproofCase {
  public: string;
  private: string;
  shared: string;
}

const ZERO = "00".repeat(32);

describe("Wycheproof X25519 through the shim", () => {
  test("x25519_test.json: every case", () => {
    const data = loadWycheproof<XdhCase>("x25519_test.json");
    const problems: string[] = [];
    let checked = 0;
    let rejectedLowOrder = 0;
    let acceptedAcceptable = 0;
    for (const [, t] of allCases(data)) {
      checked++;
      const where = `tcId ${t.tcId} (${t.result}, ${t.flags.join(",")})`;
      using scalar = LockedBuffer.fromBytes(fromHex(t.private));
      using shared = LockedBuffer.alloc(32);
      const ok = x25519Into(shared.bytes(), scalar, fromHex(t.public));
      if (t.shared === ZERO) {
        // Only acceptable cases may have a zero secret; smem must refuse them all.
        if (t.result === "valid") problems.push(`${where}: a valid case with a zero secret`);
        if (ok) problems.push(`${where}: low-order point accepted`);
        else rejectedLowOrder++;
        continue;
      }
      if (!ok) problems.push(`${where}: rejected`);
      else if (toHex(shared.bytes()) !== t.shared) problems.push(`${where}: shared secret differs`);
      else if (t.result === "acceptable") acceptedAcceptable++;
    }
    expect(problems).toEqual([]);
    expect(checked).toBe(data.numberOfTests);
    expect(rejectedLowOrder).toBeGreaterThan(20);
    expect(acceptedAcceptable).toBeGreaterThan(100);
  });
});
