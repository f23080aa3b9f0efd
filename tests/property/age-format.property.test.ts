// Property tests for the age format layer: header write → parse roundtrips for random stanzas,
// incremental parsing, armor roundtrips under random chunking, base64 against Node's codec.
import { describe, expect, setDefaultTimeout, test } from "bun:test";
import fc from "fast-check";
import {
  ArmorDecoder,
  ArmorEncoder,
  armor,
  dearmor,
  encodeHeader,
  type Identity,
  LockedBuffer,
  parseHeader,
  type Stanza,
  unwrapFileKey,
} from "../../core";
import { decodeBase64, decodeBase64Bytes, encodeBase64 } from "../../core/age/base64";

// Bun's default is 5 s per test (bunfig cannot change it); a loaded CI runner needs more.
setDefaultTimeout(60_000);

const RUNS = 300;

const argument = fc.string({
  unit: fc.integer({ min: 0x21, max: 0x7e }).map((c) => String.fromCharCode(c)),
  minLength: 1,
  maxLength: 20,
});
const stanza: fc.Arbitrary<Stanza> = fc.record({
  type: argument,
  args: fc.array(argument, { maxLength: 4 }),
  body: fc.uint8Array({ maxLength: 200 }),
});

function concat(parts: Uint8Array[]): Uint8Array {
  return new Uint8Array(Buffer.concat(parts));
}

/** Splits `bytes` at the given (sorted, deduplicated) cut points. */
function cut(bytes: Uint8Array, points: number[]): Uint8Array[] {
  const cuts = [...new Set(points.map((p) => p % (bytes.length + 1)))].sort((a, b) => a - b);
  const parts: Uint8Array[] = [];
  let prev = 0;
  for (const c of [...cuts, bytes.length]) {
    parts.push(bytes.subarray(prev, c));
    prev = c;
  }
  return parts;
}

describe("header properties", () => {
  test("encode → parse gives back the stanzas, and the MAC verifies", () => {
    fc.assert(
      fc.property(
        fc.array(stanza, { minLength: 1, maxLength: 5 }),
        fc.uint8Array({ minLength: 16, maxLength: 16 }),
        fc.uint8Array({ maxLength: 40 }),
        (stanzas, key, payload) => {
          using fileKey = LockedBuffer.fromBytes(key.slice());
          const header = encodeHeader(stanzas, fileKey);
          const h = parseHeader(concat([header, payload]));
          expect(h).not.toBeNull();
          if (!h) return;
          expect(h.length).toBe(header.length);
          expect(h.stanzas).toEqual(stanzas.map((s) => ({ type: s.type, args: s.args, body: s.body })));
          const identity: Identity = { unwrap: () => LockedBuffer.fromBytes(fileKey.bytes().slice()) };
          using got = unwrapFileKey(h, [identity]);
          expect(got.equals(fileKey)).toBe(true);
        },
      ),
      { numRuns: RUNS },
    );
  });

  test("every proper prefix of a header parses to null (need more), never a wrong header", () => {
    fc.assert(
      fc.property(fc.array(stanza, { minLength: 1, maxLength: 3 }), fc.nat(), (stanzas, at) => {
        using fileKey = LockedBuffer.random(16);
        const header = encodeHeader(stanzas, fileKey);
        const n = at % header.length;
        expect(parseHeader(header.subarray(0, n))).toBeNull();
      }),
      { numRuns: RUNS },
    );
  });
});

describe("armor properties", () => {
  test("armor → dearmor is the identity; line lengths are 64 except the last", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 2000 }), (payload) => {
        const text = armor(payload);
        expect(dearmor(text)).toEqual(payload);
        const lines = new TextDecoder().decode(text).split("\n").slice(1, -2);
        for (const l of lines.slice(0, -1)) expect(l.length).toBe(64);
        if (lines.length > 0) expect((lines.at(-1) as string).length).toBeLessThanOrEqual(64);
      }),
      { numRuns: RUNS },
    );
  });

  test("streaming encoder and decoder agree with the whole-buffer forms under any chunking", () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 1500 }),
        fc.array(fc.nat(), { maxLength: 8 }),
        fc.array(fc.nat(), { maxLength: 8 }),
        fc.boolean(),
        (payload, encCuts, decCuts, crlf) => {
          const enc = new ArmorEncoder();
          const encoded = concat([...cut(payload, encCuts).map((p) => enc.push(p)), enc.end()]);
          expect(encoded).toEqual(armor(payload));
          const text = crlf
            ? new Uint8Array(
                Buffer.from(Buffer.from(encoded).toString("latin1").replaceAll("\n", "\r\n"), "latin1"),
              )
            : encoded;
          const dec = new ArmorDecoder();
          const decoded = concat([...cut(text, decCuts).map((p) => dec.push(p)), dec.end()]);
          expect(decoded).toEqual(payload);
        },
      ),
      { numRuns: RUNS },
    );
  });
});

describe("base64 properties", () => {
  test("agrees with Node's codec on every byte string and rejects non-canonical variants", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 100 }), (bytes) => {
        const padded = Buffer.from(bytes).toString("base64");
        const raw = padded.replace(/=+$/, "");
        expect(encodeBase64(bytes)).toBe(raw);
        expect(encodeBase64(bytes, true)).toBe(padded);
        expect(decodeBase64(raw)).toEqual(bytes);
        expect(decodeBase64(padded, true)).toEqual(bytes);
        if (raw.length % 4 !== 0) {
          expect(decodeBase64(padded)).toBeNull();
          expect(decodeBase64(raw, true)).toBeNull();
          // Setting a bit that canonical encodings leave zero must be rejected.
          const last = raw.charCodeAt(raw.length - 1);
          const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
          const v = alphabet.indexOf(String.fromCharCode(last));
          const tweaked = raw.slice(0, -1) + alphabet[v | 1];
          if (tweaked !== raw) expect(decodeBase64(tweaked)).toBeNull();
        }
      }),
      { numRuns: RUNS },
    );
  });

  test("the string decoder (native, re-encoded) accepts exactly what the strict byte decoder does", () => {
    // Alphabet characters plus what a lenient decoder might let through: padding, white space,
    // the URL alphabet and a non-ASCII letter.
    const unit = fc.constantFrom(..."AQgw/+Z9az=- _\t\n\ré".split(""));
    fc.assert(
      fc.property(fc.string({ unit, maxLength: 24 }), fc.boolean(), (text, padded) => {
        const strict = [...text].every((c) => c.charCodeAt(0) < 0x80)
          ? decodeBase64Bytes(new TextEncoder().encode(text), 0, text.length, padded)
          : null;
        const got = decodeBase64(text, padded);
        if (strict === null) expect(got).toBeNull();
        else expect(got).toEqual(strict);
      }),
      { numRuns: RUNS * 10 },
    );
  });
});
