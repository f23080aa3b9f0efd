// core/age/encrypt.ts + decrypt.ts: whole age files streamed, against the whole-buffer reader
// (sealed-bytes) as a second opinion, and every header byte flipped.
import { describe, expect, test } from "bun:test";
import { decrypt } from "../../core/age/decrypt";
import { encrypt } from "../../core/age/encrypt";
import { ScryptIdentity, ScryptRecipient } from "../../core/age/scrypt";
import { openBytes } from "../../core/age/sealed-bytes";
import { utf8 } from "../../core/bytes";
import { AuthError, FormatError } from "../../core/errors";
import { LockedBuffer } from "../../core/locked-buffer";
import { randomBytes } from "../../core/random";
import { BytesSource, CollectSink } from "../../core/stream";

async function seal(plain: Uint8Array, armor: boolean): Promise<Uint8Array> {
  using pass = LockedBuffer.fromBytes(utf8("pass"));
  const sink = new CollectSink();
  await encrypt([new ScryptRecipient(pass, { workFactor: 4 })], new BytesSource(plain), sink, {
    armor,
    batchChunks: 2,
  });
  return sink.bytes();
}

async function open(file: Uint8Array): Promise<{ plain: Uint8Array; error: unknown; asked: boolean }> {
  using pass = LockedBuffer.fromBytes(utf8("pass"));
  const sink = new CollectSink();
  let asked = false;
  try {
    await decrypt(
      new BytesSource(file),
      sink,
      (h) => {
        asked = true;
        expect(h.stanzas.length).toBeGreaterThan(0);
        return [new ScryptIdentity(pass)];
      },
      { batchChunks: 2 },
    );
    return { plain: sink.bytes(), error: null, asked };
  } catch (error) {
    return { plain: sink.bytes(), error, asked };
  }
}

describe("age files through the streaming engines", () => {
  for (const size of [0, 1, 65536, 65537, 300_000]) {
    for (const armor of [false, true]) {
      test(`${size} bytes${armor ? ", armored" : ""}: opens, and the whole-buffer reader agrees`, async () => {
        const plain = randomBytes(size);
        const file = await seal(plain, armor);
        const r = await open(file);
        expect(r.error).toBeNull();
        expect(Buffer.from(r.plain).equals(Buffer.from(plain))).toBe(true);
        using pass = LockedBuffer.fromBytes(utf8("pass"));
        using other = openBytes(file, [new ScryptIdentity(pass)]);
        expect(Buffer.from(other.bytes()).equals(Buffer.from(plain))).toBe(true);
      });
    }
  }

  test("every header byte flipped: malformed (2) or unauthenticated (3), nothing released", async () => {
    const plain = randomBytes(70_000);
    const file = await seal(plain, false);
    const headerLength = Buffer.from(file).indexOf("\n---") + 1;
    const macLine = Buffer.from(file).indexOf("\n", headerLength) + 1;
    for (let at = 0; at < macLine + 16; at++) {
      const t = file.slice();
      t[at] = (t[at] as number) ^ 0x04;
      const r = await open(t);
      const ok = r.error instanceof FormatError || r.error instanceof AuthError;
      expect({ at, ok }).toEqual({ at, ok: true });
      expect({ at, released: r.plain.length }).toEqual({ at, released: 0 });
    }
  });

  test("a header that does not parse is refused before any identity is asked for", async () => {
    const r = await open(utf8("age-encryption.org/v2\n-> x\n--- AAAA\n"));
    expect(r.error).toBeInstanceOf(FormatError);
    expect(r.asked).toBe(false);
  });
});
