import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import { spawn, spawnSync } from "node:child_process";
import {
  chmodSync,
  closeSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  utimesSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { AtomicFile, ExitCode, IoError, runCleanups, writeFileAtomic } from "../../core";
import {
  bootTag,
  isTempNameFor,
  lockTempFile,
  removeStaleTemps,
  STALE_AFTER_MS,
} from "../../core/stale-temp";

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "smem-atomic-"));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

const mode = (path: string) => statSync(path).mode & 0o777;

describe("AtomicFile", () => {
  test("writes through a 0600 temp file in the target's directory, then renames", () => {
    const target = join(dir, "out.bin");
    const file = AtomicFile.create(target);
    expect(file.tempPath).not.toBeNull();
    const temp = file.tempPath as string;
    expect(temp.startsWith(`${dir}/`)).toBe(true);
    expect(mode(temp)).toBe(0o600);
    file.write(new Uint8Array([1, 2, 3]));
    file.write(new Uint8Array([4]));
    expect(existsSync(target)).toBe(false);
    file.commit();
    expect([...readFileSync(target)]).toEqual([1, 2, 3, 4]);
    expect(mode(target)).toBe(0o600);
    expect(readdirSync(dir)).toEqual(["out.bin"]);
  });

  test("abort leaves an existing target untouched and no temp file", () => {
    const target = join(dir, "keep.txt");
    writeFileSync(target, "original");
    const file = AtomicFile.create(target);
    file.write(new TextEncoder().encode("replacement"));
    file.abort();
    file.abort();
    expect(readFileSync(target, "utf8")).toBe("original");
    expect(readdirSync(dir)).toEqual(["keep.txt"]);
    expect(() => file.write(new Uint8Array(1))).toThrow(IoError);
  });

  test("commitNew creates a new file but never replaces one that appeared meanwhile", () => {
    const target = join(dir, "new.key");
    const first = AtomicFile.create(target);
    first.write(new TextEncoder().encode("first"));
    const second = AtomicFile.create(target);
    second.write(new TextEncoder().encode("second"));
    first.commitNew();
    expect(readFileSync(target, "utf8")).toBe("first");
    expect(mode(target)).toBe(0o600);
    expect(() => second.commitNew()).toThrow(/already exists/);
    expect(readFileSync(target, "utf8")).toBe("first");
    expect(readdirSync(dir)).toEqual(["new.key"]);
  });

  test("a disposed, uncommitted file is aborted", () => {
    const target = join(dir, "scoped.txt");
    {
      using file = AtomicFile.create(target);
      file.write(new Uint8Array([7]));
    }
    expect(readdirSync(dir)).toEqual([]);
  });

  test("a failed rename removes the temp file and reports an I/O error", () => {
    const target = join(dir, "is-a-dir");
    mkdirSync(target);
    writeFileSync(join(target, "inside"), "x");
    const file = AtomicFile.create(target);
    file.write(new Uint8Array([1]));
    let caught: unknown;
    try {
      file.commit();
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(IoError);
    expect((caught as IoError).exitCode).toBe(ExitCode.io);
    expect(readdirSync(dir)).toEqual(["is-a-dir"]);
    expect(readFileSync(join(target, "inside"), "utf8")).toBe("x");
  });

  test("an unwritable directory is an I/O error naming the target", () => {
    expect(() => AtomicFile.create(join(dir, "missing", "out"))).toThrow(/beside .*missing\/out/);
    if (process.getuid?.() !== 0) {
      chmodSync(dir, 0o500);
      expect(() => AtomicFile.create(join(dir, "out"))).toThrow(IoError);
    }
  });

  test("writeFileAtomic replaces a file and sets mode 0600", () => {
    const target = join(dir, "replace.txt");
    writeFileSync(target, "old", { mode: 0o644 });
    writeFileAtomic(target, new TextEncoder().encode("new"));
    expect(readFileSync(target, "utf8")).toBe("new");
    expect(mode(target)).toBe(0o600);
    expect(readdirSync(dir)).toEqual(["replace.txt"]);
  });

  test("a symlinked target replaces the file it points to and keeps the link", () => {
    const real = join(dir, "real.txt");
    const link = join(dir, "link.txt");
    writeFileSync(real, "old");
    symlinkSync(real, link);
    writeFileAtomic(link, new TextEncoder().encode("new"));
    expect(readFileSync(real, "utf8")).toBe("new");
    expect(readdirSync(dir).sort()).toEqual(["link.txt", "real.txt"]);
  });

  test("reserved bytes are filled in place later; the rest of the file stays", async () => {
    const target = join(dir, "out.bin");
    const file = AtomicFile.create(target);
    expect(file.seekable).toBe(true);
    await file.writeAsync(new Uint8Array([9]));
    const at = await file.reserveAsync(3);
    expect(at).toBe(1);
    file.write(new Uint8Array([7, 7]));
    await file.writeAsync(new Uint8Array([8]));
    await file.writeAtAsync(new Uint8Array([1, 2, 3]), at);
    await expect(file.writeAtAsync(new Uint8Array(4), 4)).rejects.toThrow("outside the bytes written");
    file.commit();
    expect([...readFileSync(target)]).toEqual([9, 1, 2, 3, 7, 7, 8]);
  });

  test("/dev/null is written straight through", () => {
    const file = AtomicFile.create("/dev/null");
    expect(file.seekable).toBe(false);
    expect(file.tempPath).toBeNull();
    file.write(new Uint8Array(100));
    file.commit();
  });

  test("a FIFO is written straight through, no temp file, no rename", async () => {
    const fifo = join(dir, "pipe");
    expect(spawnSync("mkfifo", [fifo]).status).toBe(0);
    const reader = spawn("cat", [fifo]);
    const chunks: Buffer[] = [];
    reader.stdout.on("data", (c: Buffer) => chunks.push(c));
    const done = new Promise<void>((resolve) => reader.on("close", () => resolve()));
    const file = AtomicFile.create(fifo);
    expect(file.tempPath).toBeNull();
    file.write(new TextEncoder().encode("through the pipe"));
    file.commit();
    await done;
    expect(Buffer.concat(chunks).toString()).toBe("through the pipe");
    expect(statSync(fifo).isFIFO()).toBe(true);
    expect(readdirSync(dir)).toEqual(["pipe"]);
  });

  // A child's stdout is a socketpair under spawnSync and a pipe under a shell's `|`: both must
  // reach the reader, leave stdout open, and create nothing in the working directory (resolving
  // /dev/stdout gives "pipe:[N]" / "socket:[N]", which once became a file of that name).
  test("/dev/stdout and /dev/fd/1 on a socket or a pipe are written through the descriptor", () => {
    const core = join(import.meta.dir, "..", "..", "core", "index.ts");
    for (const path of ["/dev/stdout", "/dev/fd/1"]) {
      const script = `import { AtomicFile } from ${JSON.stringify(core)};
        const f = AtomicFile.create(${JSON.stringify(path)});
        if (f.tempPath !== null) throw new Error("temp file for ${path}");
        f.write(new TextEncoder().encode("through stdout"));
        f.commit();
        process.stdout.write(" and still open");`;
      const viaSocket = spawnSync(process.execPath, ["-e", script], {
        cwd: dir,
        stdio: ["ignore", "pipe", "pipe"],
      });
      const viaPipe = spawnSync(
        "bash",
        ["-c", 'set -o pipefail; "$0" -e "$1" | cat', process.execPath, script],
        {
          cwd: dir,
          stdio: ["ignore", "pipe", "pipe"],
        },
      );
      for (const r of [viaSocket, viaPipe]) {
        expect([path, r.stderr.toString(), r.status]).toEqual([path, "", 0]);
        expect(r.stdout.toString()).toBe("through stdout and still open");
      }
      expect(readdirSync(dir)).toEqual([]);
    }
  });

  test("a killed writer's temp file is removed by the next write to the same target, nothing else", () => {
    const target = join(dir, "out.bin");
    const old = (Date.now() - STALE_AFTER_MS - 60_000) / 1000;
    const tag = bootTag() as string;
    expect(tag).toMatch(/^[0-9a-f]{8}$/);
    const name = (base: string, hex: string, t: string | null = tag) =>
      `.${base}.${t ? `${t}-` : ""}${hex}.smem-tmp`;
    const stale = join(dir, name("out.bin", "0123456789ab"));
    const fresh = join(dir, name("out.bin", "aaaaaaaaaaaa"));
    const otherTarget = join(dir, name("other.bin", "0123456789ab"));
    const notOurName = join(dir, name("out.bin", "0123456789AB"));
    const link = join(dir, name("out.bin", "bbbbbbbbbbbb"));
    const held = join(dir, name("out.bin", "cccccccccccc"));
    const otherKernel = join(dir, name("out.bin", "dddddddddddd", "00000000"));
    const untagged = join(dir, name("out.bin", "eeeeeeeeeeee", null));
    for (const f of [stale, fresh, otherTarget, notOurName, held, otherKernel, untagged])
      writeFileSync(f, "x");
    symlinkSync(stale, link);
    for (const f of [stale, otherTarget, notOurName, held, otherKernel, untagged]) utimesSync(f, old, old);
    // A live writer (another open file description) holds the lock on `held`.
    const heldFd = openSync(held, "r+");
    try {
      expect(lockTempFile(heldFd)).toBe(true);
      const file = AtomicFile.create(target);
      file.write(new Uint8Array([1]));
      file.commit();
    } finally {
      closeSync(heldFd);
    }
    const left = [fresh, otherTarget, notOurName, link, held, otherKernel, untagged].map((f) =>
      f.slice(dir.length + 1),
    );
    expect(readdirSync(dir).sort()).toEqual([...left, "out.bin"].sort());
    // Once its writer is gone, the held one goes too.
    expect(removeStaleTemps(dir, "out.bin", null)).toBe(1);
    expect(existsSync(held)).toBe(false);
  });

  test("a live AtomicFile's temp file is never taken for stale", () => {
    const target = join(dir, "out.bin");
    const live = AtomicFile.create(target);
    const temp = live.tempPath as string;
    const old = (Date.now() - STALE_AFTER_MS - 60_000) / 1000;
    utimesSync(temp, old, old);
    expect(removeStaleTemps(dir, "out.bin", null)).toBe(0);
    const second = AtomicFile.create(target);
    expect(existsSync(temp)).toBe(true);
    second.abort();
    live.write(new Uint8Array([5]));
    live.commit();
    expect([...readFileSync(target)]).toEqual([5]);
    const t = bootTag();
    expect(isTempNameFor(`.out.bin.${t}-0123456789ab.smem-tmp`, "out.bin")).toBe(true);
    expect(isTempNameFor(".out.bin.0123456789ab.smem-tmp", "out.bin")).toBe(false);
    expect(isTempNameFor(`.out.bin.${t}-0123456789ab.smem-tmp.x`, "out.bin")).toBe(false);
    expect(isTempNameFor(`.out.bin.x.${t}-0123456789ab.smem-tmp`, "out.bin")).toBe(false);
    expect(isTempNameFor(`.out.bin.${t}-0123456789ab.smem-tmp`, "out.bin", null)).toBe(false);
    expect(temp.endsWith(`.${t}-${temp.slice(-21, -9)}.smem-tmp`)).toBe(true);
  });

  test("runCleanups (the signal path) removes live temp files", () => {
    const target = join(dir, "interrupted.bin");
    const file = AtomicFile.create(target);
    file.write(new Uint8Array([1, 2]));
    expect(readdirSync(dir).length).toBe(1);
    runCleanups();
    expect(readdirSync(dir)).toEqual([]);
    expect(() => file.commit()).toThrow(IoError);
    expect(existsSync(target)).toBe(false);
  });
});

describe("hardenProcess", () => {
  test("disables core dumps and dumpability; SIGTERM removes temp files and exits 130", async () => {
    const target = join(dir, "secret.key");
    const child = spawn(
      process.execPath,
      [join(import.meta.dir, "..", "fixtures", "guarded-temp.ts"), target],
      {
        stdio: ["ignore", "pipe", "pipe"],
      },
    );
    let stdout = "";
    let stderr = "";
    child.stderr.on("data", (c: Buffer) => {
      stderr += c;
    });
    const report = await new Promise<{ temp: string; dumpable: number; core: number }>((resolve, reject) => {
      child.stdout.on("data", (c: Buffer) => {
        stdout += c;
        if (stdout.includes("\n")) resolve(JSON.parse(stdout));
      });
      child.on("close", () => reject(new Error(`fixture exited early: ${stderr}`)));
    });
    expect(existsSync(report.temp)).toBe(true);
    if (process.platform === "linux") expect(report.dumpable).toBe(0);
    expect(report.core).toBe(0);
    const exit = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
    child.kill("SIGTERM");
    expect(await exit).toBe(130);
    expect(stderr).toContain("smem: interrupted");
    expect(readdirSync(dir)).toEqual([]);
  });
});
