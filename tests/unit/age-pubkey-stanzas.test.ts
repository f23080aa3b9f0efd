// The public-key stanzas (X25519, mlkem768x25519, smem-mlkem768) as Recipient/Identity pairs.
import { describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { base64nopad } from "@scure/base";
import { chachaSeal, concatBytes, fromHex, hkdfSha256Into, LockedBuffer, toHex, utf8 } from "../../core";
import type { Recipient, Stanza } from "../../core/age/key-wrap";
import {
  checkRecipientMix,
  formatIdentityFile,
  generateIdentity,
  type KeyIdentity,
  parseIdentityFile,
  parseRecipientString,
  parseRecipientsFile,
  recipientString,
} from "../../core/age/keys";
import { MlKem768X25519Identity } from "../../core/age/mlkem768x25519";
import { SmemMlKem768Identity } from "../../core/age/smem-mlkem768";
import { X25519Identity, X25519Recipient } from "../../core/age/x25519";
import { vector } from "../helpers/paths";

const KINDS = ["x25519", "xwing", "mlkem768"] as const;
const STANZA = { x25519: "X25519", xwing: "mlkem768x25519", mlkem768: "smem-mlkem768" } as const;
const ARG_BYTES = { x25519: 32, xwing: 1120, mlkem768: 1088 } as const;

function withIdentity<T>(kind: (typeof KINDS)[number], fn: (id: KeyIdentity) => T): T {
  const id = generateIdentity(kind);
  try {
    return fn(id);
  } finally {
    id.destroy();
  }
}

describe.each(KINDS)("%s stanza", (kind) => {
  test("wraps and unwraps a file key; the stanza has the documented shape", () => {
    withIdentity(kind, (id) => {
      using fileKey = LockedBuffer.random(16);
      const stanzas = id.recipient().wrap(fileKey);
      expect(stanzas.length).toBe(1);
      const s = stanzas[0] as Stanza;
      expect(s.type).toBe(STANZA[kind]);
      expect(s.args.length).toBe(1);
      expect(base64nopad.decode(s.args[0] as string).length).toBe(ARG_BYTES[kind]);
      expect(s.body.length).toBe(32);
      const back = id.unwrap(stanzas);
      expect(back).not.toBeNull();
      using got = back as LockedBuffer;
      expect(got.equals(fileKey)).toBe(true);
    });
  });

  test("labels: post-quantum kinds say so, X25519 has none", () => {
    withIdentity(kind, (id) => {
      const labels = (id.recipient() as Recipient).labels;
      if (kind === "x25519") expect(labels).toBeUndefined();
      else expect(labels).toEqual(["postquantum"]);
    });
  });

  test("another identity of the same kind finds no match (null), as does an unrelated stanza", () => {
    withIdentity(kind, (id) =>
      withIdentity(kind, (other) => {
        using fileKey = LockedBuffer.random(16);
        const stanzas = id.recipient().wrap(fileKey);
        expect(other.unwrap(stanzas)).toBeNull();
        expect(id.unwrap([{ type: "something-else", args: ["x"], body: new Uint8Array(5) }])).toBeNull();
        // The identity tries every stanza of its type: ours second still matches.
        const both = [...other.recipient().wrap(fileKey), ...stanzas];
        using got = id.unwrap(both) as LockedBuffer;
        expect(got.equals(fileKey)).toBe(true);
      }),
    );
  });

  test("a tampered body or argument does not authenticate", () => {
    withIdentity(kind, (id) => {
      using fileKey = LockedBuffer.random(16);
      const [s] = id.recipient().wrap(fileKey) as [Stanza];
      const body = s.body.slice();
      body[5] = (body[5] as number) ^ 0x40;
      expect(id.unwrap([{ ...s, body }])).toBeNull();
      const arg = base64nopad.decode(s.args[0] as string);
      arg[3] = (arg[3] as number) ^ 1;
      expect(id.unwrap([{ ...s, args: [base64nopad.encode(arg)] }])).toBeNull();
    });
  });

  test("malformed stanzas are FormatErrors: argument count, base64, sizes", () => {
    withIdentity(kind, (id) => {
      using fileKey = LockedBuffer.random(16);
      const [s] = id.recipient().wrap(fileKey) as [Stanza];
      const bad = (patch: Partial<Stanza>) => () => id.unwrap([{ ...s, ...patch }]);
      expect(bad({ args: [] })).toThrow(/argument/);
      expect(bad({ args: [s.args[0] as string, "extra"] })).toThrow(/argument/);
      expect(bad({ args: [`${s.args[0]}=`] })).toThrow(/base64/);
      const arg = base64nopad.decode(s.args[0] as string);
      expect(bad({ args: [base64nopad.encode(concatBytes(arg, new Uint8Array(1)))] })).toThrow(/bytes/);
      expect(bad({ args: [base64nopad.encode(arg.subarray(1))] })).toThrow(/bytes/);
      expect(bad({ body: concatBytes(s.body, new Uint8Array(1)) })).toThrow(/body is 33 bytes/);
      expect(bad({ body: s.body.subarray(0, 31) })).toThrow(/body is 31 bytes/);
    });
  });

  test("identity files round-trip in age-keygen's format", () => {
    withIdentity(kind, (id) => {
      using file = formatIdentityFile(id, new Date(Date.UTC(2026, 0, 2, 3, 4, 5)));
      const text = new TextDecoder().decode(file.bytes());
      const lines = text.split("\n");
      expect(lines[0]).toMatch(/^# created: 2026-01-0\dT\d\d:04:05(Z|[+-]\d\d:\d\d)$/);
      expect(lines[1]).toBe(`# public key: ${recipientString(id.recipient())}`);
      expect(lines[3]).toBe("");
      const [back, ...rest] = parseIdentityFile(file.bytes(), "test");
      expect(rest.length).toBe(0);
      try {
        expect(toHex((back as KeyIdentity).publicKey)).toBe(toHex(id.publicKey));
      } finally {
        back?.destroy();
      }
    });
  });
});

describe("low-order X25519 shares", () => {
  test("X25519 stanza with an all-zero share or to a low-order recipient is refused", () => {
    using id = X25519Identity.generate();
    using fileKey = LockedBuffer.random(16);
    const [s] = id.recipient().wrap(fileKey) as [Stanza];
    expect(() => id.unwrap([{ ...s, args: [base64nopad.encode(new Uint8Array(32))] }])).toThrow(/low-order/);
    expect(() => new X25519Recipient(new Uint8Array(32)).wrap(fileKey)).toThrow(/low-order/);
  });

  test("mlkem768x25519 stanza whose enc ends in a low-order share is refused", () => {
    using id = MlKem768X25519Identity.generate();
    using fileKey = LockedBuffer.random(16);
    const [s] = id.recipient().wrap(fileKey) as [Stanza];
    const enc = base64nopad.decode(s.args[0] as string);
    enc.fill(0, 1088);
    expect(() => id.unwrap([{ ...s, args: [base64nopad.encode(enc)] }])).toThrow(/low-order/);
  });
});

describe("Wycheproof x25519_test.json through the X25519 identity", () => {
  // Each case becomes a stanza whose share is the case's public key and whose body is the file
  // key wrapped under the case's expected shared secret: valid cases must unwrap, all-zero
  // shared secrets (low-order points) must be refused.
  const json = JSON.parse(readFileSync(vector("wycheproof", "x25519_test.json"), "utf8")) as {
    testGroups: {
      tests: { tcId: number; public: string; private: string; shared: string; result: string }[];
    }[];
  };
  const all = json.testGroups.flatMap((g) => g.tests);
  const zero = all.filter((c) => /^0+$/.test(c.shared));

  test(`${all.length - zero.length} cases unwrap, ${zero.length} zero-secret cases are refused`, () => {
    expect(zero.length).toBeGreaterThan(20);
    using fileKey = LockedBuffer.random(16);
    const info = utf8("age-encryption.org/v1/X25519");
    for (const c of all) {
      using id = X25519Identity.fromSeed(fromHex(c.private));
      const share = fromHex(c.public);
      if (zero.includes(c)) {
        const stanza = { type: "X25519", args: [base64nopad.encode(share)], body: new Uint8Array(32) };
        let message = "";
        try {
          id.unwrap([stanza]);
        } catch (error) {
          message = (error as Error).message;
        }
        expect([c.tcId, message]).toEqual([c.tcId, "invalid X25519 stanza: low-order ephemeral share"]);
        continue;
      }
      using wrapKey = LockedBuffer.alloc(32);
      hkdfSha256Into(wrapKey.bytes(), fromHex(c.shared), concatBytes(share, id.publicKey), info);
      const body = chachaSeal(wrapKey, new Uint8Array(12), fileKey.bytes());
      const got = id.unwrap([{ type: "X25519", args: [base64nopad.encode(share)], body }]);
      expect([c.tcId, got?.equals(fileKey)]).toEqual([c.tcId, true]);
      got?.destroy();
    }
  });
});

describe("recipient strings, files and mixing", () => {
  test("recipients files skip comments and blank lines and name bad lines", () => {
    using a = X25519Identity.generate();
    using b = SmemMlKem768Identity.generate();
    const text = `# team keys\n\n${recipientString(a.recipient())}\r\n  ${recipientString(b.recipient())}  \n`;
    const rs = parseRecipientsFile(text, "keys.txt");
    expect(rs.map((r) => toHex(r.publicKey))).toEqual([toHex(a.publicKey), toHex(b.publicKey)]);
    expect(() => parseRecipientsFile("# nothing\n", "empty.txt")).toThrow(/no recipients/);
    expect(() => parseRecipientsFile("age1bogus\n", "bad.txt")).toThrow(/bad.txt: line 1/);
  });

  test("identity files: several keys, comments, CRLF; plugin keys and garbage are errors", () => {
    using a = X25519Identity.generate();
    using b = MlKem768X25519Identity.generate();
    using fa = formatIdentityFile(a);
    using fb = formatIdentityFile(b);
    const crlf = new TextDecoder().decode(concatBytes(fa.bytes(), fb.bytes())).replaceAll("\n", "\r\n");
    const ids = parseIdentityFile(utf8(crlf), "ids");
    expect(ids.map((i) => toHex(i.publicKey))).toEqual([toHex(a.publicKey), toHex(b.publicKey)]);
    for (const i of ids) i.destroy();
    expect(() => parseIdentityFile(utf8("# only comments\n"), "f")).toThrow(/no identities/);
    expect(() => parseIdentityFile(utf8("AGE-PLUGIN-YUBIKEY-1XYZ\n"), "f")).toThrow(/plugin/);
    expect(() => parseIdentityFile(utf8("hello\n"), "f")).toThrow(/f: line 1/);
  });

  test("post-quantum and classical recipients do not mix without --allow-classical", () => {
    const pq = parseRecipientString(
      recipientString(withIdentityRecipient(() => MlKem768X25519Identity.generate())),
    );
    const classical = parseRecipientString(
      recipientString(withIdentityRecipient(() => X25519Identity.generate())),
    );
    expect(checkRecipientMix([pq, pq], false)).toEqual([pq, pq]);
    expect(checkRecipientMix([classical], false)).toEqual([classical]);
    expect(() => checkRecipientMix([pq, classical], false)).toThrow(/--allow-classical/);
    const allowed = checkRecipientMix([pq, classical], true);
    expect(allowed.every((r) => r.labels === undefined)).toBe(true);
    using fileKey = LockedBuffer.random(16);
    expect(allowed[0]?.wrap(fileKey)[0]?.type).toBe("mlkem768x25519");
  });
});

function withIdentityRecipient<T extends KeyIdentity>(make: () => T) {
  const id = make();
  try {
    return id.recipient();
  } finally {
    id.destroy();
  }
}
