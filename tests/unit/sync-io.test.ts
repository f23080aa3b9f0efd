import { describe, expect, test } from "bun:test";
import {
  closeSync,
  constants,
  mkdtempSync,
  openSync,
  readFileSync,
  readSync,
  rmSync,
  writeFileSync,
  writeSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { readNowait, writeNowait } from "../../core/file-io";
import { FdSink, FdSource, fdinfoFlags } from "../../core/stream/io";
import { isPipeOrSocket, neverBlocks } from "../../core/sync-io";

describe("neverBlocks (which descriptors may skip the I/O thread pool)", () => {
  test("regular files and /dev/null do; pipes, other devices and closed descriptors do not", () => {
    const dir = mkdtempSync(join(tmpdir(), "smem-sync-io-"));
    try {
      const path = join(dir, "f");
      writeFileSync(path, "x");
      const fd = openSync(path, "r");
      const devNull = openSync("/dev/null", "w");
      const zero = openSync("/dev/zero", "r");
      try {
        expect(neverBlocks(fd)).toBe(true);
        expect(neverBlocks(devNull)).toBe(process.platform !== "win32");
        expect(neverBlocks(zero)).toBe(false);
      } finally {
        closeSync(fd);
        closeSync(devNull);
        closeSync(zero);
      }
      expect(neverBlocks(fd)).toBe(false);
      const fifo = join(dir, "fifo");
      expect(Bun.spawnSync(["mkfifo", fifo]).exitCode).toBe(0);
      const ffd = openSync(fifo, constants.O_RDWR);
      try {
        expect(neverBlocks(ffd)).toBe(false);
      } finally {
        closeSync(ffd);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("writes to pipes that never wait (writeNowait, FdSink)", () => {
  // A FIFO with a non-blocking read end (so the test decides when the reader drains it and never
  // blocks reading an empty one) and an ordinary, blocking write end like a shell pipe's.
  function withFifo(fn: (writeFd: number, readFd: number) => Promise<void> | void): Promise<void> {
    const dir = mkdtempSync(join(tmpdir(), "smem-nowait-"));
    const fifo = join(dir, "fifo");
    expect(Bun.spawnSync(["mkfifo", fifo]).exitCode).toBe(0);
    const readFd = openSync(fifo, constants.O_RDONLY | constants.O_NONBLOCK);
    const writeFd = openSync(fifo, constants.O_WRONLY);
    return Promise.resolve(fn(writeFd, readFd)).finally(() => {
      closeSync(writeFd);
      closeSync(readFd);
      rmSync(dir, { recursive: true, force: true });
    });
  }

  /** What the read end holds right now (nothing when empty: it does not block). */
  function drain(readFd: number, max: number): Uint8Array {
    const buf = new Uint8Array(max);
    try {
      return buf.subarray(0, readSync(readFd, buf, 0, max, null));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === "EAGAIN") return buf.subarray(0, 0);
      throw err;
    }
  }

  test.skipIf(process.platform === "win32")(
    "isPipeOrSocket: FIFOs yes, /dev/null and bad descriptors no",
    () =>
      withFifo((writeFd) => {
        expect(isPipeOrSocket(writeFd)).toBe(true);
        const devNull = openSync("/dev/null", "w");
        try {
          expect(isPipeOrSocket(devNull)).toBe(false);
        } finally {
          closeSync(devNull);
        }
        expect(isPipeOrSocket(-1)).toBe(false);
      }),
  );

  test.skipIf(process.platform === "win32")(
    "writeNowait fills a pipe up to its room, then reports 0 instead of waiting",
    () =>
      withFifo((writeFd, readFd) => {
        // More than PIPE_BUF at once: a piece of it is written, never more than the pipe promised.
        const first = writeNowait(writeFd, new Uint8Array(64 * 1024).fill(7));
        expect(first).toBeGreaterThan(0);
        expect(first).toBeLessThan(64 * 1024);
        const chunk = new Uint8Array(4096).fill(7);
        let total = first;
        for (;;) {
          const n = writeNowait(writeFd, chunk);
          if (n === 0) break;
          total += n;
          expect(total).toBeLessThanOrEqual(16 * 1024 * 1024); // no pipe is that big
        }
        expect(total).toBeGreaterThan(0);
        const back = drain(readFd, total + 1);
        expect(back.length).toBe(total);
        expect(back.every((b) => b === 7)).toBe(true);
        expect(writeNowait(writeFd, new Uint8Array(0))).toBe(0);
      }),
  );

  test.skipIf(process.platform === "win32")(
    "FdSink delivers every byte in order through a pipe that fills up: small, medium and big writes",
    () =>
      withFifo(async (writeFd, readFd) => {
        const sink = new FdSink(writeFd, "the pipe");
        const small = new Uint8Array(1000).map((_, i) => i & 0xff);
        // Under the no-wait limit but over PIPE_BUF: written in pieces, some of them waiting.
        const medium = new Uint8Array(60 * 1024).map((_, i) => (i * 3) & 0xff);
        const big = new Uint8Array(300 * 1024).map((_, i) => (i * 7) & 0xff);
        // The reader drains on a timer while the sink writes: the big write must wait for room
        // (it is larger than the pipe), not fail or drop bytes.
        const received: Uint8Array[] = [];
        const drainer = setInterval(() => received.push(drain(readFd, 64 * 1024).slice()), 1);
        try {
          await sink.write(small);
          await sink.write(medium);
          await sink.write(medium);
          await sink.write(big);
          const want = small.length + 2 * medium.length + big.length;
          while (received.reduce((n, r) => n + r.length, 0) < want) await Bun.sleep(1);
        } finally {
          clearInterval(drainer);
        }
        expect(Buffer.concat(received).equals(Buffer.concat([small, medium, medium, big]))).toBe(true);
      }),
    20_000,
  );
});

describe("reads from pipes that never wait (readNowait, FdSource)", () => {
  // (Linux: the blocking read end is reopened through /proc/self/fd.)
  test.skipIf(process.platform !== "linux")(
    "bytes waiting come at once, an empty pipe is waited for, the writer's close is the end",
    async () => {
      const dir = mkdtempSync(join(tmpdir(), "smem-nowait-read-"));
      const fifo = join(dir, "fifo");
      expect(Bun.spawnSync(["mkfifo", fifo]).exitCode).toBe(0);
      const readFd = openSync(fifo, constants.O_RDONLY | constants.O_NONBLOCK);
      const writeFd = openSync(fifo, constants.O_WRONLY);
      // The read end as a shell would hand it over: blocking (only the open needed O_NONBLOCK).
      const blocking = openSync(`/proc/self/fd/${readFd}`, constants.O_RDONLY);
      try {
        const into = new Uint8Array(16);
        expect(readNowait(blocking, into)).toBeNull();
        writeSync(writeFd, "abc");
        expect(readNowait(blocking, into)).toBe(3);
        expect(Buffer.from(into.subarray(0, 3)).toString()).toBe("abc");

        const source = new FdSource(blocking, "the pipe");
        writeSync(writeFd, "hello");
        expect(await source.read(into)).toBe(5);
        // Nothing there: the read waits (asynchronously) for the writer.
        const pending = source.read(into);
        setTimeout(() => writeSync(writeFd, "late"), 20);
        expect(await pending).toBe(4);
        expect(Buffer.from(into.subarray(0, 4)).toString()).toBe("late");
        closeSync(writeFd);
        expect(await source.read(into)).toBe(0);
        expect(readNowait(blocking, into)).toBe(0);
      } finally {
        closeSync(blocking);
        closeSync(readFd);
        try {
          closeSync(writeFd);
        } catch {
          // already closed by the test
        }
        rmSync(dir, { recursive: true, force: true });
      }
    },
  );
});

describe("fdinfoFlags (is `> file` opened for appending?)", () => {
  test("the octal flags field of a /proc/self/fdinfo text", () => {
    expect(fdinfoFlags("pos:\t0\nflags:\t0100001\nmnt_id:\t27\nino:\t1234\n")).toBe(0o100001);
    expect(fdinfoFlags("pos:\t5\nflags:\t02102001\n")).toBe(0o2102001);
    expect(fdinfoFlags("flags: 0\n")).toBe(0);
    for (const bad of ["", "pos:\t0\n", "flags:\n", "flags:\t0189\n", "xflags:\t01\n", "flags:\t-1\n"]) {
      expect(fdinfoFlags(bad)).toBeNull();
    }
  });

  test.skipIf(process.platform !== "linux")("agrees with this process's own descriptors", () => {
    const dir = mkdtempSync(join(tmpdir(), "smem-fdinfo-"));
    try {
      const path = join(dir, "f");
      const plain = openSync(path, "w");
      const append = openSync(path, "a");
      try {
        const flagsOf = (fd: number) => fdinfoFlags(readFileSync(`/proc/self/fdinfo/${fd}`, "utf8"));
        expect((flagsOf(plain) ?? -1) & 0o2000).toBe(0);
        expect((flagsOf(append) ?? 0) & 0o2000).toBe(0o2000);
      } finally {
        closeSync(plain);
        closeSync(append);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
