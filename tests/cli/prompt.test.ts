// The no-echo passphrase prompt, driven through a real pseudo-terminal.
import { describe, expect, test } from "bun:test";
import { join } from "node:path";
import { toHex } from "../../core";
import { repoRoot } from "../helpers/paths";
import { runOnPty } from "../helpers/pty";

const fixture = join(repoRoot, "tests", "fixtures", "prompt-passphrase.ts");
const hex = (s: string) => toHex(new TextEncoder().encode(s));
const env: NodeJS.ProcessEnv = { ...process.env };
delete env.SMEM_PASSPHRASE;

describe("promptPassphrase on a terminal", () => {
  test("reads the line without echoing it", () => {
    const r = runOnPty(
      [process.execPath, fixture],
      [{ expect: "Passphrase: " }, { send: "correct horse battery\\r" }],
      env,
    );
    expect(r.status).toBe(0);
    expect(r.output).toContain(`read:${hex("correct horse battery")}`);
    expect(r.output).not.toContain("correct");
    expect(r.output).not.toContain("battery");
  });

  test("backspace erases (the terminal's line editing applies)", () => {
    const r = runOnPty(
      [process.execPath, fixture],
      [{ expect: "Passphrase: " }, { send: "secrXX\\x7f\\x7fet\\r" }],
      env,
    );
    expect(r.status).toBe(0);
    expect(r.output).toContain(`read:${hex("secret")}`);
    expect(r.output).not.toContain("secr");
  });

  test("confirmation: a mismatch asks again, a match returns", () => {
    const r = runOnPty(
      [process.execPath, fixture, "--confirm"],
      [
        { expect: "Passphrase: " },
        { send: "one\\r" },
        { expect: "Confirm: " },
        { send: "two\\r" },
        { expect: "do not match" },
        { expect: "Passphrase: " },
        { send: "same\\r" },
        { expect: "Confirm: " },
        { send: "same\\r" },
      ],
      env,
    );
    expect(r.status).toBe(0);
    expect(r.output).toContain(`read:${hex("same")}`);
    expect(r.output).not.toMatch(/one|two|same\r/);
  });

  test("three mismatches fail with exit 1", () => {
    const steps = [1, 2, 3].flatMap((i) => [
      { expect: "Passphrase: " },
      { send: `a${i}\\r` },
      { expect: "Confirm: " },
      { send: `b${i}\\r` },
    ]);
    const script = `
      import { promptPassphrase } from "${join(repoRoot, "core")}";
      try { await promptPassphrase("Passphrase: ", { confirm: "Confirm: " }); }
      catch (e) { console.log("failed:", e.message); process.exit(e.exitCode); }
    `;
    const r = runOnPty([process.execPath, "-e", script], steps, env);
    expect(r.output).toContain("failed: the passphrases did not match");
    expect(r.status).toBe(1);
  });

  // Bun restores the termios of a terminal stdin on exit by itself, so stdin is redirected here:
  // only smem's own restore can bring echo back.
  const thenStty = `"${process.execPath}" "${fixture}" </dev/null >/dev/null 2>&1; echo "rc=$?"; stty -a`;

  test("^C at the prompt exits 130 and restores echo", () => {
    const r = runOnPty(["bash", "-c", thenStty], [{ expect: "Passphrase: " }, { send: "part\\x03" }], env);
    expect(r.output).toContain("rc=130");
    expect(r.output).toMatch(/[^-]echo /);
    expect(r.output).not.toContain("-echo ");
    expect(r.output).not.toContain("part");
  });

  test("echo is restored after a normal read", () => {
    const r = runOnPty(["bash", "-c", thenStty], [{ expect: "Passphrase: " }, { send: "fine\\r" }], env);
    expect(r.output).toContain("rc=0");
    expect(r.output).toMatch(/[^-]echo /);
    expect(r.output).not.toContain("-echo ");
  });
});
