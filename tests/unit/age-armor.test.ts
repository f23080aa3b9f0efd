import { describe, expect, test } from "bun:test";
import {
  ARMOR_BEGIN,
  ARMOR_END,
  ArmorDecoder,
  ArmorEncoder,
  armor,
  dearmor,
  FormatError,
  isArmored,
  utf8,
} from "../../core";

const dec = new TextDecoder();
const payloadOf = (n: number) => Uint8Array.from({ length: n }, (_, i) => (i * 131 + 7) & 255);

function pem(payload: Uint8Array): string {
  const b64 = Buffer.from(payload).toString("base64");
  const lines = b64.match(/.{1,64}/g) ?? [];
  return `${ARMOR_BEGIN}\n${lines.map((l) => `${l}\n`).join("")}${ARMOR_END}\n`;
}

function expectArmorError(text: string): void {
  expect(() => dearmor(utf8(text))).toThrow(FormatError);
}

describe("armor encoding", () => {
  test("matches standard PEM with 64-column lines for many sizes", () => {
    for (const n of [0, 1, 2, 3, 47, 48, 49, 95, 96, 97, 1000]) {
      const p = payloadOf(n);
      expect(dec.decode(armor(p))).toBe(pem(p));
      expect(dearmor(armor(p))).toEqual(p);
    }
  });

  test("streaming encoder equals whole-buffer encoding for any chunking", () => {
    const p = payloadOf(1000);
    for (const step of [1, 2, 7, 47, 48, 49, 500]) {
      const enc = new ArmorEncoder();
      const parts: Uint8Array[] = [];
      for (let i = 0; i < p.length; i += step) parts.push(enc.push(p.subarray(i, i + step)));
      parts.push(enc.end());
      expect(dec.decode(Buffer.concat(parts))).toBe(pem(p));
    }
  });
});

describe("armor decoding", () => {
  const good = pem(payloadOf(100));

  test("streaming decoder equals whole-buffer decoding for any chunking", () => {
    const bytes = utf8(`  \n\t\r\n${good.replaceAll("\n", "\r\n")}  \n\n`);
    for (const step of [1, 3, 64, 65, 66, 1000]) {
      const d = new ArmorDecoder();
      const parts: Uint8Array[] = [];
      for (let i = 0; i < bytes.length; i += step) parts.push(d.push(bytes.subarray(i, i + step)));
      parts.push(d.end());
      expect(new Uint8Array(Buffer.concat(parts))).toEqual(payloadOf(100));
    }
  });

  test("accepts what the spec allows", () => {
    expect(dearmor(utf8(good))).toEqual(payloadOf(100));
    expect(dearmor(utf8(good.replaceAll("\n", "\r\n")))).toEqual(payloadOf(100)); // CRLF
    expect(dearmor(utf8(good.slice(0, -1)))).toEqual(payloadOf(100)); // no final newline
    expect(dearmor(utf8(`\n \n\t\n${good} \n\n`))).toEqual(payloadOf(100)); // whitespace outside
    expect(dearmor(utf8(pem(payloadOf(96))))).toEqual(payloadOf(96)); // full last line
    expect(dearmor(utf8(`${ARMOR_BEGIN}\n${ARMOR_END}\n`))).toEqual(new Uint8Array(0));
  });

  const lines = good.split("\n");
  const bad: [string, string][] = [
    ["garbage before", `x\n${good}`],
    ["garbage after", `${good}x\n`],
    ["whitespace before the BEGIN line on its line", ` ${good}`],
    ["whitespace at end of a line", good.replace(lines[1] as string, `${lines[1]} `)],
    ["whitespace at start of a line", good.replace(lines[1] as string, ` ${lines[1]}`)],
    ["empty line after BEGIN", good.replace(`${ARMOR_BEGIN}\n`, `${ARMOR_BEGIN}\n\n`)],
    ["empty line before END", good.replace(`\n${ARMOR_END}`, `\n\n${ARMOR_END}`)],
    ["missing END", good.replace(`${ARMOR_END}\n`, "")],
    ["wrong label", good.replaceAll("AGE ENCRYPTED FILE", "AGE ENCRYPTED DATA")],
    ["lowercase", good.toLowerCase()],
    ["headers", good.replace(`${ARMOR_BEGIN}\n`, `${ARMOR_BEGIN}\nVersion: 1\n\n`)],
    [
      "short line in the middle",
      `${ARMOR_BEGIN}\n${(lines[1] as string).slice(0, 60)}\n${lines[2]}\n${ARMOR_END}\n`,
    ],
    ["long line", `${ARMOR_BEGIN}\n${lines[1]}${(lines[2] as string).slice(0, 4)}\n${ARMOR_END}\n`],
    ["missing padding", pem(payloadOf(100)).replace("=\n", "\n")],
    ["non-canonical bits", `${ARMOR_BEGIN}\nAB==\n${ARMOR_END}\n`],
    ["PGP checksum", good.replace(`\n${ARMOR_END}`, `\n=abcd\n${ARMOR_END}`)],
    ["invalid character", good.replace((lines[1] as string).slice(0, 2), "!!")],
    ["line break between padding", `${ARMOR_BEGIN}\nAA=\n=\n${ARMOR_END}\n`],
    ["too much leading whitespace", `${" \n".repeat(600)}${good}`],
    ["too much trailing whitespace", `${good}${" ".repeat(1100)}`],
    ["only whitespace", "  \n\n"],
    ["empty", ""],
  ];
  for (const [name, text] of bad) test(`rejects: ${name}`, () => expectArmorError(text));

  test("garbage without newlines is refused without buffering it", () => {
    const d = new ArmorDecoder();
    d.push(utf8(`${ARMOR_BEGIN}\n`));
    expect(() => d.push(new Uint8Array(10_000).fill(0x41))).toThrow(/longer than 64/);
  });
});

describe("isArmored", () => {
  test("detects the BEGIN line after whitespace only", () => {
    expect(isArmored(utf8(pem(payloadOf(3))))).toBe(true);
    expect(isArmored(utf8(`\n  \r\n${ARMOR_BEGIN}`))).toBe(true);
    expect(isArmored(utf8("age-encryption.org/v1\n"))).toBe(false);
    expect(isArmored(utf8(ARMOR_BEGIN.slice(0, 20)))).toBe(false);
    expect(isArmored(new Uint8Array(0))).toBe(false);
  });
});
