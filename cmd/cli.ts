// Running a command line against smem's root command: global flags hoisted to the subcommand,
// --help rendered by citty, every failure one line and a documented exit code (cmd/common.ts).
// cmd/main.ts runs it with every subcommand; a compiled executable's bundle of one command
// (scripts/release.ts) runs it with that command alone, and must behave exactly alike.
import type { CommandDef, SubCommandsDef } from "citty";
import { UsageError } from "../core/errors";
import { exitNow } from "../core/exit";
import { markStdioStreamsUsed } from "../core/stdio";
import { runCommandLine } from "./args";
import { examplesOf, exitWithError, globalArgs, stripAnsi, useColor } from "./common";
import { GLOBAL_FLAGS, HELP_FLAGS } from "./route";

/** The root command (a plain object: citty's defineCommand is the identity). */
export function rootCommand(subCommands: SubCommandsDef): CommandDef {
  return {
    meta: {
      name: "smem",
      description: "Secrets in guarded, locked memory; age-compatible encryption for pipelines",
    },
    args: globalArgs,
    subCommands,
  };
}

/** The subcommand a command line names (following nested subcommands), with its parent. */
async function resolveTarget(
  root: CommandDef,
  argv: string[],
): Promise<[CommandDef, CommandDef | undefined]> {
  let cmd: CommandDef = root;
  let parent: CommandDef | undefined;
  let rest = argv;
  for (;;) {
    const subs = typeof cmd.subCommands === "function" ? await cmd.subCommands() : await cmd.subCommands;
    const index = firstNonFlag(rest);
    const name = index >= 0 ? rest[index] : undefined;
    if (!subs || name === undefined || !(name in subs)) return [cmd, parent];
    const entry = subs[name];
    const next = (typeof entry === "function" ? await entry() : await entry) as CommandDef;
    parent = cmd;
    cmd = next;
    rest = rest.slice(index + 1);
  }
}

async function printHelp(root: CommandDef, argv: string[], stream: NodeJS.WriteStream): Promise<void> {
  const [cmd, parent] = await resolveTarget(root, argv);
  const { renderUsage } = await import("citty");
  let text = await renderUsage(cmd, parent);
  const examples = examplesOf(cmd);
  if (examples.length > 0) text += `\nEXAMPLES\n\n${examples.map((e) => `  ${e}`).join("\n")}\n`;
  if (!useColor(stream)) text = stripAnsi(text);
  markStdioStreamsUsed();
  stream.write(`${text}\n`);
}

// The loops below are plain loops rather than findIndex/some: JavaScriptCore's array methods are
// JavaScript that every process parses and compiles on first use, and every command comes here.

/** Index of the first argument that is not a flag; -1 if none. */
function firstNonFlag(args: readonly string[]): number {
  for (let i = 0; i < args.length; i++) if (!(args[i] as string).startsWith("-")) return i;
  return -1;
}

/** Whether a help flag comes before `end`. */
function asksForHelp(args: readonly string[], end: number): boolean {
  for (let i = 0; i < end; i++) if (HELP_FLAGS.has(args[i] as string)) return true;
  return false;
}

/** `smem --quiet kdf ...` means `smem kdf --quiet ...`: global flags go to the subcommand. */
function hoistGlobalFlags(args: string[]): string[] {
  const first = firstNonFlag(args);
  if (first <= 0) return args;
  const leading = args.slice(0, first);
  const unknown = leading.find((a) => !GLOBAL_FLAGS.has(a) && !HELP_FLAGS.has(a));
  if (unknown !== undefined) exitWithError(new UsageError(`unknown option ${unknown} (see --help)`));
  return [args[first] as string, ...leading, ...args.slice(first + 1)];
}

/** Runs `args` (process.argv without the executable and script) and settles the exit code. */
export async function runCli(root: CommandDef, args: string[]): Promise<void> {
  const argv = hoistGlobalFlags(args);
  const dashDash = argv.indexOf("--");
  if (asksForHelp(argv, dashDash < 0 ? argv.length : dashDash)) {
    await printHelp(root, argv, process.stdout);
    process.exit(0);
  }
  if (argv.length === 0) {
    await printHelp(root, argv, process.stderr);
    process.exit(1);
  }
  try {
    await runCommandLine(root, argv);
  } catch (err) {
    exitWithError(err);
  }
  exitNow(Number(process.exitCode ?? 0));
}
