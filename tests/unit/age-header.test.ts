import { describe, expect, test } from "bun:test";
import fc from "fast-check";
import {
  AuthError,
  encodeHeader,
  FormatError,
  type Identity,
  LockedBuffer,
  MAX_HEADER_BYTES,
  parseHeader,
  type Recipient,
  type Stanza,
  UsageError,
  unwrapFileKey,
  utf8,
  writeHeader,
} from "../../core";
import { decodeBase64, encodeBase64 } from "../../core/age/base64";
import { encodeStanza } from "../../core/age/header";
import { isValidArgument } from "../../core/age/stanza";

const text = (s: string) => utf8(s);
const MAC = "HK2NmOBN9Dpq0Gw6xMCuhFcQlQLvZ/wQUi/2scLG75s";

function header(lines: string[]): Uint8Array {
  return text(lines.join(""));
}

function expectFormat(bytes: Uint8Array, match?: RegExp): void {
  let err: unknown;
  try {
    parseHeader(bytes, true);
  } catch (e) {
    err = e;
  }
  expect(err).toBeInstanceOf(FormatError);
  if (match) expect((err as Error).message).toMatch(match);
}

/** A test recipient/identity pair that stores the file key in clear (for header mechanics only). */
function plainPair(tag: string): { recipient: Recipient; identity: Identity } {
  return {
    recipient: { wrap: (k) => [{ type: "plain", args: [tag], body: k.bytes().slice() }] },
    identity: {
      unwrap: (stanzas) => {
        const s = stanzas.find((x) => x.type === "plain" && x.args[0] === tag);
        return s ? LockedBuffer.fromBytes(s.body.slice()) : null;
      },
    },
  };
}

describe("base64", () => {
  test("canonical unpadded roundtrip and strictness", () => {
    for (let n = 0; n < 70; n++) {
      const bytes = Uint8Array.from({ length: n }, (_, i) => (i * 37 + n) & 255);
      const enc = encodeBase64(bytes);
      expect(enc).toBe(Buffer.from(bytes).toString("base64").replace(/=+$/, ""));
      expect(decodeBase64(enc)).toEqual(bytes);
      expect(decodeBase64(Buffer.from(bytes).toString("base64"), true)).toEqual(bytes);
    }
    expect(decodeBase64("AA==")).toBeNull(); // padding in unpadded form
    expect(decodeBase64("AB")).toBeNull(); // non-zero trailing bits
    expect(decodeBase64("AAB")).toBeNull();
    expect(decodeBase64("A")).toBeNull(); // impossible length
    expect(decodeBase64("AA A")).toBeNull();
    expect(decodeBase64("AA\n")).toBeNull();
    expect(decodeBase64("-_")).toBeNull(); // URL alphabet
    expect(decodeBase64("AB==", true)).toBeNull();
    expect(decodeBase64("AA=", true)).toBeNull();
    expect(decodeBase64("A===", true)).toBeNull();
    expect(decodeBase64("AA=A", true)).toBeNull();
    expect(decodeBase64("AA", true)).toBeNull();
  });
});

describe("parseHeader", () => {
  const good = [
    "age-encryption.org/v1\n",
    "-> X25519 XEl0dJ6y3C7KZkgmgWUicg63EyXJiwBJW8PdYJ/cYBE\n",
    "qRS0AMjdjPvZ/WT08U2KL4G+PIooA3hy38SvLpvaC1E\n",
    `--- ${MAC}\n`,
  ];

  test("parses the spec's example header", () => {
    const bytes = header([...good, "payload"]);
    const h = parseHeader(bytes);
    expect(h).not.toBeNull();
    if (!h) return;
    expect(h.stanzas).toHaveLength(1);
    expect(h.stanzas[0]?.type).toBe("X25519");
    expect(h.stanzas[0]?.args).toEqual(["XEl0dJ6y3C7KZkgmgWUicg63EyXJiwBJW8PdYJ/cYBE"]);
    expect(h.stanzas[0]?.body).toEqual(
      decodeBase64("qRS0AMjdjPvZ/WT08U2KL4G+PIooA3hy38SvLpvaC1E") as Uint8Array,
    );
    expect(encodeBase64(h.mac)).toBe(MAC);
    expect(new TextDecoder().decode(h.headerBytes)).toBe(good.join("").slice(0, -(MAC.length + 2)));
    expect(h.length).toBe(good.join("").length);
  });

  test("incremental: null for every proper prefix, FormatError at end of input", () => {
    const full = header(good);
    for (let n = 0; n < full.length; n++) {
      expect(parseHeader(full.subarray(0, n))).toBeNull();
      expectFormat(full.subarray(0, n));
    }
    expect(parseHeader(full)?.length).toBe(full.length);
  });

  test("rejects garbage early without waiting for more bytes", () => {
    expect(() => parseHeader(text("PK\x03\x04"))).toThrow(FormatError);
    expect(() => parseHeader(text("age-encryption.org/v2\n"))).toThrow(/unsupported/);
    expect(() => parseHeader(text("age-encryption.org/v1\nxx"))).toThrow(FormatError);
    expect(() => parseHeader(text("age-encryption.org/v1\n-> a\n!"))).toThrow(FormatError);
  });

  test("multi-line bodies: full lines then a short (possibly empty) final line", () => {
    const body64 = "A".repeat(64);
    const h = parseHeader(text(`age-encryption.org/v1\n-> t\n${body64}\n${body64}\nAAA\n--- ${MAC}\n`));
    expect(h?.stanzas[0]?.body.length).toBe(48 * 2 + 2);
    const e = parseHeader(text(`age-encryption.org/v1\n-> t\n${body64}\n\n--- ${MAC}\n`));
    expect(e?.stanzas[0]?.body.length).toBe(48);
    const empty = parseHeader(text(`age-encryption.org/v1\n-> t a b\n\n-> u\n\n--- ${MAC}\n`));
    expect(empty?.stanzas.map((s) => [s.type, s.args, s.body.length])).toEqual([
      ["t", ["a", "b"], 0],
      ["u", [], 0],
    ]);
  });

  const bad: [string, string][] = [
    ["empty file", ""],
    ["CRLF version line", "age-encryption.org/v1\r\n-> t\n\n--- M\n"],
    ["unknown version", "age-encryption.org/v2\n-> t\n\n--- M\n"],
    ["no stanzas", "age-encryption.org/v1\n--- M\n"],
    ["stanza without arguments", "age-encryption.org/v1\n->\n\n--- M\n"],
    ["stanza with empty argument list", "age-encryption.org/v1\n-> \n\n--- M\n"],
    ["double space", "age-encryption.org/v1\n-> a  b\n\n--- M\n"],
    ["trailing space", "age-encryption.org/v1\n-> a \n\n--- M\n"],
    ["CR in arguments", "age-encryption.org/v1\n-> a\r\n\n--- M\n"],
    ["non-ASCII argument", "age-encryption.org/v1\n-> é\n\n--- M\n"],
    ["tab in argument", "age-encryption.org/v1\n-> a\tb\n\n--- M\n"],
    ["no space after arrow", "age-encryption.org/v1\n->a\n\n--- M\n"],
    ["missing body", "age-encryption.org/v1\n-> a\n--- M\n"],
    ["missing final line", `age-encryption.org/v1\n-> a\n${"A".repeat(64)}\n--- M\n`],
    ["two short lines", "age-encryption.org/v1\n-> a\nAA\nAA\n--- M\n"],
    ["long body line", `age-encryption.org/v1\n-> a\n${"A".repeat(65)}\n\n--- M\n`],
    ["padded body", "age-encryption.org/v1\n-> a\nAA==\n--- M\n"],
    ["non-canonical body", "age-encryption.org/v1\n-> a\nAB\n--- M\n"],
    ["CR in body", "age-encryption.org/v1\n-> a\nAA\r\n--- M\n"],
    ["space in body", "age-encryption.org/v1\n-> a\nAA AA\n--- M\n"],
    ["MAC missing", "age-encryption.org/v1\n-> a\n\n---\n"],
    ["MAC no space", `age-encryption.org/v1\n-> a\n\n---${MAC}\n`],
    ["MAC extra space", `age-encryption.org/v1\n-> a\n\n---  ${MAC}\n`],
    ["MAC trailing space", `age-encryption.org/v1\n-> a\n\n--- ${MAC} \n`],
    ["MAC truncated", `age-encryption.org/v1\n-> a\n\n--- ${MAC.slice(0, 42)}\n`],
    ["MAC non-canonical", `age-encryption.org/v1\n-> a\n\n--- ${MAC.slice(0, 42)}t\n`],
    ["MAC CRLF", `age-encryption.org/v1\n-> a\n\n--- ${MAC}\r\n`],
    ["MAC padded", `age-encryption.org/v1\n-> a\n\n--- ${MAC}=\n`],
    ["unknown line", "age-encryption.org/v1\n-> a\n\n-- x\n"],
    ["blank line between stanzas", "age-encryption.org/v1\n-> a\n\n\n--- M\n"],
  ];
  // "--- M" stands for a valid MAC line, so each case has exactly one defect.
  const withMac = (s: string) => text(s.replace("--- M\n", `--- ${MAC}\n`));
  test("the templates are valid without their defect", () => {
    expect(parseHeader(withMac("age-encryption.org/v1\n-> a b\nAA\n--- M\n"), true)).not.toBeNull();
  });
  for (const [name, input] of bad) {
    test(`rejects: ${name}`, () => expectFormat(withMac(input)));
  }

  test("header size is bounded", () => {
    const long = text(`age-encryption.org/v1\n-> ${"a".repeat(MAX_HEADER_BYTES)}`);
    expect(() => parseHeader(long)).toThrow(/longer than/);
  });
});

describe("writeHeader / unwrapFileKey", () => {
  test("roundtrip, canonical encoding, MAC verified", () => {
    const a = plainPair("a");
    const b = plainPair("b");
    using fileKey = LockedBuffer.random(16);
    const bytes = writeHeader([a.recipient, b.recipient], fileKey);
    const h = parseHeader(bytes, true);
    if (!h) throw new Error("unreachable");
    expect(h.length).toBe(bytes.length);
    expect(encodeHeader(h.stanzas, fileKey)).toEqual(bytes);
    using got = unwrapFileKey(h, [b.identity]);
    expect(got.equals(fileKey)).toBe(true);
  });

  test("a flipped header bit is a FormatError or an AuthError, never success", () => {
    const a = plainPair("a");
    using fileKey = LockedBuffer.random(16);
    const bytes = writeHeader([a.recipient], fileKey);
    for (let i = 0; i < bytes.length; i++) {
      for (const bit of [0x01, 0x20]) {
        const copy = bytes.slice();
        copy[i] = (copy[i] as number) ^ bit;
        let outcome = "success";
        try {
          const h = parseHeader(copy, true);
          if (h) unwrapFileKey(h, [a.identity]).destroy();
        } catch (e) {
          outcome = e instanceof FormatError ? "format" : e instanceof AuthError ? "auth" : `other ${e}`;
        }
        expect(outcome === "format" || outcome === "auth").toBe(true);
      }
    }
  });

  test("no identity matches → AuthError; wrong MAC → AuthError", () => {
    const a = plainPair("a");
    using fileKey = LockedBuffer.random(16);
    const h = parseHeader(writeHeader([a.recipient], fileKey), true);
    if (!h) throw new Error("unreachable");
    expect(() => unwrapFileKey(h, [plainPair("z").identity])).toThrow(/no identity matched/);
    expect(() => unwrapFileKey(h, [])).toThrow(AuthError);
    const tampered = { ...h, mac: h.mac.map((x, i) => (i === 0 ? x ^ 1 : x)) };
    expect(() => unwrapFileKey(tampered, [a.identity])).toThrow(/MAC mismatch/);
  });

  test("an AuthError from one identity lets the next one try; FormatError stops", () => {
    const a = plainPair("a");
    using fileKey = LockedBuffer.random(16);
    const h = parseHeader(writeHeader([a.recipient], fileKey), true);
    if (!h) throw new Error("unreachable");
    const failing: Identity = {
      unwrap: () => {
        throw new AuthError("wrong passphrase");
      },
    };
    const malformed: Identity = {
      unwrap: () => {
        throw new FormatError("bad stanza");
      },
    };
    using k = unwrapFileKey(h, [failing, a.identity]);
    expect(k.equals(fileKey)).toBe(true);
    expect(() => unwrapFileKey(h, [failing])).toThrow(/wrong passphrase/);
    expect(() => unwrapFileKey(h, [malformed, a.identity])).toThrow(FormatError);
  });

  test("label sets must agree", () => {
    using fileKey = LockedBuffer.random(16);
    const plain = plainPair("a").recipient;
    const labelled: Recipient = { ...plainPair("b").recipient, labels: ["postquantum"] };
    expect(() => writeHeader([plain, labelled], fileKey)).toThrow(UsageError);
    expect(() => writeHeader([labelled, plain], fileKey)).toThrow(UsageError);
    expect(writeHeader([labelled, { ...labelled }], fileKey).length).toBeGreaterThan(0);
    expect(() => writeHeader([], fileKey)).toThrow(UsageError);
  });

  test("stanza encoding wraps at 64 columns and always ends with a short line", () => {
    for (const n of [0, 1, 47, 48, 49, 95, 96, 97, 200]) {
      const s: Stanza = { type: "t", args: ["x"], body: new Uint8Array(n).fill(7) };
      const lines = new TextDecoder().decode(encodeStanza(s)).split("\n");
      expect(lines.at(-1)).toBe("");
      const bodyLines = lines.slice(1, -1);
      expect(bodyLines.slice(0, -1).every((l) => l.length === 64)).toBe(true);
      expect((bodyLines.at(-1) as string).length).toBeLessThan(64);
      expect(bodyLines.length).toBe(Math.floor(n / 48) + 1);
    }
    expect(() => encodeStanza({ type: "a b", args: [], body: new Uint8Array(0) })).toThrow(RangeError);
    expect(() => encodeStanza({ type: "t", args: [""], body: new Uint8Array(0) })).toThrow(RangeError);
  });
});

describe("stanza arguments", () => {
  test("isValidArgument is 1*VCHAR, exactly the spec's pattern", () => {
    expect(isValidArgument("X25519")).toBe(true);
    expect(isValidArgument("!~")).toBe(true);
    for (const bad of ["", " ", "a b", "\x7f", "\x20x", "é", "a\n", "\x00"]) {
      expect(isValidArgument(bad)).toBe(false);
    }
    const char = fc.integer({ min: 0, max: 0x180 }).map((c) => String.fromCharCode(c));
    fc.assert(
      fc.property(fc.array(char, { maxLength: 12 }), (chars) => {
        const arg = chars.join("");
        expect(isValidArgument(arg)).toBe(/^[\x21-\x7e]+$/.test(arg));
      }),
      { numRuns: 2000 },
    );
  });
});
