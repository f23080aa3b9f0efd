// core/age/encrypt.ts + decrypt.ts: whole age files streamed, against the whole-buffer reader
// (sealed-bytes) as a second opinion, and every header byte flipped; the smem-argon2id KDF
// overlapped with the payload behind a reserved header.
import { describe, expect, test } from "bun:test";
import {
  closeSync,
  fstatSync,
  mkdtempSync,
  openSync,
  readFileSync,
  rmSync,
  writeFileSync,
  writeSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Argon2idIdentity, Argon2idRecipient } from "../../core/age/argon2id-stanza";
import { decrypt } from "../../core/age/decrypt";
import { encrypt } from "../../core/age/encrypt";
import { parseHeader } from "../../core/age/header";
import { ScryptIdentity, ScryptRecipient } from "../../core/age/scrypt";
import { openBytes } from "../../core/age/sealed-bytes";
import { concatBytes, toHex, utf8 } from "../../core/bytes";
import { AuthError, FormatError } from "../../core/errors";
import { deriveKey, deriveKeyAsync } from "../../core/kdf";
import { LockedBuffer } from "../../core/locked-buffer";
import { randomBytes } from "../../core/random";
import { BytesSource, CollectSink, FdSink, type ReservedBytes } from "../../core/stream";

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

/** An in-memory sink that can keep a range for later, like an -o temp file. */
class ReservingSink extends CollectSink {
  reservations = 0;
  filled = false;
  #parts: Uint8Array[] = [];
  override async write(bytes: Uint8Array): Promise<void> {
    this.#parts.push(bytes.slice());
  }
  async reserve(length: number): Promise<ReservedBytes> {
    this.reservations++;
    const slot = new Uint8Array(length);
    this.#parts.push(slot);
    return {
      fill: async (bytes: Uint8Array) => {
        expect(bytes.length).toBe(length);
        slot.set(bytes);
        this.filled = true;
      },
    };
  }
  override bytes(): Uint8Array {
    return concatBytes(...this.#parts);
  }
}

describe("the passphrase KDF overlapped with the payload (reserved header)", () => {
  const params = { memoryKiB: 1024, iterations: 1, rounds: 3 };

  async function openArgon2(file: Uint8Array): Promise<Uint8Array> {
    using pass = LockedBuffer.fromBytes(utf8("pass"));
    const sink = new CollectSink();
    await decrypt(new BytesSource(file), sink, () => [new Argon2idIdentity(pass)], { batchChunks: 2 });
    return sink.bytes();
  }

  for (const size of [0, 1, 65536, 300_000]) {
    test(`${size} bytes: the header fills its reserved place, the file opens, same length as the plain path`, async () => {
      const plain = randomBytes(size);
      using pass = LockedBuffer.fromBytes(utf8("pass"));
      const reserving = new ReservingSink();
      await encrypt([new Argon2idRecipient(pass, params)], new BytesSource(plain), reserving, {
        batchChunks: 2,
      });
      expect(reserving.reservations).toBe(1);
      expect(reserving.filled).toBe(true);
      const file = reserving.bytes();
      const header = parseHeader(file, true);
      expect(header?.stanzas.map((s) => s.type)).toEqual(["smem-argon2id"]);
      expect(Buffer.from(await openArgon2(file)).equals(Buffer.from(plain))).toBe(true);

      const plainSink = new CollectSink();
      await encrypt([new Argon2idRecipient(pass, params)], new BytesSource(plain), plainSink, {
        batchChunks: 2,
      });
      expect(plainSink.bytes().length).toBe(file.length);
      expect(parseHeader(plainSink.bytes(), true)?.length).toBe(header?.length);
    });
  }

  test("recipients without wrapAsync (scrypt) and armored output take the plain path", async () => {
    using pass = LockedBuffer.fromBytes(utf8("pass"));
    const a = new ReservingSink();
    await encrypt([new ScryptRecipient(pass, { workFactor: 4 })], new BytesSource(randomBytes(10)), a);
    expect(a.reservations).toBe(0);
    const b = new ReservingSink();
    await encrypt([new Argon2idRecipient(pass, params)], new BytesSource(randomBytes(10)), b, {
      armor: true,
    });
    expect(b.reservations).toBe(0);
    expect(new TextDecoder().decode(b.bytes().subarray(0, 20))).toBe("-----BEGIN AGE ENCRY");
  });

  test("a failing source: the error surfaces, nothing is filled", async () => {
    using pass = LockedBuffer.fromBytes(utf8("pass"));
    const sink = new ReservingSink();
    const failing = {
      read: async (): Promise<number> => {
        throw new Error("boom");
      },
    };
    await expect(encrypt([new Argon2idRecipient(pass, params)], failing, sink)).rejects.toThrow("boom");
    expect(sink.filled).toBe(false);
  });

  test("> FILE: a failing KDF leaves the file as the shell made it (empty), not a zeroed header; over existing bytes nothing is cut", async () => {
    const dir = mkdtempSync(join(tmpdir(), "smem-reserve-"));
    try {
      const failingKdf = {
        labels: ["test"],
        wrap: () => {
          throw new Error("not used");
        },
        wrapAsync: () => {
          const stanzas = Promise.reject(new Error("the KDF failed"));
          stanzas.catch(() => {});
          return { shape: [{ type: "test", args: ["x"], body: new Uint8Array(32) }], stanzas };
        },
      };
      const path = join(dir, "out.age");
      // `> out.age`: the shell created it empty; the payload went out behind the reserved header.
      let fd = openSync(path, "w");
      try {
        const sink = new FdSink(fd, "standard output");
        expect(sink.reserve).toBeDefined();
        const sealing = encrypt([failingKdf], new BytesSource(randomBytes(200_000)), sink);
        await expect(sealing).rejects.toThrow("the KDF failed");
        expect(fstatSync(fd).size).toBe(0);
        writeSync(fd, "after");
      } finally {
        closeSync(fd);
      }
      expect(readFileSync(path, "utf8")).toBe("after");
      // `1<> out.age` over a longer file: the bytes written over cannot come back; none are cut.
      writeFileSync(path, randomBytes(300_000));
      fd = openSync(path, "r+");
      try {
        const sealing = encrypt(
          [failingKdf],
          new BytesSource(randomBytes(1000)),
          new FdSink(fd, "standard output"),
        );
        await expect(sealing).rejects.toThrow("the KDF failed");
        expect(fstatSync(fd).size).toBe(300_000);
      } finally {
        closeSync(fd);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test("deriveKeyAsync equals deriveKey", async () => {
    using pass = LockedBuffer.fromBytes(utf8("pass"));
    const salt = randomBytes(16);
    using a = deriveKey(pass, salt, params);
    using b = await deriveKeyAsync(pass, salt, params);
    expect(toHex(b.bytes())).toBe(toHex(a.bytes()));
  });
});
