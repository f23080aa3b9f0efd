// `smem kdf` end to end: the real command in child processes, checked against hash-wasm.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { spawn } from "node:child_process";
import {
  closeSync,
  existsSync,
  mkdtempSync,
  openSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { argon2id, sha3 } from "hash-wasm";
import { runOnPty } from "../helpers/pty";
import { runSmem, smemArgv, smemEnv } from "../helpers/smem";

const SALT = "73616c7473616c74"; // "saltsalt"
const SMALL = ["--memory", "1024", "--iterations", "1", "--rounds", "10"];

async function oracle(pass: string, saltHex: string, m: number, t: number, rounds: number): Promise<string> {
  let k: Uint8Array = await argon2id({
    password: pass,
    salt: Buffer.from(saltHex, "hex"),
    parallelism: 1,
    iterations: t,
    memorySize: m,
    hashLength: 32,
    outputType: "binary",
  });
  for (let i = 0; i < Math.max(rounds, 1); i++) k = Buffer.from(await sha3(k, 256), "hex");
  return Buffer.from(k).toString("hex");
}

let dir: string;
let passFile: string;
let expected: string;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "smem-kdf-"));
  passFile = join(dir, "pass.txt");
  writeFileSync(passFile, "pass\nignored second line\n");
  expected = await oracle("pass", SALT, 1024, 1, 10);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const oneErrorLine = (stderr: string) => {
  const lines = stderr.trim().split("\n");
  expect(lines.length).toBe(1);
  expect(lines[0]).toMatch(/^smem: error: /);
  expect(stderr).not.toMatch(/\n\s+at /);
};

describe("smem kdf", () => {
  test("--passphrase-file: 64 lowercase hex characters and a newline", () => {
    const r = runSmem(["kdf", "--passphrase-file", passFile, "--salt", SALT, ...SMALL]);
    expect(r.status).toBe(0);
    expect(r.stdout.toString()).toBe(`${expected}\n`);
    expect(r.stderr).toBe("");
  });

  test("the first-line rule: \\r\\n and a missing final newline give the same key", () => {
    for (const content of ["pass\r\n", "pass"]) {
      const f = join(dir, `p${content.length}`);
      writeFileSync(f, content);
      const r = runSmem(["kdf", "--passphrase-file", f, "--salt", SALT, ...SMALL]);
      expect(r.stdout.toString()).toBe(`${expected}\n`);
    }
  });

  test("--passphrase-fd", () => {
    const fd = openSync(passFile, "r");
    try {
      const r = runSmem(["kdf", "--passphrase-fd", "3", "--salt", SALT, ...SMALL], { extraFds: [fd] });
      expect(r.status).toBe(0);
      expect(r.stdout.toString()).toBe(`${expected}\n`);
    } finally {
      closeSync(fd);
    }
    const viaStdin = runSmem(["kdf", "--passphrase-fd", "0", "--salt", SALT, ...SMALL], { input: "pass\n" });
    expect(viaStdin.stdout.toString()).toBe(`${expected}\n`);
  });

  test("SMEM_PASSPHRASE works with a warning that --quiet silences", () => {
    const r = runSmem(["kdf", "--salt", SALT, ...SMALL], { env: { SMEM_PASSPHRASE: "pass" } });
    expect(r.stdout.toString()).toBe(`${expected}\n`);
    expect(r.stderr).toContain("SMEM_PASSPHRASE");
    const quiet = runSmem(["kdf", "--quiet", "--salt", SALT, ...SMALL], { env: { SMEM_PASSPHRASE: "pass" } });
    expect(quiet.stdout.toString()).toBe(`${expected}\n`);
    expect(quiet.stderr).toBe("");
  });

  test("-o writes the raw 32 bytes atomically with mode 0600", () => {
    const out = join(dir, "key.bin");
    const r = runSmem(["kdf", "--passphrase-file", passFile, "--salt", SALT, ...SMALL, "-o", out]);
    expect(r.status).toBe(0);
    expect(r.stdout.length).toBe(0);
    expect(readFileSync(out).toString("hex")).toBe(expected);
    expect(statSync(out).mode & 0o777).toBe(0o600);
    expect(readdirSync(dir).filter((f) => f.includes("smem-tmp"))).toEqual([]);
  });

  test("without --salt a random 16-byte salt is drawn and printed to stderr", async () => {
    const r = runSmem(["kdf", "--passphrase-file", passFile, ...SMALL]);
    expect(r.status).toBe(0);
    const salt = /^salt: ([0-9a-f]{32})$/m.exec(r.stderr)?.[1] as string;
    expect(salt).toBeDefined();
    expect(r.stdout.toString()).toBe(`${await oracle("pass", salt, 1024, 1, 10)}\n`);
    const again = runSmem(["kdf", "--passphrase-file", passFile, ...SMALL]);
    expect(again.stderr).not.toContain(salt);
  });

  test("rounds 0 and 1 are the same key", () => {
    const key = (rounds: string) =>
      runSmem([
        "kdf",
        "--passphrase-file",
        passFile,
        "--salt",
        SALT,
        "--memory",
        "64",
        "--iterations",
        "1",
        "--rounds",
        rounds,
      ]).stdout.toString();
    expect(key("0")).toBe(key("1"));
    expect(key("0")).not.toBe(key("2"));
  });

  test("the default parameters are 65536 KiB, 3 passes, 1000 rounds", async () => {
    const r = runSmem(["kdf", "--passphrase-file", passFile, "--salt", SALT]);
    expect(r.status).toBe(0);
    expect(r.stdout.toString()).toBe(`${await oracle("pass", SALT, 65536, 3, 1000)}\n`);
  });

  test("the prompt: typed without echo, same key", () => {
    const res = runOnPty(
      [
        "env",
        ...Object.entries(smemEnv()).map(([k, v]) => `${k}=${v}`),
        ...smemArgv(["kdf", "--salt", SALT, ...SMALL]),
      ],
      [{ expect: "Passphrase: " }, { send: "pass\\r" }],
      {},
    );
    expect(res.status).toBe(0);
    expect(res.output).toContain(expected);
    expect(res.output.replace(expected, "")).not.toContain("pass\r");
  });

  test("--calibrate prints parameters it measured", () => {
    const r = runSmem(["kdf", "--calibrate", "40", "--memory", "1024"]);
    expect(r.status).toBe(0);
    expect(r.stdout.toString()).toMatch(/^--memory 1024 --iterations \d+ --rounds 1000\n$/);
    expect(r.stderr).toMatch(/ms measured here \(target 40 ms\)/);
  });
});

describe("smem kdf errors: one line, documented exit code", () => {
  const cases: [string, string[], number, RegExp][] = [
    ["unknown option", ["--bogus"], 1, /unknown option --bogus/],
    ["salt not hex", ["--salt", "zz"], 1, /--salt must be hexadecimal/],
    ["salt odd length", ["--salt", "abc"], 1, /--salt must be hexadecimal/],
    ["salt too short", ["--salt", "0011"], 1, /--salt must be 8 to 1024 bytes/],
    ["memory below 8", ["--memory", "4"], 1, /--memory must be from 8/],
    ["memory not a number", ["--memory", "lots"], 1, /--memory must be a whole number/],
    ["iterations 0", ["--iterations", "0"], 1, /--iterations must be from 1/],
    ["negative rounds", ["--rounds=-1"], 1, /--rounds must be a whole number/],
    ["missing value", ["--salt"], 1, /--salt needs a value/],
    ["file and fd", ["--passphrase-fd", "0"], 1, /only one of/],
    ["calibrate with -o", ["--calibrate", "100", "-o", "x"], 1, /--calibrate takes only/],
  ];
  for (const [name, extra, code, message] of cases) {
    test(`${name} -> exit ${code}`, () => {
      const r = runSmem(["kdf", "--passphrase-file", passFile, ...SMALL, ...extra]);
      expect(r.status).toBe(code);
      oneErrorLine(r.stderr);
      expect(r.stderr).toMatch(message);
      expect(r.stdout.length).toBe(0);
    });
  }

  test("missing passphrase file -> 6; a directory -> 4; empty passphrase -> 1", () => {
    const missing = runSmem(["kdf", "--passphrase-file", join(dir, "nope"), "--salt", SALT, ...SMALL]);
    expect(missing.status).toBe(6);
    oneErrorLine(missing.stderr);
    const directory = runSmem(["kdf", "--passphrase-file", dir, "--salt", SALT, ...SMALL]);
    expect(directory.status).toBe(4);
    const empty = join(dir, "empty");
    writeFileSync(empty, "\n");
    const e = runSmem(["kdf", "--passphrase-file", empty, "--salt", SALT, ...SMALL]);
    expect(e.status).toBe(1);
    expect(e.stderr).toContain("is empty");
  });

  test("-o into a missing directory -> 4, nothing written", () => {
    const r = runSmem([
      "kdf",
      "--passphrase-file",
      passFile,
      "--salt",
      SALT,
      ...SMALL,
      "-o",
      join(dir, "no", "key"),
    ]);
    expect(r.status).toBe(4);
    oneErrorLine(r.stderr);
  });

  test("no terminal and no passphrase source -> 5", () => {
    const r = runSmem(["kdf", "--salt", SALT, ...SMALL], { prefix: ["setsid", "-w"] });
    expect(r.status).toBe(5);
    oneErrorLine(r.stderr);
    expect(r.stderr).toContain("a terminal is required");
  });

  test("a failed -o leaves an existing target untouched", () => {
    const target = join(dir, "existing.key");
    writeFileSync(target, "keep me");
    const r = runSmem([
      "kdf",
      "--passphrase-file",
      join(dir, "nope"),
      "--salt",
      SALT,
      ...SMALL,
      "-o",
      target,
    ]);
    expect(r.status).toBe(6);
    expect(readFileSync(target, "utf8")).toBe("keep me");
    expect(readdirSync(dir).filter((f) => f.includes("smem-tmp"))).toEqual([]);
  });
});

describe("smem kdf interrupted", () => {
  test("SIGTERM during a long derivation: exit 130, no output, no temp file", async () => {
    const sub = mkdtempSync(join(dir, "sig-"));
    const target = join(sub, "key.bin");
    const [cmd, ...args] = smemArgv([
      "kdf",
      "--passphrase-file",
      passFile,
      "--salt",
      SALT,
      "--memory",
      "262144",
      "--iterations",
      "4",
      "-o",
      target,
    ]);
    const child = spawn(cmd as string, args, { env: smemEnv(), stdio: ["ignore", "pipe", "pipe"] });
    let stderr = "";
    child.stderr.on("data", (c: Buffer) => {
      stderr += c;
    });
    const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
    // The temp file exists from before the passphrase is read until commit: signal in between.
    const deadline = Date.now() + 20_000;
    while (!readdirSync(sub).some((f) => f.includes("smem-tmp")) && Date.now() < deadline)
      await Bun.sleep(10);
    await Bun.sleep(150);
    child.kill("SIGTERM");
    expect(await exited).toBe(130);
    expect(stderr).toContain("smem: interrupted");
    expect(existsSync(target)).toBe(false);
    expect(readdirSync(sub)).toEqual([]);
  }, 60_000);
});
