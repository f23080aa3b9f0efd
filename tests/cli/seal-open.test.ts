// `smem seal` / `smem open` end to end: the real command in child processes. Roundtrips at the
// chunk-boundary sizes through files and pipes, armored and binary, with both passphrase stanzas
// (small but real KDF settings via the documented --memory/--iterations/--rounds and
// --work-factor options); failures with -o leave the target alone and no temp file behind.
import { afterAll, beforeAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import { spawn, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  utimesSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { STALE_AFTER_MS } from "../../core/stale-temp";
import { runOnPty } from "../helpers/pty";
import { runSmem, smemArgv, smemEnv } from "../helpers/smem";

setDefaultTimeout(120_000);

let dir: string;
let pw: string;
let wrongPw: string;
const ARGON2_SMALL = ["--memory", "1024", "--iterations", "1", "--rounds", "2"];
const SCRYPT_SMALL = ["--scrypt", "--work-factor", "10"];
const SIZES = [0, 1, 65535, 65536, 65537, 131072, 10 * 1024 * 1024 + 3];

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "smem-seal-cli-"));
  pw = join(dir, "pw");
  wrongPw = join(dir, "pw-wrong");
  writeFileSync(pw, "correct horse battery staple\n");
  writeFileSync(wrongPw, "correct horse battery stapler\n");
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const quoted = smemArgv([])
  .map((a) => `'${a}'`)
  .join(" ");

function sh(script: string): { status: number | null; stderr: string } {
  const r = spawnSync("sh", ["-c", script], { env: smemEnv(), encoding: "utf8", timeout: 120_000 });
  return { status: r.status, stderr: r.stderr };
}

describe("roundtrips", () => {
  for (const size of SIZES) {
    test(`${size} bytes: smem-argon2id binary through files, scrypt armored through pipes`, () => {
      const input = join(dir, `in-${size}`);
      const plain = randomBytes(size);
      writeFileSync(input, plain);

      const sealed = `${input}.age`;
      const s = runSmem(["seal", "--passphrase-file", pw, ...ARGON2_SMALL, "-o", sealed, input]);
      expect(s.stderr).toBe("");
      expect(s.status).toBe(0);
      const bytes = readFileSync(sealed);
      expect(bytes.toString("latin1").startsWith("age-encryption.org/v1\n-> smem-argon2id ")).toBe(true);
      const o = runSmem(["open", "--passphrase-file", pw, "-o", `${input}.back`, sealed]);
      expect(o.stderr).toBe("");
      expect(o.status).toBe(0);
      expect(readFileSync(`${input}.back`).equals(plain)).toBe(true);
      // -o writes the payload behind a reserved header while the KDF runs; stdout cannot: the
      // same format and length either way, and both open.
      const viaStdout = sh(
        `${quoted} seal --passphrase-file '${pw}' ${ARGON2_SMALL.join(" ")} '${input}' > '${input}.stdout.age'`,
      );
      expect(viaStdout.status).toBe(0);
      expect(readFileSync(`${input}.stdout.age`).length).toBe(bytes.length);
      expect(
        runSmem(["open", "--passphrase-file", pw, "-o", `${input}.back3`, `${input}.stdout.age`]).status,
      ).toBe(0);
      expect(readFileSync(`${input}.back3`).equals(plain)).toBe(true);

      const r = sh(
        `cat '${input}' | ${quoted} seal -a --passphrase-file '${pw}' ${SCRYPT_SMALL.join(" ")} > '${input}.asc' && ` +
          `cat '${input}.asc' | ${quoted} open --passphrase-file '${pw}' > '${input}.back2'`,
      );
      expect(r.stderr).toBe("");
      expect(r.status).toBe(0);
      const armored = readFileSync(`${input}.asc`, "latin1");
      expect(armored.startsWith("-----BEGIN AGE ENCRYPTED FILE-----\n")).toBe(true);
      expect(Buffer.from(armored.split("\n").slice(1, 2).join(""), "base64").toString("latin1")).toContain(
        "age-encryption.org/v1",
      );
      expect(readFileSync(`${input}.back2`).equals(plain)).toBe(true);
    });
  }
});

describe("stdout to a regular file: the KDF overlaps the payload, the bytes land where they belong", () => {
  test("> file, text before and after on the same descriptor, and >> (append: written in order)", () => {
    const input = join(dir, "stdout-in");
    const plain = randomBytes(300_007);
    writeFileSync(input, plain);
    const seal = `${quoted} seal --passphrase-file '${pw}' ${ARGON2_SMALL.join(" ")} '${input}'`;
    const opens = (file: string) => {
      const back = `${file}.back`;
      expect(runSmem(["open", "--passphrase-file", pw, "-o", back, file]).status).toBe(0);
      return readFileSync(back).equals(plain);
    };
    const plainOut = join(dir, "stdout-plain.age");
    expect(sh(`${seal} > '${plainOut}'`).status).toBe(0);
    expect(opens(plainOut)).toBe(true);

    const framed = join(dir, "stdout-framed.bin");
    expect(sh(`{ printf abc; ${seal}; printf xyz; } > '${framed}'`).status).toBe(0);
    const bytes = readFileSync(framed);
    expect(bytes.subarray(0, 3).toString()).toBe("abc");
    expect(bytes.subarray(bytes.length - 3).toString()).toBe("xyz");
    expect(bytes.subarray(3, 3 + 22).toString("latin1")).toBe("age-encryption.org/v1\n");
    const inner = join(dir, "stdout-inner.age");
    writeFileSync(inner, bytes.subarray(3, bytes.length - 3));
    expect(opens(inner)).toBe(true);

    const appended = join(dir, "stdout-appended.bin");
    writeFileSync(appended, "PREFIX");
    expect(sh(`${seal} >> '${appended}'`).status).toBe(0);
    const a = readFileSync(appended);
    expect(a.subarray(0, 6).toString()).toBe("PREFIX");
    const innerA = join(dir, "stdout-inner-a.age");
    writeFileSync(innerA, a.subarray(6));
    expect(opens(innerA)).toBe(true);
  });
});

describe("age interop (Debian's age)", () => {
  const age = (() => {
    const found = spawnSync("sh", ["-c", "command -v age"], { encoding: "utf8" }).stdout.trim();
    if (found) return found;
    if (process.getuid?.() !== 0) throw new Error("age is not installed (apt-get install -y age)");
    const r = spawnSync(
      "sh",
      ["-c", "apt-get install -y age || (apt-get update && apt-get install -y age)"],
      {
        encoding: "utf8",
        timeout: 300_000,
      },
    );
    if (r.status !== 0) throw new Error(`apt-get install -y age failed: ${r.stderr.slice(-400)}`);
    return spawnSync("sh", ["-c", "command -v age"], { encoding: "utf8" }).stdout.trim();
  })();
  const env = smemEnv();

  for (const [size, armor] of [
    [0, false],
    [65536, true],
    [200_003, false],
  ] as const) {
    test(`age -d opens smem seal --scrypt output (${size} bytes${armor ? ", armored" : ""})`, () => {
      const input = join(dir, `to-age-${size}`);
      writeFileSync(input, randomBytes(size));
      const sealed = `${input}.age`;
      const s = runSmem([
        "seal",
        ...SCRYPT_SMALL,
        ...(armor ? ["-a"] : []),
        "--passphrase-file",
        pw,
        "-o",
        sealed,
        input,
      ]);
      expect(s.status).toBe(0);
      const out = `${input}.by-age`;
      const a = runOnPty(
        [age, "-d", "-o", out, sealed],
        [{ expect: "passphrase" }, { send: "correct horse battery staple\r" }],
        env,
      );
      expect(a.status).toBe(0);
      // age creates its -o file on the first write: an empty plaintext leaves none.
      const got = existsSync(out) ? readFileSync(out) : Buffer.alloc(0);
      expect(got.equals(readFileSync(input))).toBe(true);
    });

    test(`smem open opens age -p output (${size} bytes${armor ? ", armored" : ""})`, () => {
      const input = join(dir, `from-age-${size}`);
      writeFileSync(input, randomBytes(size));
      const sealed = `${input}.age`;
      const a = runOnPty(
        [age, "-p", ...(armor ? ["-a"] : []), "-o", sealed, input],
        [
          { expect: "passphrase" },
          { send: "correct horse battery staple\r" },
          { expect: "onfirm" },
          { send: "correct horse battery staple\r" },
        ],
        env,
      );
      expect(a.status).toBe(0);
      const o = runSmem(["open", "--passphrase-file", pw, sealed]);
      expect(o.stderr).toBe("");
      expect(o.status).toBe(0);
      expect(o.stdout.equals(readFileSync(input))).toBe(true);
    });
  }
});

/** Every entry of `work` except the ones named: there must be none (no temp files). */
function strayFiles(work: string, expected: string[]): string[] {
  return readdirSync(work).filter((f) => !expected.includes(f));
}

describe("failures leave nothing behind", () => {
  test("tampered, truncated, extended or wrong passphrase: exit 3 (2 for a broken header); -o target unchanged; no temp file", () => {
    const work = mkdtempSync(join(dir, "tamper-"));
    const input = join(work, "in");
    const plain = randomBytes(5 * 65536 + 1000);
    writeFileSync(input, plain);
    const sealedPath = join(work, "in.age");
    expect(runSmem(["seal", "--passphrase-file", pw, ...SCRYPT_SMALL, "-o", sealedPath, input]).status).toBe(
      0,
    );
    const sealed = readFileSync(sealedPath);
    const headerEnd = sealed.indexOf("\n---") + 1;
    const macEnd = sealed.indexOf("\n", headerEnd) + 1;
    const payload = macEnd + 16;
    const SC = 65552;
    const flip = (at: number) => {
      const t = Buffer.from(sealed);
      t[at] = (t[at] as number) ^ 0x01;
      return t;
    };
    const cases: [string, Buffer, number | number[], string?][] = [
      ["version line", flip(3), 2],
      ["stanza argument (salt)", flip(sealed.indexOf("scrypt") + 9), [2, 3]],
      ["stanza body", flip(headerEnd - 10), [2, 3]],
      ["MAC", flip(headerEnd + 8), [2, 3]],
      ["payload nonce", flip(macEnd + 3), 3],
      ["first chunk", flip(payload + 100), 3],
      ["middle chunk", flip(payload + 2 * SC + 7), 3],
      ["last chunk", flip(sealed.length - 1), 3],
      ["cut at a chunk boundary", sealed.subarray(0, payload + 3 * SC), 3],
      ["cut between boundaries", sealed.subarray(0, payload + 3 * SC + 500), 3],
      ["cut inside the nonce", sealed.subarray(0, macEnd + 5), 2],
      ["one byte appended", Buffer.concat([sealed, Buffer.from([0x0a])]), 3],
      ["wrong passphrase", sealed, 3, wrongPw],
    ];
    const target = join(work, "target");
    writeFileSync(target, "existing target");
    for (const [what, bytes, code, pass] of cases) {
      const r = runSmem(["open", "--passphrase-file", pass ?? pw, "-o", target], { input: bytes });
      const codes = Array.isArray(code) ? code : [code];
      expect({ what, expected: codes.includes(r.status as number), status: r.status }).toMatchObject({
        what,
        expected: true,
      });
      expect(r.stderr, what).toMatch(/^smem: error: [^\n]+\n$/);
      expect(readFileSync(target, "utf8"), what).toBe("existing target");
      expect(strayFiles(work, ["in", "in.age", "target"]), what).toEqual([]);
      // To stdout, only authenticated whole chunks may come out, and they are the plaintext.
      const s = runSmem(["open", "--passphrase-file", pass ?? pw], { input: bytes });
      expect(s.status, what).toBe(r.status);
      expect(s.stdout.length % 65536, what).toBe(0);
      expect(s.stdout.equals(plain.subarray(0, s.stdout.length)), what).toBe(true);
    }
  });

  test("disk full: -o into a small tmpfs exits 4, the target unchanged, no temp file", () => {
    if (process.platform !== "linux" || process.getuid?.() !== 0) {
      console.warn("SKIPPED disk-full test: needs root on Linux to mount a tmpfs");
      return;
    }
    const mnt = mkdtempSync(join(dir, "tmpfs-"));
    const m = spawnSync("mount", ["-t", "tmpfs", "-o", "size=1m", "tmpfs", mnt], { encoding: "utf8" });
    if (m.status !== 0) {
      console.warn(`SKIPPED disk-full test: cannot mount a tmpfs here (${m.stderr.trim()})`);
      return;
    }
    try {
      const input = join(dir, "big-for-tmpfs");
      writeFileSync(input, randomBytes(3 * 1024 * 1024));
      const target = join(mnt, "out.age");
      writeFileSync(target, "old");
      const s = runSmem(["seal", "--passphrase-file", pw, ...ARGON2_SMALL, "-o", target, input]);
      expect(s.status).toBe(4);
      expect(s.stderr).toMatch(/^smem: error: .*ENOSPC.*\n$/);
      expect(readFileSync(target, "utf8")).toBe("old");
      expect(readdirSync(mnt)).toEqual(["out.age"]);

      const sealed = join(dir, "big-for-tmpfs.age");
      expect(runSmem(["seal", "--passphrase-file", pw, ...ARGON2_SMALL, "-o", sealed, input]).status).toBe(0);
      const o = runSmem(["open", "--passphrase-file", pw, "-o", target, sealed]);
      expect(o.status).toBe(4);
      expect(readFileSync(target, "utf8")).toBe("old");
      expect(readdirSync(mnt)).toEqual(["out.age"]);
    } finally {
      spawnSync("umount", [mnt]);
    }
  });

  test("SIGKILL while writing -o leaves the target unchanged", async () => {
    const work = mkdtempSync(join(dir, "kill-"));
    const target = join(work, "out.age");
    writeFileSync(target, "precious");
    const [cmd, ...args] = smemArgv(["seal", "--passphrase-file", pw, ...ARGON2_SMALL, "-o", target]);
    const child = spawn(cmd as string, args, { env: smemEnv(), stdio: ["pipe", "ignore", "ignore"] });
    // Feed data until the temp file has grown, then kill without warning.
    const chunk = randomBytes(1 << 20);
    let tempSeen = false;
    for (let i = 0; i < 200 && !tempSeen; i++) {
      await new Promise<void>((resolve) => child.stdin.write(chunk, () => resolve()));
      tempSeen = readdirSync(work).some((f) => f.endsWith(".smem-tmp"));
    }
    expect(tempSeen).toBe(true);
    child.kill("SIGKILL");
    await new Promise((resolve) => child.on("close", resolve));
    expect(readFileSync(target, "utf8")).toBe("precious");
    // The killed writer's temp file stays (nothing could remove it) until the next -o to the
    // same target finds it unlocked and older than STALE_AFTER_MS (backdated here).
    const left = readdirSync(work).filter((f) => f.endsWith(".smem-tmp"));
    expect(left.length).toBe(1);
    const old = (Date.now() - STALE_AFTER_MS - 60_000) / 1000;
    utimesSync(join(work, left[0] as string), old, old);
    const input = join(work, "in");
    writeFileSync(input, "again");
    expect(runSmem(["seal", "--passphrase-file", pw, ...ARGON2_SMALL, "-o", target, input]).status).toBe(0);
    expect(readdirSync(work).sort()).toEqual(["in", "out.age"]);
  });
});

describe("terminal behaviour", () => {
  test("binary output to a terminal is refused with a hint; -a is allowed", () => {
    const input = join(dir, "tty-in");
    writeFileSync(input, "hello");
    const bun = process.execPath;
    const main = smemArgv([])[1] as string;
    const env = smemEnv();
    const r = runOnPty(
      [bun, main, "seal", "--passphrase-file", pw, ...ARGON2_SMALL, input],
      [{ expect: "terminal" }],
      env,
    );
    expect(r.status).toBe(1);
    expect(r.output).toContain("-a");
    const a = runOnPty(
      [bun, main, "seal", "-a", "--passphrase-file", pw, ...ARGON2_SMALL, input],
      [{ expect: "END AGE ENCRYPTED FILE" }],
      env,
    );
    expect(a.status).toBe(0);
  });

  test("progress appears on a terminal stderr for large inputs, never with --quiet or off a terminal", () => {
    const input = join(dir, "progress-in");
    writeFileSync(input, randomBytes(24 * 1024 * 1024));
    const bun = process.execPath;
    const main = smemArgv([])[1] as string;
    const out = join(dir, "progress.age");
    const r = runOnPty(
      [bun, main, "seal", "--passphrase-file", pw, ...ARGON2_SMALL, "-o", out, input],
      [],
      smemEnv(),
    );
    expect(r.status).toBe(0);
    expect(r.output).toMatch(/sealed [0-9.]+ MiB of 24\.0 MiB/);
    const q = runOnPty(
      [bun, main, "seal", "--quiet", "--passphrase-file", pw, ...ARGON2_SMALL, "-o", out, input],
      [],
      smemEnv(),
    );
    expect(q.status).toBe(0);
    expect(q.output).not.toContain("sealed");
    const p = runSmem(["seal", "--passphrase-file", pw, ...ARGON2_SMALL, "-o", out, input]);
    expect(p.stderr).toBe("");
  });

  test("open asks for a passphrase only when the header has a passphrase stanza", () => {
    const keyFile = join(dir, "x25519.key");
    const kg = spawnSync("age-keygen", ["-o", keyFile], { encoding: "utf8" });
    expect(kg.status).toBe(0);
    const recipient = /public key: (age1[0-9a-z]+)/i.exec(kg.stderr)?.[1] as string;
    const input = join(dir, "pk-in");
    writeFileSync(input, randomBytes(70_000));
    const sealed = join(dir, "pk.age");
    expect(runSmem(["seal", "-r", recipient, "-o", sealed, input]).status).toBe(0);
    // No terminal and no passphrase source: a passphrase prompt would fail with exit 5.
    const noId = runSmem(["open", sealed]);
    expect(noId.status).toBe(1);
    expect(noId.stderr).toContain("-i");
    const withId = runSmem(["open", "-i", keyFile, sealed]);
    expect(withId.status).toBe(0);
    expect(withId.stdout.equals(readFileSync(input))).toBe(true);
    // A passphrase file is refused early as input without -p confusion: -p and -r together.
    const both = runSmem(["seal", "-p", "-r", recipient, "--passphrase-file", pw, input]);
    expect(both.status).toBe(1);
  });

  test("usage errors", () => {
    expect(runSmem(["seal", "--work-factor", "12", "--passphrase-file", pw], { input: "x" }).status).toBe(1);
    expect(
      runSmem(["seal", "--scrypt", "--memory", "2048", "--passphrase-file", pw], { input: "x" }).status,
    ).toBe(1);
    expect(runSmem(["seal", "--memory", "8", "--passphrase-file", pw], { input: "x" }).status).toBe(1);
    expect(runSmem(["seal", "--passphrase-file", pw, join(dir, "nope")]).status).toBe(6);
    expect(existsSync(join(dir, "nope"))).toBe(false);
    mkdirSync(join(dir, "a-dir"), { recursive: true });
    expect(runSmem(["open", "--passphrase-file", pw, join(dir, "a-dir")]).status).toBe(4);
    const notAge = runSmem(["open", "--passphrase-file", pw], { input: "hello, not an age file\n" });
    expect(notAge.status).toBe(2);
  });
});
