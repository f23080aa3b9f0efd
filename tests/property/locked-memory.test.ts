// fast-check properties of LockedBuffer, Enclave and the locked hex encoder (runs kept bounded).
import { describe, expect, test } from "bun:test";
import fc from "fast-check";
import { Enclave, LockedBuffer, toHex } from "../../core";
import { hexInto } from "../../core/bytes";

describe("properties", () => {
  test("fromBytes then bytes() gives the input back, and the source is wiped", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 9000 }), (input) => {
        const src = input.slice();
        using buf = LockedBuffer.fromBytes(src);
        expect(buf.size).toBe(input.length);
        expect(buf.equals(input)).toBe(true);
        expect(src.every((b) => b === 0)).toBe(true);
      }),
      { numRuns: 60 },
    );
  });

  test("wipe zeroes every byte and keeps the size", () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 1, maxLength: 9000 }), (input) => {
        using buf = LockedBuffer.fromBytes(input.slice());
        buf.wipe();
        expect(buf.size).toBe(input.length);
        expect(buf.bytes().every((b) => b === 0)).toBe(true);
      }),
      { numRuns: 60 },
    );
  });

  test("enclave roundtrip for sizes 0..70000", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 70000 }), fc.integer({ min: 0, max: 255 }), (size, seed) => {
        const data = new Uint8Array(size);
        for (let i = 0; i < size; i++) data[i] = (i * 31 + seed) & 0xff;
        const enclave = Enclave.seal(LockedBuffer.fromBytes(data.slice()));
        expect(enclave.size).toBe(size);
        using out = enclave.open();
        expect(out.equals(data)).toBe(true);
      }),
      {
        numRuns: 40,
        examples: [
          [0, 0],
          [1, 1],
          [65536, 2],
          [70000, 3],
        ],
      },
    );
  });

  test("hexInto writes what toHex returns", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (input) => {
        const out = new Uint8Array(input.length * 2);
        hexInto(out, input);
        expect(new TextDecoder().decode(out)).toBe(toHex(input));
      }),
      { numRuns: 100 },
    );
  });
});
