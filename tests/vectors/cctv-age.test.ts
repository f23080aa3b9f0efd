// The C2SP CCTV age suite (npm cctv-age) through smem's age layer. Every vector gets the expected
// outcome (success with the right plaintext hash, or exit 2 / exit 3), or, when it needs a piece
// that another layer provides (kem identities, the stream decryptor), is listed in PENDING and
// checked as far as it can go. A vector not in PENDING must be fully decided.
import { afterAll, describe, expect, test } from "bun:test";
import { expectedExit, loadVectors, type Outcome, runVector } from "../helpers/cctv-age";

/**
 * Vectors that need another layer, and which: "kem" for X25519 / hybrid identities, "stream" for
 * the payload (success hashes, payload failures, the nonce). Entries that start passing are
 * reported in the summary (SMEM_CCTV_SUMMARY=1) and can be removed.
 */
const PENDING: Record<string, ("kem" | "stream")[]> = {
  armor_crlf: ["kem", "stream"],
  armor_full_last_line: ["kem", "stream"],
  armor_garbage_encoded: ["kem", "stream"],
  armor_hybrid: ["kem", "stream"],
  armor_no_eol: ["kem", "stream"],
  armor_no_match: ["kem"],
  armor_scrypt: ["stream"],
  armor_whitespace_outside: ["kem", "stream"],
  armor_x25519: ["kem", "stream"],
  hmac_bad: ["kem"],
  hybrid: ["kem", "stream"],
  hybrid_and_x25519: ["kem", "stream"],
  hybrid_bad_tag: ["kem"],
  hybrid_currupted_enc_mlkem: ["kem"],
  hybrid_currupted_enc_x25519: ["kem"],
  hybrid_extra_argument: ["kem"],
  hybrid_grease: ["kem", "stream"],
  hybrid_identity: ["kem"],
  hybrid_long_file_key: ["kem"],
  hybrid_long_share: ["kem"],
  hybrid_low_order: ["kem"],
  hybrid_multiple_recipients: ["kem", "stream"],
  hybrid_no_match: ["kem"],
  hybrid_not_canonical_enc: ["kem"],
  hybrid_short_share: ["kem"],
  hybrid_uppercase: ["kem"],
  hybrid_x25519_arg: ["kem"],
  scrypt: ["stream"],
  scrypt_and_x25519: ["kem"],
  stanza_empty_body: ["kem", "stream"],
  stanza_empty_last_line: ["kem", "stream"],
  stanza_valid_characters: ["kem", "stream"],
  stream_257_chunks: ["kem", "stream"],
  stream_257_chunks_full: ["kem", "stream"],
  stream_258_chunks: ["kem", "stream"],
  stream_bad_tag: ["kem", "stream"],
  stream_bad_tag_second_chunk: ["kem", "stream"],
  stream_bad_tag_second_chunk_full: ["kem", "stream"],
  stream_empty_payload: ["kem", "stream"],
  stream_last_chunk_empty: ["kem", "stream"],
  stream_last_chunk_full: ["kem", "stream"],
  stream_last_chunk_full_second: ["kem", "stream"],
  stream_missing_tag: ["kem", "stream"],
  stream_no_chunks: ["kem", "stream"],
  stream_no_final: ["kem", "stream"],
  stream_no_final_full: ["kem", "stream"],
  stream_no_final_two_chunks: ["kem", "stream"],
  stream_no_final_two_chunks_full: ["kem", "stream"],
  stream_no_nonce: ["kem", "stream"],
  stream_short_chunk: ["kem", "stream"],
  stream_short_nonce: ["kem", "stream"],
  stream_short_second_chunk: ["kem", "stream"],
  stream_three_chunks: ["kem", "stream"],
  stream_trailing_garbage_long: ["kem", "stream"],
  stream_trailing_garbage_short: ["kem", "stream"],
  stream_two_chunks: ["kem", "stream"],
  stream_two_final_chunks: ["kem", "stream"],
  stream_two_final_chunks_full: ["kem", "stream"],
  stream_two_final_chunks_second: ["kem", "stream"],
  stream_two_final_chunks_short: ["kem", "stream"],
  x25519: ["kem", "stream"],
  x25519_bad_tag: ["kem"],
  x25519_extra_argument: ["kem"],
  x25519_grease: ["kem", "stream"],
  x25519_identity: ["kem"],
  x25519_long_file_key: ["kem"],
  x25519_long_share: ["kem"],
  x25519_low_order: ["kem"],
  x25519_lowercase: ["kem"],
  x25519_multiple_recipients: ["kem", "stream"],
  x25519_no_match: ["kem"],
  x25519_not_canonical_share: ["kem"],
  x25519_short_share: ["kem"],
};

const vectors = loadVectors();
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
        if (v.payload !== undefined && out.stage === "payload") expect(out.plaintextSha256).toBe(v.payload);
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
