// Property tests for key strings: the byte-level Bech32 codec (secret keys) agrees with
// @scure/base (recipients) on random payloads and prefixes, round-trips, and rejects any single
// changed character (Bech32 detects every error of up to 4 characters).
import { describe, expect, setDefaultTimeout, test } from "bun:test";
import { bech32 } from "@scure/base";
import fc from "fast-check";
import { bech32DecodeBytes, bech32EncodeBytes } from "../../core";

setDefaultTimeout(60_000);

const ascii = (b: Uint8Array) => new TextDecoder().decode(b);
const hrpArb = fc.stringMatching(/^[a-z][a-z0-9-]{0,20}$/);
const CHARSET = "qpzry9x8gf2tvdw0s3jn54khce6mua7l";

describe("Bech32 over bytes (property)", () => {
  test("encode agrees with @scure/base and decode inverts it", () => {
    fc.assert(
      fc.property(hrpArb, fc.uint8Array({ maxLength: 1300 }), fc.boolean(), (hrp, data, upper) => {
        using text = bech32EncodeBytes(hrp, data, upper);
        const theirs = bech32.encode(hrp, bech32.toWords(data), false);
        expect(ascii(text.bytes())).toBe(upper ? theirs.toUpperCase() : theirs);
        const back = bech32DecodeBytes(text.bytes());
        using payload = back.data;
        expect(back.hrp.toLowerCase()).toBe(hrp);
        expect(Buffer.from(payload.bytes()).equals(Buffer.from(data))).toBe(true);
      }),
      { numRuns: 200 },
    );
  });

  test("any one substituted data character is rejected", () => {
    fc.assert(
      fc.property(
        hrpArb,
        fc.uint8Array({ minLength: 1, maxLength: 100 }),
        fc.nat(),
        fc.integer({ min: 1, max: 31 }),
        (hrp, data, at, delta) => {
          using text = bech32EncodeBytes(hrp, data, false);
          const s = ascii(text.bytes());
          const start = hrp.length + 1;
          const i = start + (at % (s.length - start));
          const c = CHARSET[(CHARSET.indexOf(s[i] as string) + delta) % 32] as string;
          const changed = s.slice(0, i) + c + s.slice(i + 1);
          expect(() => bech32DecodeBytes(new TextEncoder().encode(changed)).data.destroy()).toThrow();
        },
      ),
      { numRuns: 300 },
    );
  });
});
