// smem edit's failures before any terminal is involved: one line on stderr, the documented exit
// code. The child runs under setsid, so it has no controlling terminal at all.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { LockedBuffer, SeditKey, utf8 } from "../../core";
import { repoRoot } from "../helpers/paths";

const main = join(repoRoot, "cmd", "main.ts");
let dir = "";
let good = "";

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "smem-edit-err-"));
  good = join(dir, "good.sedit");
  using pass = LockedBuffer.fromBytes(utf8("right"));
  const key = SeditKey.create(pass, { memoryKiB: 64, iterations: 1, rounds: 2 });
  writeFileSync(good, key.seal(utf8("secret text")));
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

function edit(args: string[], stdin = ""): { status: number | null; stderr: string } {
  const r = spawnSync("setsid", ["-w", process.execPath, main, "edit", ...args], {
    input: stdin,
    encoding: "utf8",
    timeout: 20_000,
    env: { ...process.env, SMEM_PASSPHRASE: undefined },
  });
  return { status: r.status, stderr: r.stderr };
}

function v3WithMemory(memoryKiB: number): Uint8Array {
  const f = new Uint8Array(40 + 24 + 16);
  f.set([0x53, 0x45, 0x44, 0x49, 0x54, 0, 3, 0]);
  const dv = new DataView(f.buffer);
  dv.setUint32(8, memoryKiB);
  dv.setUint32(12, 1);
  dv.setBigUint64(16, 1n);
  return f;
}

describe("smem edit failures", () => {
  test("a v3 header asking for absurd memory: exit 2 before any passphrase is asked", () => {
    const file = join(dir, "huge.sedit");
    writeFileSync(file, v3WithMemory(0xffffffff));
    for (const args of [[file], ["--key-stdin", file]]) {
      const r = edit(args, "pw\n");
      expect(r.status).toBe(2);
      expect(r.stderr.trim()).toBe(
        "smem: error: sedit KDF memory of 4294967295 KiB is outside the accepted 8..4194304 KiB (4 GiB)",
      );
    }
  });

  test("truncated files: exit 2", () => {
    const file = join(dir, "short.sedit");
    writeFileSync(file, v3WithMemory(64).subarray(0, 60));
    expect(edit(["--key-stdin", file], "pw\n")).toEqual({
      status: 2,
      stderr: "smem: error: file too short to be an encrypted sedit file\n",
    });
    writeFileSync(file, new Uint8Array([0x53, 0x45, 0x44, 0x49, 0x54, 0, 2, 0, 1, 2, 3]));
    expect(edit(["--key-stdin", file], "pw\n")).toEqual({
      status: 2,
      stderr: "smem: error: corrupted v2 file (too short for salt)\n",
    });
  });

  test("no terminal: exit 5, before the passphrase is read or the key derived", () => {
    for (const pw of ["right\n", "wrong\n"]) {
      const r = edit(["--key-stdin", good], pw);
      expect(r.status).toBe(5);
      expect(r.stderr).toBe("smem: error: a terminal is required for smem edit (cannot open /dev/tty)\n");
    }
  });

  test("no terminal to prompt on and no --key-stdin: exit 5", () => {
    const r = edit([good]);
    expect(r.status).toBe(5);
    expect(r.stderr.split("\n").filter(Boolean)).toHaveLength(1);
  });

  test("usage errors: exit 1", () => {
    expect(edit(["--mode", "vi", good]).status).toBe(1);
    const r = edit(["--plaintext", good]);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain("is an encrypted sedit file; --plaintext would save it decrypted");
    expect(edit(["--kdf-memory", "4", join(dir, "new.sedit")], "pw\n").status).toBe(1);
    expect(edit([]).status).toBe(1);
  });

  test("a directory: exit 4; plaintext that is not UTF-8: exit 2", () => {
    const sub = join(dir, "sub");
    mkdirSync(sub);
    expect(edit(["--plaintext", sub]).status).toBe(4);
    const bin = join(dir, "bin.dat");
    writeFileSync(bin, new Uint8Array([0x61, 0xff, 0xfe]));
    const r = edit(["--plaintext", bin]);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain("is not valid UTF-8 text");
  });
});
