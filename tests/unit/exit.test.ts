// How a finished command ends (core/exit.ts): the immediate exit runs only when nothing may be
// queued on stdout/stderr, after the exit listeners; the shim's _exit keeps the status and skips
// the runtime's teardown. And the rule it rests on: only core/stdio.ts writes to those streams.
import { afterAll, expect, test } from "bun:test";
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { describeEnd, runChild } from "../helpers/child";
import { repoRoot } from "../helpers/paths";

const dir = mkdtempSync(join(tmpdir(), "smem-exit-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const lit = (p: string) => JSON.stringify(p);
const exitModule = lit(join(repoRoot, "core", "exit.ts"));
const stdioModule = lit(join(repoRoot, "core", "stdio.ts"));
const guardModule = lit(join(repoRoot, "core", "process-guard.ts"));

/** Runs a script in a fresh Bun; returns how it ended and the log it appended to. */
function runScript(name: string, body: string, env: Record<string, string | undefined> = {}) {
  const script = join(dir, `${name}.ts`);
  const log = join(dir, `${name}.log`);
  writeFileSync(log, "");
  writeFileSync(
    script,
    [
      'import { appendFileSync } from "node:fs";',
      `const note = (what: string) => appendFileSync(${lit(log)}, what + "\\n");`,
      body,
    ].join("\n"),
  );
  const end = runChild([process.execPath, script], { BUN_BYTECODE_ORDER_OUT: undefined, ...env });
  return { end, log: readFileSync(log, "utf8").trim().split("\n").filter(Boolean) };
}

const withHook = (tail: string) => `
import { exitNow, setImmediateExit } from ${exitModule};
import { writeStderr } from ${stdioModule};
process.on("exit", (code) => note("exit listener " + code));
setImmediateExit((code) => note("immediate " + code));
${tail}
exitNow(7);
note("not reached");
`;

test("exitNow runs the exit listeners, then the immediate exit, when the streams were not used", () => {
  const { end, log } = runScript("quiet", withHook(""));
  expect(end.status, describeEnd(end)).toBe(7);
  // The hook here returns, so exitNow falls back to process.exit: the listeners run again then.
  expect(log).toEqual(["exit listener 7", "immediate 7", "exit listener 7"]);
});

test("after a write through process.stderr, exitNow is a plain process.exit", () => {
  const { end, log } = runScript("wrote", withHook('writeStderr("smem: a notice\\n");'));
  expect(end.status, describeEnd(end)).toBe(7);
  expect(end.stderr).toContain("smem: a notice");
  expect(log).toEqual(["exit listener 7"]);
});

test("while Bun records a bytecode profile (written in its teardown), exitNow is process.exit", () => {
  const { end, log } = runScript("profiling", withHook(""), {
    BUN_BYTECODE_ORDER_OUT: join(dir, "profile.order"),
  });
  expect(end.status, describeEnd(end)).toBe(7);
  expect(log).toEqual(["exit listener 7"]);
});

test("after hardenProcess, exitNow ends through the shim: status kept, cleanups run, once", () => {
  const { end, log } = runScript(
    "hardened",
    `
import { exitNow } from ${exitModule};
import { hardenProcess, onCleanup } from ${guardModule};
hardenProcess();
onCleanup(() => note("cleanup"));
process.on("exit", (code) => note("exit listener " + code));
exitNow(9);
note("not reached");
`,
  );
  expect(end.status, describeEnd(end)).toBe(9);
  // One round of listeners: the process ended inside the immediate exit, before process.exit.
  expect(log).toEqual(["cleanup", "exit listener 9"]);
});

test("only core/stdio.ts writes to process.stdout / process.stderr in cmd/, core/ and ffi/", () => {
  const offenders: string[] = [];
  const walk = (d: string): void => {
    for (const name of readdirSync(d)) {
      const path = join(d, name);
      if (statSync(path).isDirectory()) walk(path);
      else if (name.endsWith(".ts") && path !== join(repoRoot, "core", "stdio.ts")) {
        const text = readFileSync(path, "utf8");
        for (const [i, line] of text.split("\n").entries()) {
          if (/process\.std(out|err)\.write\b|\bconsole\.\w+\(|Bun\.std(out|err)\b/.test(line)) {
            // version writes with an awaited Bun.write and never loads the shim (so never
            // exits immediately); stream.write in cmd/cli.ts follows markStdioStreamsUsed.
            if (/await Bun\.write\(Bun\.stdout, /.test(line)) continue;
            offenders.push(`${relative(repoRoot, path)}:${i + 1}: ${line.trim()}`);
          }
        }
      }
    }
  };
  for (const top of ["cmd", "core", "ffi"]) walk(join(repoRoot, top));
  expect(offenders).toEqual([]);
});
