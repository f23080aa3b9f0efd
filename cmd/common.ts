// What every smem command shares: the global flags, the passphrase and output flags, messages on
// stderr (honouring --quiet and NO_COLOR), strict flag checking, and runCommand(), which turns
// any failure into one line `smem: <message>` and its exit code (DESIGN 3.6), never a stack trace.
import type { ArgsDef, CommandContext, CommandDef } from "citty";
import { type ConsolaInstance, createConsola, LogLevels, type LogObject } from "consola/core";
import { ExitCode, SmemError, UsageError } from "../core/errors";
import { setMlockWarningHandler, setRequireMlock } from "../core/mlock-policy";
import { writeStderr } from "../core/stdio";
import { setWarningHandler } from "../core/warnings";

// ---- flags ----------------------------------------------------------------------------------

export const globalArgs = {
  "require-mlock": {
    type: "boolean",
    description: "Fail (exit 5) instead of running with unlocked memory (also SMEM_REQUIRE_MLOCK=1)",
  },
  quiet: { type: "boolean", alias: "q", description: "No warnings or progress on stderr" },
} as const satisfies ArgsDef;

export const passphraseArgs = {
  "passphrase-file": {
    type: "string",
    valueHint: "FILE",
    description: "Read the passphrase from the first line of FILE",
  },
  "passphrase-fd": {
    type: "string",
    valueHint: "N",
    description: "Read the passphrase from the first line of open file descriptor N",
  },
} as const satisfies ArgsDef;

export const outputArg = {
  output: {
    type: "string",
    alias: "o",
    valueHint: "FILE",
    description: "Write to FILE (atomically, mode 0600)",
  },
} as const satisfies ArgsDef;

// ---- messages -------------------------------------------------------------------------------
// Every message goes through one consola instance whose only reporter writes smem's plain lines
// (`smem: warning: …`) straight to stderr (core/stdio.ts), synchronously: scripts parse these
// lines, and a command may end with _exit right after its last one (core/exit.ts). consola's
// level carries --quiet (errors only); throttling is off, as a repeated warning is a new event.
// The instance is made on the first message, so a command that prints nothing never builds it.

let quiet = false;
let messages: ConsolaInstance | null = null;

export function isQuiet(): boolean {
  return quiet;
}

/** Colour only on a terminal and never under NO_COLOR (any non-empty value, per no-color.org). */
export function useColor(stream: NodeJS.WriteStream = process.stderr): boolean {
  return Boolean(stream.isTTY) && !process.env.NO_COLOR && process.env.TERM !== "dumb";
}

function paint(code: number, text: string): string {
  return useColor() ? `\x1b[${code}m${text}\x1b[39m` : text;
}

/** consola's reporter: error and warn get their label, info is the bare line, the rest `smem: `. */
export function formatMessage(logObj: Pick<LogObject, "type" | "args">): string {
  const text = logObj.args.map((arg) => String(arg)).join(" ");
  switch (logObj.type) {
    case "fatal":
    case "error":
      return `smem: ${paint(31, "error:")} ${text}\n`;
    case "warn":
      return `smem: ${paint(33, "warning:")} ${text}\n`;
    case "info":
      return `${text}\n`;
    default:
      return `smem: ${text}\n`;
  }
}

function levelFor(quietFlag: boolean): number {
  return quietFlag ? LogLevels.error : LogLevels.info;
}

function consola(): ConsolaInstance {
  messages ??= createConsola({
    level: levelFor(quiet),
    throttle: 0,
    reporters: [{ log: (logObj) => writeStderr(formatMessage(logObj)) }],
  });
  return messages;
}

/** Progress and notices: stderr, only when it is a terminal and not --quiet. */
export function notice(message: string): void {
  if (!process.stderr.isTTY) return;
  consola().log(message);
}

/** Informational lines a script may rely on (e.g. the drawn salt): stderr unless --quiet. */
export function info(message: string): void {
  consola().info(message);
}

export function warn(message: string): void {
  consola().warn(message);
}

export function printError(message: string): void {
  consola().error(message);
}

/** Applies --quiet / --require-mlock (and SMEM_REQUIRE_MLOCK=1) and routes core warnings. */
export function applyGlobalFlags(args: { quiet?: boolean; "require-mlock"?: boolean }): void {
  quiet = args.quiet === true;
  if (messages !== null) messages.level = levelFor(quiet);
  if (args["require-mlock"] === true || process.env.SMEM_REQUIRE_MLOCK === "1") setRequireMlock(true);
  setWarningHandler(warn);
  setMlockWarningHandler(warn);
}

// ---- errors ---------------------------------------------------------------------------------

/** The one line and exit code for any thrown value. */
export function describeFailure(err: unknown): { message: string; code: number } {
  if (err instanceof SmemError) return { message: err.message, code: err.exitCode };
  const e = err as Error;
  if (e?.name === "ShimLoadError") return { message: e.message, code: ExitCode.environment };
  if (e?.name === "CLIError") {
    const text = stripAnsi(e.message);
    return { message: text.charAt(0).toLowerCase() + text.slice(1), code: ExitCode.usage };
  }
  const detail = e?.message ? e.message.split("\n")[0] : String(err);
  return { message: `internal error: ${detail}`, code: ExitCode.usage };
}

export function exitWithError(err: unknown): never {
  const { message, code } = describeFailure(err);
  printError(message);
  if (process.env.SMEM_DEBUG === "1" && err instanceof Error && err.stack) {
    writeStderr(`${err.stack}\n`);
  }
  process.exit(code);
}

export function stripAnsi(text: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: matching ANSI escapes is the point
  return text.replace(/\x1b\[[0-9;]*m/g, "");
}

// ---- strict flag checking -------------------------------------------------------------------

// Flag spellings are rewritten with string operations, not regular expressions: a regular
// expression is compiled on its first use in every process, and these run in every command.

/** `passphrase-file` -> `passphraseFile` (a dash before a lower-case letter goes). */
export function camel(name: string): string {
  let out = "";
  for (let i = 0; i < name.length; i++) {
    const c = name.charCodeAt(i);
    const next = name.charCodeAt(i + 1);
    if (c === 0x2d && next >= 0x61 && next <= 0x7a) {
      out += String.fromCharCode(next - 0x20);
      i++;
    } else {
      out += name[i];
    }
  }
  return out;
}

/** A flag as spelled on the command line without its leading `--` or `-`. */
export function withoutDashes(flag: string): string {
  if (flag.startsWith("--")) return flag.slice(2);
  return flag.startsWith("-") ? flag.slice(1) : flag;
}

/** Every spelling of a flag (its name, camelCase name and aliases) to the name it is defined by. */
export function flagNames(argsDef: ArgsDef): Map<string, string> {
  const names = new Map<string, string>();
  for (const [name, def] of Object.entries(argsDef)) {
    if (def.type === "positional") continue;
    names.set(name, name);
    names.set(camel(name), name);
    const aliases = "alias" in def && def.alias !== undefined ? def.alias : [];
    for (const alias of Array.isArray(aliases) ? aliases : [aliases]) names.set(alias, name);
  }
  return names;
}

/** Unknown flags and string flags without a value are usage errors (citty itself is lenient). */
export function checkFlags(
  rawArgs: readonly string[],
  argsDef: ArgsDef,
  names: Map<string, string> = flagNames(argsDef),
): void {
  const kindOf = (spelled: string) => {
    const name = names.get(spelled);
    return name === undefined ? undefined : ((argsDef[name] as ArgsDef[string]).type ?? "string");
  };
  for (let i = 0; i < rawArgs.length; i++) {
    const arg = rawArgs[i] as string;
    if (arg === "--") return;
    if (!arg.startsWith("-") || arg === "-") continue;
    const eq = arg.indexOf("=");
    const flag = eq >= 0 ? arg.slice(0, eq) : arg;
    const name = withoutDashes(flag);
    let kind = kindOf(name);
    if (kind === undefined && name.startsWith("no-") && kindOf(name.slice(3)) === "boolean") kind = "boolean";
    if (kind === undefined) throw new UsageError(`unknown option ${flag} (see --help)`);
    if (kind === "boolean") {
      if (eq >= 0) throw new UsageError(`option ${flag} takes no value`);
      continue;
    }
    if (eq >= 0) continue;
    if (i + 1 >= rawArgs.length) throw new UsageError(`option ${flag} needs a value`);
    i++;
  }
}

/** A decimal integer flag in [min, max]; usage error (exit 1) otherwise. */
export function parseIntegerFlag(
  flag: string,
  value: string | undefined,
  range: { min: number; max: number },
): number | undefined {
  if (value === undefined) return undefined;
  if (!/^[0-9]+$/.test(value)) throw new UsageError(`${flag} must be a whole number, got '${value}'`);
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < range.min || n > range.max) {
    throw new UsageError(`${flag} must be from ${range.min} to ${range.max}, got ${value}`);
  }
  return n;
}

// ---- commands -------------------------------------------------------------------------------

const exampleRegistry = new WeakMap<object, readonly string[]>();

/** The examples shown under EXAMPLES in `smem <command> --help`. */
export function examplesOf(cmd: object): readonly string[] {
  return exampleRegistry.get(cmd) ?? [];
}

/** defineCommand plus the examples for --help. */
export function defineSmemCommand<const T extends ArgsDef>(
  def: CommandDef<T>,
  examples: readonly string[],
): CommandDef<T> {
  exampleRegistry.set(def, examples);
  return def;
}

/**
 * Wraps a command body: applies the global flags, refuses extra operands, and reports any failure
 * as one line with its exit code. (The flags were checked strictly when ./args parsed them.)
 */
export function runCommand<T extends ArgsDef>(
  fn: (ctx: CommandContext<T>) => Promise<void> | void,
): (ctx: CommandContext<T>) => Promise<void> {
  return async (ctx) => {
    try {
      const argsDef = (ctx.cmd.args ?? {}) as ArgsDef;
      applyGlobalFlags(ctx.args as { quiet?: boolean; "require-mlock"?: boolean });
      // Counted in a loop: Array.prototype.filter is JavaScript the engine compiles on first use.
      let positionals = 0;
      for (const name in argsDef) if (argsDef[name]?.type === "positional") positionals++;
      const extra = ctx.args._[positionals];
      if (extra !== undefined) throw new UsageError(`unexpected argument '${extra}' (see --help)`);
      await fn(ctx);
    } catch (err) {
      exitWithError(err);
    }
  };
}
