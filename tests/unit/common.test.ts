import { describe, expect, test } from "bun:test";
import { join } from "node:path";
import type { ArgsDef } from "citty";
import fc from "fast-check";
import {
  camel,
  checkFlags,
  describeFailure,
  formatMessage,
  parseIntegerFlag,
  withoutDashes,
} from "../../cmd/common";
import { AuthError, ExitCode, UsageError } from "../../core";
import { runChild } from "../helpers/child";
import { repoRoot } from "../helpers/paths";

const def = {
  salt: { type: "string" },
  output: { type: "string", alias: "o" },
  quiet: { type: "boolean", alias: "q" },
  "passphrase-file": { type: "string" },
  file: { type: "positional", required: false },
} satisfies ArgsDef;

describe("checkFlags", () => {
  test("accepts known flags, aliases, camelCase, --no- booleans and values that look like flags", () => {
    checkFlags(["--salt", "00", "-o", "out", "-q", "--passphrase-file=x", "--no-quiet", "pos"], def);
    checkFlags(["--passphraseFile", "-", "--", "--whatever"], def);
    checkFlags(["--salt", "-1"], def);
  });

  test("unknown flags, missing values and values on booleans are usage errors", () => {
    expect(() => checkFlags(["--bogus"], def)).toThrow("unknown option --bogus");
    expect(() => checkFlags(["-x"], def)).toThrow(UsageError);
    expect(() => checkFlags(["--salt"], def)).toThrow("option --salt needs a value");
    expect(() => checkFlags(["--quiet=yes"], def)).toThrow("takes no value");
  });
});

describe("flag spellings", () => {
  test("camel: a dash before a lower-case letter goes and the letter is upper-cased", () => {
    expect(camel("passphrase-file")).toBe("passphraseFile");
    expect(camel("require-mlock")).toBe("requireMlock");
    expect(camel("a--b-C-1-")).toBe("a-B-C-1-");
    expect(camel("")).toBe("");
    // The rule citty and earlier smem used, as a regular expression, on arbitrary strings.
    const text = fc.string({ unit: fc.constantFrom("-", "a", "z", "A", "0", "é", "_") });
    fc.assert(
      fc.property(text, (name) => {
        expect(camel(name)).toBe(name.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase()));
      }),
    );
  });

  test("withoutDashes drops one leading -- or -", () => {
    expect(withoutDashes("--output")).toBe("output");
    expect(withoutDashes("-o")).toBe("o");
    expect(withoutDashes("---x")).toBe("-x");
    expect(withoutDashes("x")).toBe("x");
    expect(withoutDashes("-")).toBe("");
  });
});

describe("parseIntegerFlag", () => {
  test("whole numbers in range only", () => {
    expect(parseIntegerFlag("--n", undefined, { min: 1, max: 5 })).toBeUndefined();
    expect(parseIntegerFlag("--n", "5", { min: 1, max: 5 })).toBe(5);
    for (const bad of ["0", "6", "1.5", "-1", "0x2", "", " 3"]) {
      expect(() => parseIntegerFlag("--n", bad, { min: 1, max: 5 })).toThrow(UsageError);
    }
  });
});

describe("describeFailure", () => {
  test("SmemErrors keep their exit code; anything else is one line without a stack", () => {
    expect(describeFailure(new AuthError("wrong passphrase"))).toEqual({
      message: "wrong passphrase",
      code: ExitCode.auth,
    });
    const shimMissing = Object.assign(new Error("native shim not found"), { name: "ShimLoadError" });
    expect(describeFailure(shimMissing).code).toBe(ExitCode.environment);
    const odd = describeFailure(new TypeError("first line\n    at somewhere"));
    expect(odd.message).toBe("internal error: first line");
  });
});

describe("messages (consola, one reporter)", () => {
  test("each type has its one-line form; nothing else is added", () => {
    expect(formatMessage({ type: "error", args: ["bad input"] })).toBe("smem: error: bad input\n");
    expect(formatMessage({ type: "warn", args: ["careful"] })).toBe("smem: warning: careful\n");
    expect(formatMessage({ type: "info", args: ["salt: 00ff"] })).toBe("salt: 00ff\n");
    expect(formatMessage({ type: "log", args: ["sealing"] })).toBe("smem: sealing\n");
  });

  // In a fresh bun: stderr is a pipe, so no colour; the module's quiet state starts clean.
  function messagesFrom(body: string, env: Record<string, string> = {}): string {
    const common = JSON.stringify(join(repoRoot, "cmd", "common.ts"));
    const script = `import { applyGlobalFlags, info, notice, printError, warn } from ${common};\n${body}`;
    const r = runChild([process.execPath, "-e", script], env);
    expect(r.status).toBe(0);
    return r.stderr;
  }

  test("repeated warnings are all shown (no throttling), in order, with info and errors", () => {
    const out = messagesFrom(
      'for (let i = 0; i < 8; i++) warn("same"); info("line"); notice("not a terminal"); printError("x");',
    );
    expect(out).toBe(`${"smem: warning: same\n".repeat(8)}line\nsmem: error: x\n`);
  });

  test("--quiet keeps errors only, whether set before or after the first message", () => {
    const before = messagesFrom('applyGlobalFlags({ quiet: true }); warn("w"); info("i"); printError("e");');
    expect(before).toBe("smem: error: e\n");
    const after = messagesFrom(
      'warn("w1"); applyGlobalFlags({ quiet: true }); warn("w2"); info("i"); printError("e");',
    );
    expect(after).toBe("smem: warning: w1\nsmem: error: e\n");
  });
});
