import { describe, expect, test } from "bun:test";
import { closeSync, constants, mkdtempSync, openSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { neverBlocks } from "../../core/sync-io";

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
