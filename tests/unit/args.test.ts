import { describe, expect, test } from "bun:test";
import type { ArgsDef, CommandDef } from "citty";
import { parseArgs, runCommandLine } from "../../cmd/args";
import { UsageError } from "../../core";

const def = {
  input: { type: "positional", required: false },
  output: { type: "string", alias: "o" },
  "passphrase-file": { type: "string" },
  quiet: { type: "boolean", alias: "q" },
  passphrase: { type: "boolean", default: true },
  mode: { type: "enum", options: ["a", "b"] },
} satisfies ArgsDef;

describe("parseArgs", () => {
  test("flags by name, alias, camelCase and name=value; positionals in order", () => {
    const a = parseArgs(["-o", "out", "--passphraseFile=pw", "-q", "in.txt"], def);
    expect(a.output).toBe("out");
    expect(a["passphrase-file"]).toBe("pw");
    expect(a.passphraseFile).toBe("pw");
    expect(a.quiet).toBe(true);
    expect(a.input).toBe("in.txt");
    expect(a._).toEqual(["in.txt"]);
  });

  test("defaults, --no- booleans, the last repeat wins, values that look like flags", () => {
    expect(parseArgs([], def).passphrase).toBe(true);
    expect(parseArgs([], def).quiet).toBeUndefined();
    expect(parseArgs(["--no-passphrase"], def).passphrase).toBe(false);
    expect(parseArgs(["-o", "a", "--output", "b"], def).output).toBe("b");
    expect(parseArgs(["-o", "-1"], def).output).toBe("-1");
    expect(parseArgs(["--output="], def).output).toBe("");
  });

  test("`-` is an operand and everything after `--` is positional", () => {
    const a = parseArgs(["-", "--", "-o", "--quiet"], def);
    expect(a.input).toBe("-");
    expect(a._).toEqual(["-", "-o", "--quiet"]);
    expect(a.output).toBeUndefined();
    expect(a.quiet).toBeUndefined();
  });

  test("strict: unknown flags, missing values, values on booleans, bad enums, missing operands", () => {
    expect(() => parseArgs(["--bogus"], def)).toThrow("unknown option --bogus");
    expect(() => parseArgs(["-o"], def)).toThrow("option -o needs a value");
    expect(() => parseArgs(["--quiet=yes"], def)).toThrow("takes no value");
    expect(() => parseArgs(["--mode", "c"], def)).toThrow("--mode must be one of a, b, got 'c'");
    expect(parseArgs(["--mode", "b"], def).mode).toBe("b");
    const needsFile = { file: { type: "positional", valueHint: "FILE" } } satisfies ArgsDef;
    expect(() => parseArgs([], needsFile)).toThrow("missing FILE");
    const needsKey = { key: { type: "string", required: true } } satisfies ArgsDef;
    expect(() => parseArgs([], needsKey)).toThrow(UsageError);
  });
});

describe("runCommandLine", () => {
  const seen: unknown[] = [];
  const leaf: CommandDef = {
    args: { quiet: { type: "boolean", alias: "q" }, name: { type: "positional", required: false } },
    run: ({ args, rawArgs }) => {
      seen.push({ quiet: args.quiet, name: args.name, rawArgs });
    },
  };
  const root: CommandDef = {
    args: { quiet: { type: "boolean", alias: "q" } },
    subCommands: {
      group: { args: { quiet: { type: "boolean", alias: "q" } }, subCommands: { leaf: () => leaf } },
    },
  };

  test("walks nested subcommands; flags before a subcommand's name are passed on to it", async () => {
    seen.length = 0;
    await runCommandLine(root, ["group", "-q", "leaf", "x"]);
    expect(seen).toEqual([{ quiet: true, name: "x", rawArgs: ["-q", "x"] }]);
  });

  test("unknown or missing commands and unknown parent flags are usage errors", async () => {
    await expect(runCommandLine(root, ["nope"])).rejects.toThrow("unknown command 'nope'");
    await expect(runCommandLine(root, ["group"])).rejects.toThrow("no command given");
    await expect(runCommandLine(root, ["group", "--bogus", "leaf"])).rejects.toThrow(
      "unknown option --bogus",
    );
    await expect(runCommandLine(root, ["group", "toString"])).rejects.toThrow("unknown command");
  });
});
