#!/usr/bin/env bun
// smem's entry point: routes to one file per subcommand, loaded lazily so that `smem version`
// starts without opening the shim. Help, unknown commands and every failure are handled here
// and in cmd/common.ts so the user sees one line and a documented exit code.
import type { CommandDef } from "citty";
import { UsageError } from "../core/errors";
import { runCommandLine } from "./args";
import { examplesOf, exitWithError, globalArgs, stripAnsi, useColor } from "./common";

// A plain object (citty's defineCommand is the identity): citty itself is imported only to render
// --help; command lines are parsed by ./args.
const main: CommandDef = {
  meta: {
    name: "smem",
    description: "Secrets in guarded, locked memory; age-compatible encryption for pipelines",
  },
  args: globalArgs,
  subCommands: {
    version: () => import("./version").then((m) => m.default),
    info: () => import("./info").then((m) => m.default),
    kdf: () => import("./kdf").then((m) => m.default),
    kem: () => import("./kem").then((m) => m.default),
    vault: () => import("./vault").then((m) => m.default),
    edit: () => import("./edit").then((m) => m.default),
    stream: () => import("./stream").then((m) => m.default),
    seal: () => import("./seal").then((m) => m.default),
    open: () => import("./open").then((m) => m.default),
  },
};

const HELP_FLAGS = new Set(["--help", "-h"]);

/** The subcommand a command line names (following nested subcommands), with its parent. */
async function resolveTarget(argv: string[]): Promise<[CommandDef, CommandDef | undefined]> {
  let cmd: CommandDef = main as CommandDef;
  let parent: CommandDef | undefined;
  let rest = argv;
  for (;;) {
    const subs = typeof cmd.subCommands === "function" ? await cmd.subCommands() : await cmd.subCommands;
    const index = rest.findIndex((a) => !a.startsWith("-"));
    const name = index >= 0 ? rest[index] : undefined;
    if (!subs || name === undefined || !(name in subs)) return [cmd, parent];
    const entry = subs[name];
    const next = (typeof entry === "function" ? await entry() : await entry) as CommandDef;
    parent = cmd;
    cmd = next;
    rest = rest.slice(index + 1);
  }
}

async function printHelp(argv: string[], stream: NodeJS.WriteStream): Promise<void> {
  const [cmd, parent] = await resolveTarget(argv);
  const { renderUsage } = await import("citty");
  let text = await renderUsage(cmd, parent);
  const examples = examplesOf(cmd);
  if (examples.length > 0) text += `\nEXAMPLES\n\n${examples.map((e) => `  ${e}`).join("\n")}\n`;
  if (!useColor(stream)) text = stripAnsi(text);
  stream.write(`${text}\n`);
}

const GLOBAL_FLAGS = new Set(["--quiet", "-q", "--require-mlock"]);

/** `smem --quiet kdf ...` means `smem kdf --quiet ...`: global flags go to the subcommand. */
function hoistGlobalFlags(args: string[]): string[] {
  const first = args.findIndex((a) => !a.startsWith("-"));
  if (first <= 0) return args;
  const leading = args.slice(0, first);
  const unknown = leading.find((a) => !GLOBAL_FLAGS.has(a) && !HELP_FLAGS.has(a));
  if (unknown !== undefined) exitWithError(new UsageError(`unknown option ${unknown} (see --help)`));
  return [args[first] as string, ...leading, ...args.slice(first + 1)];
}

const argv = hoistGlobalFlags(process.argv.slice(2));
const beforeDashDash = argv.includes("--") ? argv.slice(0, argv.indexOf("--")) : argv;
if (beforeDashDash.some((a) => HELP_FLAGS.has(a))) {
  await printHelp(argv, process.stdout);
  process.exit(0);
}
if (argv.length === 0) {
  await printHelp(argv, process.stderr);
  process.exit(1);
}
try {
  await runCommandLine(main, argv);
} catch (err) {
  exitWithError(err);
}
