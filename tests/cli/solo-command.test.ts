// A compiled `smem open` / `smem seal` runs a bundle of cmd/cli.ts with that command alone
// (scripts/release.ts, SOLO_COMMANDS), picked by cmd/route.ts. Here, from source: the router's
// choices, and a one-command CLI answering exactly as the whole CLI does. (The compiled
// executables themselves run open and seal in tests/build's smoke suite.)
import { afterAll, describe, expect, test } from "bun:test";
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { subcommandOf } from "../../cmd/route";
import { soloEntrySource } from "../../scripts/release";
import { repoRoot } from "../helpers/paths";
import { smemEntry, smemEnv } from "../helpers/smem";

describe("cmd/route.ts picks the subcommand only after global flags", () => {
  const cases: [string[], string | null][] = [
    [["open", "-i", "key.txt"], "open"],
    [["-q", "open"], "open"],
    [["--require-mlock", "--quiet", "seal", "-r", "age1x"], "seal"],
    [["--help", "seal"], "seal"],
    [["-h"], null],
    [[], null],
    [["--bogus", "open"], null],
    [["-o", "out", "open"], null],
    [["--", "open"], null],
    [["version"], "version"],
  ];
  for (const [args, expected] of cases) {
    test(`${JSON.stringify(args)} -> ${expected}`, () => {
      expect(subcommandOf(args)).toBe(expected);
    });
  }
});

const scripts = mkdtempSync(join(tmpdir(), "smem-solo-test-"));
afterAll(() => rmSync(scripts, { recursive: true, force: true }));

/** Runs `args` through a CLI that has only `command` (as the compiled bundle does). */
function solo(command: "open" | "seal", args: string[]) {
  const file = join(scripts, `${command}.ts`);
  writeFileSync(file, soloEntrySource(command));
  return spawnSync(process.execPath, [file, ...args], { cwd: repoRoot, env: smemEnv(), encoding: "utf8" });
}

function whole(args: string[]) {
  return spawnSync(process.execPath, [smemEntry, ...args], {
    cwd: repoRoot,
    env: smemEnv(),
    encoding: "utf8",
  });
}

describe("a one-command CLI answers as the whole CLI", () => {
  const lines: ["open" | "seal", string[]][] = [
    ["open", ["open", "--help"]],
    ["open", ["-q", "open", "-h"]],
    ["open", ["open", "--no-such-flag"]],
    ["open", ["open", "/nonexistent/file.age"]],
    ["open", ["--quiet", "open", "-i"]],
    ["seal", ["seal", "--help"]],
    ["seal", ["seal"]],
    ["seal", ["seal", "-r", "age1notakey", "/dev/null"]],
    ["seal", ["--require-mlock", "seal", "-p", "--passphrase-file", "/nonexistent"]],
  ];
  for (const [command, args] of lines) {
    test(`smem ${args.join(" ")}`, () => {
      const a = solo(command, args);
      const b = whole(args);
      expect(a.stdout).toBe(b.stdout);
      expect(a.stderr).toBe(b.stderr);
      expect(a.status).toBe(b.status);
      expect(a.stdout.length + a.stderr.length).toBeGreaterThan(0);
    });
  }
});
