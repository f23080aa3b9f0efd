// The C2SP CCTV age suite (npm cctv-age), all 144 vectors, through smem's readers: the age layer
// (armor, header, stanzas, MAC), the kem identities and the streaming decryptor
// (core/age/decrypt.ts). Every vector must get the expected outcome: success with the right
// plaintext hash, or exit 2 / exit 3 having released exactly the plaintext age releases.

import { afterAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import { createHash } from "node:crypto";
import { expectedExit, loadVectors, type Outcome, runVector, type Vector } from "../helpers/cctv-age";

// Bun's default is 5 s per test (bunfig cannot change it); a loaded CI runner needs more.
setDefaultTimeout(60_000);

/**
 * Vectors allowed to stop early because a layer is missing ("kem" identities, the "stream"
 * decryptor). Empty: every layer is in. Kept so a new vector family can be staged here.
 */
const PENDING: Record<string, ("kem" | "stream")[]> = {};

const vectors = loadVectors();

/**
 * Exactly the plaintext age's streaming reader releases: all of it on success, and on a payload
 * failure every chunk that authenticated before it (the CCTV rule: the `payload` hash covers all
 * plaintext released, even when decryption then fails). Failures before the payload release
 * nothing.
 */
function checkReleased(v: Vector, released: Uint8Array): void {
  const sha = createHash("sha256").update(released).digest("hex");
  const want = v.payload ?? createHash("sha256").update(new Uint8Array(0)).digest("hex");
  expect({ name: v.name, released: released.length, sha }).toMatchObject({ name: v.name, sha: want });
}
const summary: string[] = [];

describe("CCTV age vectors", () => {
  test("the suite is there", () => {
    expect(vectors.length).toBeGreaterThan(140);
  });

  for (const v of vectors) {
    test(v.name, async () => {
      const out: Outcome = await runVector(v);
      const want = expectedExit(v.expect);
      if (out.kind === "pending") {
        summary.push(`${v.name}: pending on ${out.on.join("+")} (reached ${out.stage})`);
        // Pending only on what the list says this vector needs.
        const allowed = PENDING[v.name] ?? [];
        expect({ name: v.name, pendingOn: out.on.filter((x) => !allowed.includes(x)) }).toEqual({
          name: v.name,
          pendingOn: [],
        });
      } else {
        const stale = PENDING[v.name] ? " (listed as pending: update PENDING)" : "";
        summary.push(`${v.name}: passing, exit ${out.exit} at ${out.stage}${stale}`);
        expect({ name: v.name, exit: out.exit, message: out.message }).toMatchObject({
          name: v.name,
          exit: want,
        });
        if (v.expect === "armor failure") expect(out.stage).toBe("armor");
        if (v.expect === "HMAC failure") expect(out.message).toMatch(/MAC/);
        if (out.stage === "payload" && out.plaintext !== undefined) checkReleased(v, out.plaintext);
      }
      // Every header that parses must re-encode to the same bytes (age's round-trip check).
      if (out.headerRoundtrip !== undefined)
        expect({ name: v.name, roundtrip: out.headerRoundtrip }).toEqual({ name: v.name, roundtrip: true });
    });
  }

  afterAll(() => {
    if (process.env.SMEM_CCTV_SUMMARY) process.stderr.write(`${summary.sort().join("\n")}\n`);
  });
});
