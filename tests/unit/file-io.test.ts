// core/file-io.ts against node:fs itself: the same results, and errors with the same codes, for
// what the commands' common path does (through the shim on POSIX). And the bundles a compiled
// `smem open` / `smem seal` run import node:fs only when a call needs it.
import { afterAll, expect, test } from "bun:test";
import * as fs from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  closeFile,
  type FileError,
  fileInfo,
  openFile,
  pathInfo,
  readInto,
  writeFrom,
} from "../../core/file-io";
import { soloEntrySource } from "../../scripts/release";

const dir = fs.mkdtempSync(join(tmpdir(), "smem-file-io-"));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (err) {
    return (err as FileError).code;
  }
  return undefined;
}

test("stat results match node:fs for a file, a directory, /dev/null and a pipe", () => {
  const file = join(dir, "stat.bin");
  fs.writeFileSync(file, new Uint8Array(12345));
  for (const path of [file, dir, "/dev/null"]) {
    const ours = pathInfo(path);
    const theirs = fs.statSync(path);
    expect([ours.size, ours.rdev, ours.dev, ours.ino, ours.mode]).toEqual([
      theirs.size,
      theirs.rdev,
      theirs.dev,
      theirs.ino,
      theirs.mode,
    ]);
    const kinds = (s: typeof ours) => [
      s.isFile(),
      s.isDirectory(),
      s.isCharacterDevice(),
      s.isFIFO(),
      s.isSocket(),
    ];
    expect(kinds(ours)).toEqual(kinds(theirs));
    const fd = openFile(path, "r");
    expect(kinds(fileInfo(fd))).toEqual(kinds(theirs));
    closeFile(fd);
  }
  const fifo = join(dir, "fifo");
  Bun.spawnSync(["mkfifo", fifo]);
  expect(pathInfo(fifo).isFIFO()).toBe(true);
});

test("reads and writes at the offset and at positions, as readSync and writeSync", () => {
  const file = join(dir, "rw.txt");
  const fd = openFile(file, "wx", 0o600);
  expect(fs.statSync(file).mode & 0o777).toBe(0o600);
  expect(writeFrom(fd, new TextEncoder().encode("hello world"))).toBe(11);
  expect(writeFrom(fd, new TextEncoder().encode("W"), 6)).toBe(1);
  expect(writeFrom(fd, new TextEncoder().encode("!"))).toBe(1);
  closeFile(fd);
  expect(fs.readFileSync(file, "utf8")).toBe("hello World!");
  const rd = openFile(file, "r");
  const buf = new Uint8Array(5);
  expect(readInto(rd, buf)).toBe(5);
  expect(new TextDecoder().decode(buf)).toBe("hello");
  expect(readInto(rd, buf, 7)).toBe(5);
  expect(new TextDecoder().decode(buf)).toBe("orld!");
  expect(readInto(rd, new Uint8Array(100))).toBe(7);
  expect(readInto(rd, buf)).toBe(0);
  closeFile(rd);
  const tr = openFile(file, "w");
  closeFile(tr);
  expect(fs.statSync(file).size).toBe(0);
});

test("errors carry node:fs's codes", () => {
  const missing = join(dir, "missing");
  expect(codeOf(() => openFile(missing, "r"))).toBe(codeOf(() => fs.openSync(missing, "r")));
  expect(codeOf(() => openFile(missing, "r"))).toBe("ENOENT");
  expect(codeOf(() => pathInfo(missing))).toBe("ENOENT");
  const existing = join(dir, "exists");
  fs.writeFileSync(existing, "x");
  expect(codeOf(() => openFile(existing, "wx"))).toBe("EEXIST");
  expect(codeOf(() => openFile(join(existing, "below"), "r"))).toBe("ENOTDIR");
  expect(codeOf(() => openFile(dir, "w"))).toBe("EISDIR");
  const fd = openFile(existing, "r");
  expect(codeOf(() => writeFrom(fd, new Uint8Array(1)))).toBe("EBADF");
  closeFile(fd);
  expect(codeOf(() => closeFile(fd))).toBe("EBADF");
  expect(codeOf(() => fileInfo(-1))).toBe("EBADF");
  expect(codeOf(() => openFile("a\0b", "r"))).toBe("ERR_INVALID_ARG_VALUE");
  const err = (() => {
    try {
      openFile(missing, "r");
    } catch (e) {
      return e as FileError;
    }
  })();
  expect([err?.errno, err?.syscall, err?.path]).toEqual([2, "open", missing]);
});

test("the open and seal bundles of a compiled smem import node:fs only on demand", async () => {
  for (const command of ["open", "seal"]) {
    const entry = join(dir, `${command}-entry.ts`);
    fs.writeFileSync(entry, soloEntrySource(command));
    const built = await Bun.build({ entrypoints: [entry], target: "bun", format: "esm" });
    expect(built.success).toBe(true);
    const code = await (built.outputs[0] as Blob).text();
    const imports = [...code.matchAll(/^import .* from "([^"]+)";$/gm)].map((m) => m[1]);
    expect(imports.length).toBeGreaterThan(0);
    expect(imports.filter((m) => m === "fs" || m === "node:fs" || m === "fs/promises")).toEqual([]);
  }
});
