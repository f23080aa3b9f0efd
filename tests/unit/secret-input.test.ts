import { afterAll, afterEach, beforeAll, describe, expect, test } from "bun:test";
import { spawn, spawnSync } from "node:child_process";
import { closeSync, mkdirSync, mkdtempSync, openSync, rmSync, writeFileSync, writeSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  ExitCode,
  FormatError,
  type LockedBuffer,
  MAX_PASSPHRASE_BYTES,
  NotFoundError,
  readPassphraseFd,
  readPassphraseFile,
  readSecretFromFd,
  resolvePassphrase,
  UsageError,
} from "../../core";
import { repoRoot } from "../helpers/paths";

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "smem-secret-"));
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

const bytesOf = (s: string) => new TextEncoder().encode(s);
let n = 0;
function file(content: string | Uint8Array): string {
  const path = join(dir, `f${n++}`);
  writeFileSync(path, content);
  return path;
}
function text(buf: LockedBuffer): string {
  const s = new TextDecoder().decode(buf.bytes());
  buf.destroy();
  return s;
}
function mkfifo(): string {
  const path = join(dir, `fifo${n++}`);
  expect(spawnSync("mkfifo", [path]).status).toBe(0);
  return path;
}

describe("readPassphraseFile: the first line without its line ending", () => {
  const cases: [string, string][] = [
    ["pass\n", "pass"],
    ["pass\r\nsecond line\n", "pass"],
    ["pass", "pass"],
    ["pass\r", "pass"],
    ["pa\rss\n", "pa\rss"],
    ["\nsecond", ""],
    ["", ""],
    ["  spaced out  \n", "  spaced out  "],
    ["pässwörd ✓\n", "pässwörd ✓"],
  ];
  for (const [content, expected] of cases) {
    test(JSON.stringify(content), () => {
      const buf = readPassphraseFile(file(content));
      expect(buf.size).toBe(bytesOf(expected).length);
      expect(text(buf)).toBe(expected);
    });
  }

  test("the result is locked memory of exactly the line's size", () => {
    using buf = readPassphraseFile(file("0123456789\nmore"));
    expect(buf.size).toBe(10);
    expect(buf.locked).toBe(true);
    expect(buf.alive).toBe(true);
  });

  test("a first line longer than a read chunk is read whole", () => {
    const line = "x".repeat(10_000);
    expect(text(readPassphraseFile(file(`${line}\ny`)))).toBe(line);
  });

  test("a first line over the limit is malformed input", () => {
    expect(() => readPassphraseFile(file("y".repeat(MAX_PASSPHRASE_BYTES + 10)))).toThrow(FormatError);
  });

  test("a missing file is not found (exit 6); a directory is an I/O error (exit 4)", () => {
    let err: unknown;
    try {
      readPassphraseFile(join(dir, "nope"));
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(NotFoundError);
    expect((err as NotFoundError).exitCode).toBe(ExitCode.notFound);
    const sub = join(dir, `d${n++}`);
    mkdirSync(sub);
    expect(() => readPassphraseFile(sub)).toThrow(/is a directory/);
  });
});

describe("readPassphraseFd", () => {
  test("on a pipe, stops at the newline and leaves the rest unread", () => {
    const fifo = mkfifo();
    const fd = openSync(fifo, "r+");
    try {
      writeSync(fd, "first\r\nsecond\nthird");
      expect(text(readPassphraseFd(fd))).toBe("first");
      expect(text(readPassphraseFd(fd))).toBe("second");
    } finally {
      closeSync(fd);
    }
  });

  test("on a regular file", () => {
    const fd = openSync(file("from fd\nnext"), "r");
    try {
      expect(text(readPassphraseFd(fd))).toBe("from fd");
    } finally {
      closeSync(fd);
    }
  });

  test("a closed fd or a bad number is an error", () => {
    expect(() => readPassphraseFd(987)).toThrow(/not open/);
    expect(() => readPassphraseFd(-1)).toThrow(UsageError);
  });
});

describe("readSecretFromFd", () => {
  test("reads every byte of a file into locked memory", () => {
    const data = crypto.getRandomValues(new Uint8Array(200_000));
    const fd = openSync(file(data), "r");
    try {
      using buf = readSecretFromFd(fd);
      expect(buf.size).toBe(data.length);
      expect(buf.equals(data)).toBe(true);
    } finally {
      closeSync(fd);
    }
  });

  test("an empty input gives an empty buffer", () => {
    const fd = openSync(file(""), "r");
    try {
      using buf = readSecretFromFd(fd);
      expect(buf.size).toBe(0);
    } finally {
      closeSync(fd);
    }
  });

  test("grows correctly over a pipe of unknown length", async () => {
    const data = crypto.getRandomValues(new Uint8Array(300_001));
    const source = file(data);
    const fifo = mkfifo();
    const writer = spawn("sh", ["-c", 'cat "$1" > "$2"', "sh", source, fifo]);
    const fd = openSync(fifo, "r");
    try {
      using buf = readSecretFromFd(fd);
      expect(buf.size).toBe(data.length);
      expect(buf.equals(data)).toBe(true);
    } finally {
      closeSync(fd);
    }
    await new Promise((resolve) => writer.on("close", resolve));
  });

  test("maxBytes is enforced", () => {
    const fd = openSync(file(new Uint8Array(1000)), "r");
    try {
      expect(() => readSecretFromFd(fd, { maxBytes: 999 })).toThrow(FormatError);
    } finally {
      closeSync(fd);
    }
    const fd2 = openSync(file(new Uint8Array(1000)), "r");
    try {
      using buf = readSecretFromFd(fd2, { maxBytes: 1000 });
      expect(buf.size).toBe(1000);
    } finally {
      closeSync(fd2);
    }
  });
});

describe("resolvePassphrase", () => {
  const saved = process.env.SMEM_PASSPHRASE;
  afterEach(() => {
    if (saved === undefined) delete process.env.SMEM_PASSPHRASE;
    else process.env.SMEM_PASSPHRASE = saved;
  });

  test("a file wins over SMEM_PASSPHRASE; file and fd together are a usage error", async () => {
    process.env.SMEM_PASSPHRASE = "from env";
    expect(text(await resolvePassphrase({ file: file("from file\n") }))).toBe("from file");
    await expect(resolvePassphrase({ file: "a", fd: 0 })).rejects.toBeInstanceOf(UsageError);
  });

  test("SMEM_PASSPHRASE is copied into locked memory with one warning per process", () => {
    // In a child: the once-per-process warning state must start fresh.
    const script = `
      import { resolvePassphrase, setWarningHandler } from "${join(repoRoot, "core")}";
      const warnings = [];
      setWarningHandler((m) => warnings.push(m));
      const a = await resolvePassphrase({});
      const b = await resolvePassphrase({});
      console.log(JSON.stringify({
        same: a.equals(b), locked: a.locked, hex: Buffer.from(a.bytes()).toString("hex"), warnings,
      }));
    `;
    const r = spawnSync(process.execPath, ["-e", script], {
      encoding: "utf8",
      env: { ...process.env, SMEM_PASSPHRASE: "pässwörd" },
    });
    const out = JSON.parse(r.stdout);
    expect(out.hex).toBe(Buffer.from("pässwörd").toString("hex"));
    expect(out.same).toBe(true);
    expect(out.locked).toBe(true);
    expect(out.warnings.length).toBe(1);
    expect(out.warnings[0]).toContain("SMEM_PASSPHRASE");
  });

  test("an empty passphrase is refused unless allowed", async () => {
    await expect(resolvePassphrase({ file: file("\n") })).rejects.toThrow(/empty/);
    using ok = await resolvePassphrase({ file: file("\n"), allowEmpty: true });
    expect(ok.size).toBe(0);
  });

  test("without a terminal the prompt fails with exit 5", () => {
    const script = `
      import { resolvePassphrase } from "${join(repoRoot, "core")}";
      try { await resolvePassphrase({}); } catch (e) { console.log(e.name, e.exitCode, e.message); }
    `;
    const env = { ...process.env };
    delete env.SMEM_PASSPHRASE;
    const r = spawnSync("setsid", ["-w", process.execPath, "-e", script], { encoding: "utf8", env });
    expect(r.stdout).toContain("EnvironmentError 5 a terminal is required");
  });
});
