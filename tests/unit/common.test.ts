import { describe, expect, test } from "bun:test";
import type { ArgsDef } from "citty";
import { checkFlags, describeFailure, parseIntegerFlag } from "../../cmd/common";
import { AuthError, ExitCode, UsageError } from "../../core";

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
