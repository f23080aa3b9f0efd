// `smem stream seal|open` end to end: the real command in child processes, through files and
// pipes, with keys from files (raw and hex) and fds; failures leave no output behind.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import {
  closeSync,
  existsSync,
  mkdtempSync,
  openSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runSmem, smemArgv, smemEnv } from "../helpers/smem";

let dir: string;
let keyFile: string;
let hexKeyFile: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "smem-stream-cli-"));
  const key = randomBytes(32);
  keyFile = join(dir, "k.bin");
  hexKeyFile = join(dir, "k.hex");
  writeFileSync(keyFile, key);
  writeFileSync(hexKeyFile, `${key.toString("hex")}\n`);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const SIZES = [0, 1, 65535, 65536, 65537, 131072, 10 * 1024 * 1024 + 3];

function sh(script: string): { status: number | null; stderr: string } {
  const r = spawnSync("sh", ["-c", script], { env: smemEnv(), encoding: "utf8", timeout: 60_000 });
  return { status: r.status, stderr: r.stderr };
}

const smem = smemArgv([])
  .map((a) => `'${a}'`)
  .join(" ");

describe("smem stream", () => {
  for (const size of SIZES) {
    test(`roundtrip through files (${size} bytes)`, () => {
      const plain = randomBytes(size);
      const input = join(dir, `in-${size}`);
      writeFileSync(input, plain);
      const sealed = join(dir, `in-${size}.smst`);
      const back = join(dir, `out-${size}`);
      const s = runSmem(["stream", "seal", "--key-file", keyFile, "-o", sealed, input]);
      expect(s.stderr).toBe("");
      expect(s.status).toBe(0);
      const chunks = Math.max(1, Math.ceil(size / 65536));
      expect(readFileSync(sealed).length).toBe(31 + size + 16 * chunks);
      const o = runSmem(["stream", "open", "--key-file", hexKeyFile, "-o", back, sealed]);
      expect(o.stderr).toBe("");
      expect(o.status).toBe(0);
      expect(readFileSync(back).equals(plain)).toBe(true);
    });
  }

  for (const size of [0, 65536, 200_003, 10 * 1024 * 1024 + 3]) {
    test(`roundtrip through pipes (${size} bytes)`, () => {
      const input = join(dir, `pipe-${size}`);
      writeFileSync(input, randomBytes(size));
      const r = sh(
        `cat '${input}' | ${smem} stream seal --key-file '${keyFile}' | ${smem} stream open --key-file '${keyFile}' > '${input}.back'`,
      );
      expect(r.stderr).toBe("");
      expect(r.status).toBe(0);
      expect(readFileSync(`${input}.back`).equals(readFileSync(input))).toBe(true);
    });
  }

  test("--key-fd reads the key from an inherited descriptor", () => {
    const input = join(dir, "fd-in");
    writeFileSync(input, randomBytes(1000));
    const fd = openSync(hexKeyFile, "r");
    try {
      const s = runSmem(["stream", "seal", "--key-fd", "3", input], { extraFds: [fd] });
      expect(s.status).toBe(0);
      const o = runSmem(["stream", "open", "--key-file", keyFile], { input: s.stdout });
      expect(o.status).toBe(0);
      expect(o.stdout.equals(readFileSync(input))).toBe(true);
    } finally {
      closeSync(fd);
    }
  });

  test("wrong key or tampering: exit 3, -o target unchanged, no temp file; bad header: exit 2", () => {
    const work = mkdtempSync(join(dir, "fail-"));
    const input = join(work, "in");
    writeFileSync(input, randomBytes(300_000));
    const sealed = runSmem(["stream", "seal", "--key-file", keyFile, input]).stdout;
    const otherKey = join(work, "other");
    writeFileSync(otherKey, randomBytes(32));
    const target = join(work, "target");
    writeFileSync(target, "previous contents");
    const cases: [string, Buffer, string, number][] = [
      ["wrong key", sealed, otherKey, 3],
      ["truncated at a chunk boundary", sealed.subarray(0, 31 + 2 * 65552), keyFile, 3],
      ["one byte appended", Buffer.concat([sealed, Buffer.from([0])]), keyFile, 3],
      ["bad magic", Buffer.concat([Buffer.from("x"), sealed.subarray(1)]), keyFile, 2],
      ["empty input", Buffer.alloc(0), keyFile, 2],
    ];
    for (const at of [40, 31 + 65552 * 2 + 100, sealed.length - 1]) {
      const t = Buffer.from(sealed);
      t[at] = (t[at] as number) ^ 0x80;
      cases.push([`flipped byte ${at}`, t, keyFile, 3]);
    }
    for (const [what, bytes, key, code] of cases) {
      const r = runSmem(["stream", "open", "--key-file", key, "-o", target], { input: bytes });
      expect(r.status, what).toBe(code);
      expect(r.stderr, what).toMatch(/^smem: error: .+\n$/);
      expect(readFileSync(target, "utf8"), what).toBe("previous contents");
      expect(readdirSync(work).sort(), what).toEqual(["in", "other", "target"]);
    }
  });

  test("usage and key errors", () => {
    const r1 = runSmem(["stream", "seal"], { input: "x" });
    expect(r1.status).toBe(1);
    expect(r1.stderr).toContain("--key-file");
    const r2 = runSmem(["stream", "seal", "--key-file", join(dir, "missing")], { input: "x" });
    expect(r2.status).toBe(6);
    const short = join(dir, "short-key");
    writeFileSync(short, randomBytes(31));
    const r3 = runSmem(["stream", "seal", "--key-file", short], { input: "x" });
    expect(r3.status).toBe(2);
    expect(r3.stderr).toContain("32-byte key");
    expect(existsSync(join(dir, "missing"))).toBe(false);
  });
});
