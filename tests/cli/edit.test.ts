// smem edit end to end in a real terminal (tmux): typing, saving and quitting in each key mode,
// reopening, the unsaved-changes warning, v2 → v3 upgrade, prompts, plaintext files, signals.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DEFAULT_KDF, deriveKey, LockedBuffer, openSedit, randomBytes, utf8, xchachaSeal } from "../../core";
import { repoRoot } from "../helpers/paths";
import { ensureTmux, shellQuote, TmuxSession } from "../helpers/tmux";

const main = join(repoRoot, "cmd", "main.ts");
const SMALL_KDF = ["--kdf-memory", "64", "--kdf-iterations", "1", "--kdf-rounds", "3"];
const LINES = ["line one", "zwei é 日本 🔐", "third"];
const TEXT = LINES.join("\n");

const MODES = {
  normal: { save: ["C-s"], quit: ["C-q"] },
  nano: { save: ["C-o"], quit: ["C-x"] },
  emacs: { save: ["C-x", "C-s"], quit: ["C-x", "C-c"] },
  mcedit: { save: ["F2"], quit: ["F10"] },
} as const;

let dir = "";
let hasTmux = false;
const sessions: TmuxSession[] = [];

beforeAll(() => {
  hasTmux = ensureTmux();
  dir = mkdtempSync(join(tmpdir(), "smem-edit-"));
});

afterAll(() => {
  for (const s of sessions) s.kill();
  rmSync(dir, { recursive: true, force: true });
});

/** The shell command line that runs smem edit (passphrase piped in when given). */
function editCommand(args: string[], passphrase?: string): string {
  const smem = [process.execPath, main, "edit", ...args].map(shellQuote).join(" ");
  return passphrase === undefined ? smem : `printf '%s\\n' ${shellQuote(passphrase)} | ${smem} --key-stdin`;
}

function start(args: string[], passphrase?: string, size = { cols: 80, rows: 24 }): TmuxSession {
  if (!hasTmux) throw new Error("tmux is not installed and apt-get could not install it");
  const s = TmuxSession.start(editCommand(args, passphrase), size);
  sessions.push(s);
  return s;
}

function typeLines(s: TmuxSession, lines: readonly string[]): void {
  lines.forEach((line, i) => {
    if (i > 0) s.keys("Enter");
    s.type(line);
  });
}

function contains(haystack: Uint8Array, needle: Uint8Array): boolean {
  outer: for (let i = 0; i + needle.length <= haystack.length; i++) {
    for (let j = 0; j < needle.length; j++) if (haystack[i + j] !== needle[j]) continue outer;
    return true;
  }
  return false;
}

function decrypt(file: string, passphrase: string): string {
  using pass = LockedBuffer.fromBytes(utf8(passphrase));
  using text = openSedit(new Uint8Array(readFileSync(file)), pass).plaintext;
  return new TextDecoder().decode(text.bytes());
}

function header(bytes: Uint8Array): {
  magic: number[];
  m: number;
  t: number;
  rounds: bigint;
  salt: number[];
} {
  const dv = new DataView(bytes.buffer, bytes.byteOffset);
  return {
    magic: [...bytes.subarray(0, 8)],
    m: dv.getUint32(8),
    t: dv.getUint32(12),
    rounds: dv.getBigUint64(16),
    salt: [...bytes.subarray(24, 40)],
  };
}

const V3_MAGIC = [0x53, 0x45, 0x44, 0x49, 0x54, 0, 3, 0];

describe("smem edit in a terminal", () => {
  for (const [mode, keys] of Object.entries(MODES)) {
    test(`${mode} mode: create, type non-ASCII lines, save, quit, reopen`, async () => {
      const file = join(dir, `${mode}.sedit`);
      const s = start(["--mode", mode, ...SMALL_KDF, file], `pass-${mode}`);
      await s.waitFor("New encrypted file");
      typeLines(s, LINES);
      await s.waitFor(
        (sc) => sc.includes("third") && sc.includes("[modified]") && sc.includes("Ln 3, Col 6"),
      );
      s.keys(...keys.save);
      await s.waitFor("Saved");
      s.keys(...keys.quit);
      expect(await s.waitExit()).toBe(0);
      expect(s.alternateScreen()).toBe(false);

      const bytes = new Uint8Array(readFileSync(file));
      const h = header(bytes);
      expect(h.magic).toEqual(V3_MAGIC);
      expect([h.m, h.t, h.rounds]).toEqual([64, 1, 3n]);
      for (const piece of ["line one", "zwei", "third", "é", "日本", "🔐"]) {
        expect(contains(bytes, utf8(piece))).toBe(false);
      }
      expect(decrypt(file, `pass-${mode}`)).toBe(TEXT);
      expect(readdirSync(dir).filter((n) => n.startsWith(`${mode}.sedit`))).toEqual([`${mode}.sedit`]);

      const again = start(["--mode", mode, file], `pass-${mode}`);
      const screen = await again.waitFor(LINES[1] as string);
      for (const line of LINES) expect(screen).toContain(line);
      expect(screen).toContain("[encrypted]");
      expect(screen).toContain(`mode: ${mode}`);
      expect(screen).toContain("Ln 1, Col 1");
      expect(screen).not.toContain("[modified]");
      again.keys(...keys.quit);
      expect(await again.waitExit()).toBe(0);
    }, 30_000);
  }

  test("quitting with unsaved changes warns once; the second quit discards them", async () => {
    const file = join(dir, "warn.sedit");
    const s = start([...SMALL_KDF, file], "w");
    await s.waitFor("New encrypted file");
    s.type("kept");
    s.keys("C-s");
    await s.waitFor("Saved");
    s.keys("C-q");
    expect(await s.waitExit()).toBe(0); // nothing unsaved: quits at once
    const before = readFileSync(file);

    const t = start([file], "w");
    await t.waitFor("kept");
    t.keys("End");
    t.type(" lost");
    await t.waitFor("kept lost");
    t.keys("C-q");
    await t.waitFor("Unsaved changes! Ctrl-Q again quits without saving");
    expect(t.screen()).not.toContain("EXIT=");
    t.keys("C-q");
    expect(await t.waitExit()).toBe(0);
    expect(readFileSync(file).equals(before)).toBe(true);
    expect(decrypt(file, "w")).toBe("kept");
  }, 30_000);

  test("a v2 file re-saved becomes v3 with the same salt and the default parameters", async () => {
    const file = join(dir, "old.sedit");
    const salt = randomBytes(16);
    const nonce = randomBytes(24);
    {
      using pass = LockedBuffer.fromBytes(utf8("v2 pass"));
      using key = deriveKey(pass, salt, DEFAULT_KDF);
      const body = xchachaSeal(key, nonce, utf8("from the seed\nsecond"));
      const v2 = new Uint8Array(8 + 16 + 24 + body.length);
      v2.set([0x53, 0x45, 0x44, 0x49, 0x54, 0, 2, 0]);
      v2.set(salt, 8);
      v2.set(nonce, 24);
      v2.set(body, 48);
      writeFileSync(file, v2);
    }
    const s = start([file], "v2 pass");
    await s.waitFor("Opened a sedit v2 file");
    expect(s.screen()).toContain("from the seed");
    s.keys("Down", "End");
    s.type(" + edited");
    await s.waitFor("second + edited");
    s.keys("C-s");
    await s.waitFor("Saved");
    s.keys("C-q");
    expect(await s.waitExit()).toBe(0);
    const h = header(new Uint8Array(readFileSync(file)));
    expect(h.magic).toEqual(V3_MAGIC);
    expect(h.salt).toEqual([...salt]);
    expect([h.m, h.t, h.rounds]).toEqual([65536, 3, 1000n]);
    expect(decrypt(file, "v2 pass")).toBe("from the seed\nsecond + edited");
  }, 30_000);

  test("without --key-stdin a new file asks twice until both match, an existing one once", async () => {
    const file = join(dir, "prompted.sedit");
    const s = start([...SMALL_KDF, file]);
    await s.waitFor("New passphrase for");
    s.type("abc");
    s.keys("Enter");
    await s.waitFor("Repeat the passphrase");
    s.type("abd");
    s.keys("Enter");
    await s.waitFor("do not match");
    s.type("abc");
    s.keys("Enter");
    s.type("abc");
    s.keys("Enter");
    await s.waitFor("New encrypted file");
    s.type("prompted text");
    s.keys("C-s");
    await s.waitFor("Saved");
    s.keys("Escape");
    expect(await s.waitExit()).toBe(0);

    const t = start([file]);
    await t.waitFor("Passphrase for");
    t.type("abc");
    t.keys("Enter");
    await t.waitFor("prompted text");
    expect(t.screen()).not.toContain("abc"); // the passphrase was never echoed
    t.keys("Escape");
    expect(await t.waitExit()).toBe(0);
  }, 30_000);

  test("a wrong passphrase exits 3 with one line, the terminal back to normal", async () => {
    const file = join(dir, "wrong.sedit");
    const s = start([...SMALL_KDF, file], "right");
    await s.waitFor("New encrypted file");
    s.type("x");
    s.keys("C-s");
    await s.waitFor("Saved");
    s.keys("C-q");
    expect(await s.waitExit()).toBe(0);
    const t = start([file], "wrong");
    expect(await t.waitExit()).toBe(3);
    expect(t.screen()).toContain("smem: error: decryption failed — wrong key or tampered header");
    expect(t.alternateScreen()).toBe(false);
  }, 30_000);

  test("a file without a sedit header opens as plaintext with a notice, wide text scrolls, resize redraws", async () => {
    const file = join(dir, "notes.txt");
    writeFileSync(file, "alpha\nbeta");
    const s = start([file], undefined, { cols: 40, rows: 10 });
    await s.waitFor("No sedit header: editing as plaintext");
    expect(s.screen()).toContain("[plaintext]");
    s.keys("End");
    s.type(` ${"日本".repeat(20)} tail`);
    // The cursor line scrolled left: the line's start is off screen, its end on it.
    const scrolled = await s.waitFor("tail");
    expect(scrolled).not.toContain("alpha");
    s.resize(60, 12);
    await s.waitFor((sc) => (sc.split("\n").find((l) => l.includes("Ln 1,")) ?? "").length > 45);
    s.keys("C-s");
    await s.waitFor("Saved");
    s.keys("C-q");
    expect(await s.waitExit()).toBe(0);
    expect(readFileSync(file, "utf8")).toBe(`alpha ${"日本".repeat(20)} tail\nbeta`);
  }, 30_000);

  test("SIGTERM restores the terminal (cooked mode, main screen) and exits 130", async () => {
    const file = join(dir, "term.txt");
    writeFileSync(file, "signal me");
    const cmd = `${editCommand(["--plaintext", file])}; echo EXIT=$?; stty -a; sleep 600`;
    if (!hasTmux) throw new Error("tmux is not installed");
    const s = TmuxSession.start(cmd, { cols: 100, rows: 30, exitMarker: false });
    sessions.push(s);
    await s.waitFor("signal me");
    const pid = Bun.spawnSync(["pgrep", "-f", `edit --plaintext ${file}`])
      .stdout.toString()
      .trim()
      .split("\n")[0];
    expect(Number(pid)).toBeGreaterThan(0);
    process.kill(Number(pid), "SIGTERM");
    const screen = await s.waitFor(/EXIT=130[\s\S]*icanon/);
    expect(screen).toMatch(/ icanon /);
    expect(screen).toMatch(/ echo /);
    expect(s.alternateScreen()).toBe(false);
  }, 30_000);
});
