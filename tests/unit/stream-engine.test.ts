// core/stream: the batch engines against an independent single-chunk STREAM built from the
// one-shot AEAD, at every size that matters for chunk and batch boundaries, plus every way a
// payload can be cut, extended or tampered with.
import { describe, expect, test } from "bun:test";
import { spawnSync } from "node:child_process";
import {
  appendFileSync,
  closeSync,
  constants,
  mkdtempSync,
  openSync,
  readSync,
  rmSync,
  truncateSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chachaSeal } from "../../core/aead";
import { concatBytes, utf8 } from "../../core/bytes";
import { AuthError, FormatError, IoError } from "../../core/errors";
import { hkdfSha256Into } from "../../core/hash";
import { LockedBuffer } from "../../core/locked-buffer";
import { randomBytes } from "../../core/random";
import {
  BytesSource,
  CHUNK_BYTES,
  CollectSink,
  FdSource,
  openRawStream,
  openStream,
  PrefixSource,
  payloadKey,
  RAW_STREAM_HEADER_BYTES,
  RAW_STREAM_MAGIC,
  SEALED_CHUNK_BYTES,
  sealRawStream,
  sealStream,
} from "../../core/stream";

function nonceFor(counter: number, last: boolean): Uint8Array {
  const n = new Uint8Array(12);
  new DataView(n.buffer).setBigUint64(3, BigInt(counter));
  n[11] = last ? 1 : 0;
  return n;
}

/** age STREAM, one chunk at a time through the plain AEAD: the oracle. */
function referenceSeal(key: Uint8Array, plain: Uint8Array): Uint8Array {
  const chunks = Math.max(1, Math.ceil(plain.length / CHUNK_BYTES));
  const parts: Uint8Array[] = [];
  for (let i = 0; i < chunks; i++) {
    const piece = plain.subarray(i * CHUNK_BYTES, Math.min(plain.length, (i + 1) * CHUNK_BYTES));
    parts.push(chachaSeal(key, nonceFor(i, i === chunks - 1), piece));
  }
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

async function seal(key: LockedBuffer, plain: Uint8Array, batchChunks?: number): Promise<Uint8Array> {
  const sink = new CollectSink();
  await sealStream(key, new BytesSource(plain), sink, { batchChunks });
  return sink.bytes();
}

async function open(key: LockedBuffer, sealed: Uint8Array, batchChunks?: number) {
  const sink = new CollectSink();
  let error: unknown = null;
  try {
    await openStream(key, new BytesSource(sealed), sink, { batchChunks });
  } catch (e) {
    error = e;
  }
  return { plain: sink.bytes(), error };
}

/** A source that hands out at most `step` bytes per read, like a pipe. */
class TrickleSource extends BytesSource {
  constructor(
    bytes: Uint8Array,
    readonly step: number,
  ) {
    super(bytes);
  }
  override read(into: Uint8Array): Promise<number> {
    return super.read(into.subarray(0, Math.min(into.length, this.step)));
  }
}

const SIZES = [0, 1, 65535, 65536, 65537, 131072, 3 * 65536, 5 * 65536 + 17, 10 * 1024 * 1024 + 3];

describe("STREAM engine", () => {
  test("payloadKey is HKDF-SHA-256(file key, salt = nonce, info = 'payload')", () => {
    using fileKey = LockedBuffer.random(16);
    const nonce = randomBytes(16);
    using key = payloadKey(fileKey, nonce);
    const want = new Uint8Array(32);
    hkdfSha256Into(want, fileKey, nonce, utf8("payload"));
    expect(key.equals(want)).toBe(true);
    expect(() => payloadKey(fileKey, new Uint8Array(15))).toThrow(RangeError);
  });

  for (const size of SIZES) {
    test(`seal equals the chunk-by-chunk reference and opens back: ${size} bytes`, async () => {
      using key = LockedBuffer.random(32);
      const plain = randomBytes(size);
      const want = referenceSeal(key.bytes(), plain);
      // Batches of 1 and 2 chunks put batch boundaries everywhere; the default is one big batch.
      for (const batch of size > 1 << 20 ? [undefined, 7] : [1, 2, undefined]) {
        const got = await seal(key, plain, batch);
        expect(Buffer.from(got).equals(Buffer.from(want))).toBe(true);
        const back = await open(key, got, batch);
        expect(back.error).toBeNull();
        expect(Buffer.from(back.plain).equals(Buffer.from(plain))).toBe(true);
      }
    });
  }

  test("a source's size hint picks the batch size; a wrong hint changes nothing but the batching", async () => {
    /** Bytes in memory that report `claim` as what is left, whatever the truth. */
    class ClaimingSource extends BytesSource {
      constructor(
        bytes: Uint8Array,
        readonly claim: number,
      ) {
        super(bytes);
      }
      override remaining(): number {
        return this.claim;
      }
    }
    /** Collects, and records how much each write carried. */
    class SizesSink extends CollectSink {
      sizes: number[] = [];
      override async write(bytes: Uint8Array): Promise<void> {
        this.sizes.push(bytes.length);
        await super.write(bytes);
      }
    }
    using key = LockedBuffer.random(32);
    const plain = randomBytes(5 * CHUNK_BYTES + 17);
    const want = referenceSeal(key.bytes(), plain);
    for (const claim of [0, 10, CHUNK_BYTES, plain.length, 1 << 30]) {
      const sealed = new SizesSink();
      await sealStream(key, new ClaimingSource(plain, claim), sealed, { batchChunks: 8 });
      expect(Buffer.from(sealed.bytes()).equals(Buffer.from(want))).toBe(true);
      const opened = new SizesSink();
      await openStream(key, new ClaimingSource(want, claim), opened, { batchChunks: 8 });
      expect(Buffer.from(opened.bytes()).equals(Buffer.from(plain))).toBe(true);
      // A claim under one chunk means batches of one chunk; a large one, the configured batch.
      const most = Math.max(...sealed.sizes);
      if (claim < CHUNK_BYTES) expect(most).toBeLessThanOrEqual(SEALED_CHUNK_BYTES);
      if (claim >= plain.length) expect(most).toBeGreaterThan(SEALED_CHUNK_BYTES);
    }
  });

  test("short reads (pipes) give the same bytes", async () => {
    using key = LockedBuffer.random(32);
    const plain = randomBytes(3 * CHUNK_BYTES + 5);
    const want = referenceSeal(key.bytes(), plain);
    const sink = new CollectSink();
    await sealStream(key, new TrickleSource(plain, 1000), sink, { batchChunks: 2 });
    expect(Buffer.from(sink.bytes()).equals(Buffer.from(want))).toBe(true);
    const out = new CollectSink();
    await openStream(key, new TrickleSource(want, 777), out, { batchChunks: 2 });
    expect(Buffer.from(out.bytes()).equals(Buffer.from(plain))).toBe(true);
  });

  test("regular files: reads at explicit offsets, two in flight, the same bytes; FIFOs stay sequential", async () => {
    const dir = mkdtempSync(join(tmpdir(), "smem-engine-"));
    try {
      using key = LockedBuffer.random(32);
      for (const size of [0, 1, 65536, 65537, 5 * 65536 + 17, 9 * 65536]) {
        const plain = randomBytes(size);
        const want = referenceSeal(key.bytes(), plain);
        const plainPath = join(dir, "plain");
        const sealedPath = join(dir, "sealed");
        writeFileSync(plainPath, plain);
        writeFileSync(sealedPath, want);
        for (const batchChunks of [1, 2]) {
          const fd = openSync(plainPath, "r");
          try {
            const source = new FdSource(fd, "plain");
            expect(source.concurrentReads).toBe(true);
            const sink = new CollectSink();
            await sealStream(key, source, sink, { batchChunks });
            expect(Buffer.from(sink.bytes()).equals(Buffer.from(want))).toBe(true);
          } finally {
            closeSync(fd);
          }
          const sfd = openSync(sealedPath, "r");
          try {
            const out = new CollectSink();
            // Through a PrefixSource, as decrypt reads: concurrent once its prefix is used up.
            const head = new Uint8Array(Math.min(10, want.length));
            readSync(sfd, head);
            const source = new PrefixSource(head, new FdSource(sfd, "sealed"));
            expect(source.concurrentReads).toBe(head.length === 0);
            await openStream(key, source, out, { batchChunks });
            expect(Buffer.from(out.bytes()).equals(Buffer.from(plain))).toBe(true);
          } finally {
            closeSync(sfd);
          }
        }
      }
      // A FIFO is read sequentially, one read at a time.
      const fifo = join(dir, "fifo");
      expect(spawnSync("mkfifo", [fifo]).status).toBe(0);
      const ffd = openSync(fifo, constants.O_RDWR);
      try {
        expect(new FdSource(ffd, "fifo").concurrentReads).toBe(false);
      } finally {
        closeSync(ffd);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test("sealing a regular file: the shim reads it from the descriptor's offset; growth between batches counts, shrinking is an I/O error", async () => {
    const dir = mkdtempSync(join(tmpdir(), "smem-engine-"));
    try {
      using key = LockedBuffer.random(32);
      const path = join(dir, "f");
      // Starts where the descriptor stands, leaves it at the end.
      const bytes = randomBytes(3 * 65536 + 5);
      writeFileSync(path, bytes);
      let fd = openSync(path, "r");
      try {
        readSync(fd, new Uint8Array(5));
        const source = new FdSource(fd, "f");
        expect(source.positional()).toEqual({ fd, offset: 5, name: "f" });
        const sink = new CollectSink();
        const r = await sealStream(key, source, sink, { batchChunks: 1 });
        expect(r.plaintextBytes).toBe(3 * 65536);
        expect(
          Buffer.from(sink.bytes()).equals(Buffer.from(referenceSeal(key.bytes(), bytes.subarray(5)))),
        ).toBe(true);
        expect(readSync(fd, new Uint8Array(1))).toBe(0);
      } finally {
        closeSync(fd);
      }
      // Bytes appended while the first batch is being written are sealed too.
      const first = randomBytes(2 * 65536);
      const more = randomBytes(70_000);
      writeFileSync(path, first);
      fd = openSync(path, "r");
      try {
        const sink = new CollectSink();
        let appended = false;
        const growing = {
          write: async (b: Uint8Array) => {
            if (!appended) appendFileSync(path, more);
            appended = true;
            await sink.write(b);
          },
        };
        await sealStream(key, new FdSource(fd, "f"), growing, { batchChunks: 1 });
        const want = referenceSeal(key.bytes(), concatBytes(first, more));
        expect(Buffer.from(sink.bytes()).equals(Buffer.from(want))).toBe(true);
      } finally {
        closeSync(fd);
      }
      // A file cut short after a batch said more was coming cannot make a valid payload.
      writeFileSync(path, randomBytes(3 * 65536));
      fd = openSync(path, "r");
      try {
        const cutting = { write: async () => truncateSync(path, 65536) };
        const sealing = sealStream(key, new FdSource(fd, "f"), cutting, { batchChunks: 1 });
        await expect(sealing).rejects.toThrow("f got shorter while it was being read");
        await expect(sealing).rejects.toBeInstanceOf(IoError);
      } finally {
        closeSync(fd);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test("FdSource on a file moves the descriptor's offset as sequential reads would", async () => {
    const dir = mkdtempSync(join(tmpdir(), "smem-engine-"));
    try {
      const bytes = randomBytes(100_000);
      const path = join(dir, "f");
      writeFileSync(path, bytes);
      const fd = openSync(path, "r");
      try {
        const skip = new Uint8Array(5);
        readSync(fd, skip); // someone read 5 bytes before us (a shared stdin)
        const source = new FdSource(fd, "f");
        expect(source.concurrentReads).toBe(true);
        const a = new Uint8Array(40_000);
        const b = new Uint8Array(40_000);
        const c = new Uint8Array(40_000);
        // Issued together, delivered in issue order of their ranges.
        const [na, nb, nc] = await Promise.all([source.read(a), source.read(b), source.read(c)]);
        expect([na, nb, nc]).toEqual([40_000, 40_000, 100_000 - 5 - 80_000]);
        const got = concatBytes(a, b, c.subarray(0, nc));
        expect(Buffer.from(got).equals(Buffer.from(bytes.subarray(5)))).toBe(true);
        expect(await source.read(new Uint8Array(10))).toBe(0);
        // The descriptor stands at the end, where sequential reading would have left it.
        expect(readSync(fd, new Uint8Array(10))).toBe(0);
      } finally {
        closeSync(fd);
      }
      const fd2 = openSync(path, "r");
      try {
        const source = new FdSource(fd2, "f");
        expect(await source.read(new Uint8Array(10))).toBe(10);
        const next = new Uint8Array(3);
        expect(readSync(fd2, next)).toBe(3);
        expect([...next]).toEqual([...bytes.subarray(10, 13)]);
      } finally {
        closeSync(fd2);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test("truncation at and between chunk boundaries, trailing data and tampering fail; only authenticated chunks are released", async () => {
    using key = LockedBuffer.random(32);
    const plain = randomBytes(5 * CHUNK_BYTES + 100);
    const sealed = referenceSeal(key.bytes(), plain);
    const cases: [string, Uint8Array, number][] = [
      // The last chunk present is genuine (it authenticates as non-final): released, then the error.
      ["cut at a chunk boundary", sealed.subarray(0, 2 * SEALED_CHUNK_BYTES), 2],
      ["cut inside a chunk", sealed.subarray(0, 2 * SEALED_CHUNK_BYTES + 1000), 2],
      ["cut inside a tag", sealed.subarray(0, 3 * SEALED_CHUNK_BYTES + 5), 3],
      ["last byte missing", sealed.subarray(0, sealed.length - 1), 5],
      ["nothing at all", sealed.subarray(0, 0), 0],
    ];
    const appended = new Uint8Array(sealed.length + 1);
    appended.set(sealed);
    cases.push(["one byte appended", appended, 5]);
    for (const at of [10, 2 * SEALED_CHUNK_BYTES + 300, sealed.length - 3]) {
      const t = sealed.slice();
      t[at] = (t[at] as number) ^ 0x01;
      cases.push([`byte ${at} flipped`, t, Math.floor(at / SEALED_CHUNK_BYTES)]);
    }
    for (const [what, bytes, goodChunks] of cases) {
      for (const batch of [1, 3, undefined]) {
        const r = await open(key, bytes, batch);
        expect(r.error, what).toBeInstanceOf(AuthError);
        // Whole batches before the failure, and within the failing batch the chunks before it.
        expect(r.plain.length, what).toBeLessThanOrEqual(goodChunks * CHUNK_BYTES);
        expect(Buffer.from(r.plain).equals(Buffer.from(plain.subarray(0, r.plain.length))), what).toBe(true);
      }
    }
  });

  test("a full-size final chunk followed by a whole extra chunk is trailing data", async () => {
    using key = LockedBuffer.random(32);
    const plain = randomBytes(2 * CHUNK_BYTES);
    const sealed = referenceSeal(key.bytes(), plain);
    const extended = new Uint8Array(sealed.length + SEALED_CHUNK_BYTES);
    extended.set(sealed);
    extended.set(sealed.subarray(0, SEALED_CHUNK_BYTES), sealed.length);
    const r = await open(key, extended, 1);
    expect((r.error as Error).message).toContain("trailing data");
    // Both genuine chunks are released (as age does), the extra one never is.
    expect(Buffer.from(r.plain).equals(Buffer.from(plain))).toBe(true);
  });

  test("an empty final chunk after a full one is refused", async () => {
    using key = LockedBuffer.random(32);
    const plain = randomBytes(CHUNK_BYTES);
    const first = chachaSeal(key.bytes(), nonceFor(0, false), plain);
    const empty = chachaSeal(key.bytes(), nonceFor(1, true), new Uint8Array(0));
    const bytes = new Uint8Array(first.length + empty.length);
    bytes.set(first);
    bytes.set(empty, first.length);
    for (const batch of [1, undefined]) {
      const r = await open(key, bytes, batch);
      expect(r.error).toBeInstanceOf(AuthError);
      expect((r.error as Error).message).toContain("empty chunk");
    }
  });

  test("a wrong key fails on the first chunk and releases nothing", async () => {
    using key = LockedBuffer.random(32);
    using other = LockedBuffer.random(32);
    const sealed = await seal(key, randomBytes(100_000));
    const r = await open(other, sealed);
    expect(r.error).toBeInstanceOf(AuthError);
    expect(r.plain.length).toBe(0);
  });
});

describe("raw stream (smem stream)", () => {
  test("header is magic || nonce, then the STREAM payload under HKDF(key, nonce, 'smem-stream/v1 payload')", async () => {
    using key = LockedBuffer.random(32);
    const nonce = randomBytes(16);
    const plain = randomBytes(70_000);
    const sink = new CollectSink();
    await sealRawStream(key, new BytesSource(plain), sink, { nonce });
    const out = sink.bytes();
    expect(Buffer.from(out.subarray(0, 15)).toString("latin1")).toBe("smem-stream/v1\n");
    expect(Buffer.from(out.subarray(15, 31)).equals(Buffer.from(nonce))).toBe(true);
    const pk = new Uint8Array(32);
    hkdfSha256Into(pk, key, nonce, utf8("smem-stream/v1 payload"));
    expect(
      Buffer.from(out.subarray(RAW_STREAM_HEADER_BYTES)).equals(Buffer.from(referenceSeal(pk, plain))),
    ).toBe(true);
    const back = new CollectSink();
    await openRawStream(key, new BytesSource(out), back);
    expect(Buffer.from(back.bytes()).equals(Buffer.from(plain))).toBe(true);
  });

  test("bad magic and short headers are malformed (exit 2); a changed nonce fails to authenticate", async () => {
    using key = LockedBuffer.random(32);
    const sink = new CollectSink();
    await sealRawStream(key, new BytesSource(randomBytes(10)), sink);
    const good = sink.bytes();
    const badMagic = good.slice();
    badMagic[3] = 0x41;
    const attempts: [Uint8Array, typeof FormatError | typeof AuthError][] = [
      [badMagic, FormatError],
      [good.subarray(0, 0), FormatError],
      [good.subarray(0, 20), FormatError],
      [RAW_STREAM_MAGIC, FormatError],
      [good.subarray(0, RAW_STREAM_HEADER_BYTES), AuthError],
    ];
    const badNonce = good.slice();
    badNonce[20] = (badNonce[20] as number) ^ 1;
    attempts.push([badNonce, AuthError]);
    for (const [bytes, kind] of attempts) {
      await expect(openRawStream(key, new BytesSource(bytes), new CollectSink())).rejects.toBeInstanceOf(
        kind,
      );
    }
  });
});
