// The command-line parser: walks `smem <command> [<subcommand>] [flags] [args]` over the citty
// command definitions and calls the command's run. citty still renders --help, but its runner is
// not used: its parser loads node:util and re-derives camelCase aliases on every call, which was
// about 3 ms of every command's start-up (issue 4 measures a whole `smem open` process).
//
// Rules (strict, unlike citty's): unknown flags, string flags without a value and values on
// boolean flags are usage errors (checkFlags); `--name value`, `--name=value`, `-o value`; a
// boolean is true when given and false as `--no-name`; the last of a repeated string flag wins
// (commands that take repeats read rawArgs); everything after `--` is positional.
import type { ArgsDef, CommandDef } from "citty";
import { UsageError } from "../core/errors";
import { camel, checkFlags, flagNames, withoutDashes } from "./common";

type ArgDef = ArgsDef[string];
export type ParsedArgs = Record<string, unknown> & { _: string[] };

/**
 * Parses rawArgs against argsDef. The result holds each flag under its name and its camelCase
 * name, positionals by name, and every positional in `_`.
 */
export function parseArgs(rawArgs: readonly string[], argsDef: ArgsDef): ParsedArgs {
  const names = flagNames(argsDef);
  checkFlags(rawArgs, argsDef, names);
  const values = new Map<string, unknown>();
  const positionals: string[] = [];
  for (let i = 0; i < rawArgs.length; i++) {
    const arg = rawArgs[i] as string;
    if (arg === "--") {
      positionals.push(...rawArgs.slice(i + 1));
      break;
    }
    if (!arg.startsWith("-") || arg === "-") {
      positionals.push(arg);
      continue;
    }
    const eq = arg.indexOf("=");
    const spelled = withoutDashes(eq >= 0 ? arg.slice(0, eq) : arg);
    let name = names.get(spelled);
    let negated = false;
    if (name === undefined && spelled.startsWith("no-")) {
      name = names.get(spelled.slice(3));
      negated = true;
    }
    // checkFlags has already refused unknown flags and missing values.
    if (name === undefined) continue;
    const def = argsDef[name] as ArgDef;
    if (def.type === "boolean") {
      values.set(name, !negated);
    } else if (eq >= 0) {
      values.set(name, arg.slice(eq + 1));
    } else {
      values.set(name, rawArgs[i + 1]);
      i++;
    }
  }

  const out: ParsedArgs = { _: positionals };
  const set = (name: string, value: unknown) => {
    out[name] = value;
    out[camel(name)] = value;
  };
  let nextPositional = 0;
  for (const [name, def] of Object.entries(argsDef)) {
    if (def.type === "positional") {
      const value = positionals[nextPositional++];
      if (value !== undefined) set(name, value);
      else if (def.default !== undefined) set(name, def.default);
      else if (def.required !== false) {
        throw new UsageError(`missing ${def.valueHint ?? name.toUpperCase()} (see --help)`);
      }
      continue;
    }
    const value = values.has(name) ? values.get(name) : def.default;
    if (value === undefined) {
      if (def.required === true) throw new UsageError(`missing --${name} (see --help)`);
      continue;
    }
    if (def.type === "enum" && def.options && !def.options.includes(value as string)) {
      throw new UsageError(`--${name} must be one of ${def.options.join(", ")}, got '${value}'`);
    }
    set(name, value);
  }
  return out;
}

async function resolve<T>(value: T | (() => T | Promise<T>) | Promise<T>): Promise<T> {
  return typeof value === "function" ? (value as () => T | Promise<T>)() : value;
}

/** Index of the first argument that is not a flag or a flag's value; -1 if none. */
function firstOperand(rawArgs: readonly string[], argsDef: ArgsDef): number {
  const names = flagNames(argsDef);
  for (let i = 0; i < rawArgs.length; i++) {
    const arg = rawArgs[i] as string;
    if (arg === "--") return -1;
    if (!arg.startsWith("-") || arg === "-") return i;
    if (arg.includes("=")) continue;
    const name = names.get(withoutDashes(arg));
    const def = name === undefined ? undefined : argsDef[name];
    if (def && def.type !== "boolean") i++;
  }
  return -1;
}

/**
 * Runs the command rawArgs names under `root`. Flags given before a subcommand's name belong to
 * the parent (the global flags) and are passed on to the subcommand.
 */
export async function runCommandLine(root: CommandDef, rawArgs: readonly string[]): Promise<void> {
  let cmd = root;
  let rest = [...rawArgs];
  for (;;) {
    const argsDef = ((await resolve(cmd.args)) ?? {}) as ArgsDef;
    const subCommands = await resolve(cmd.subCommands);
    if (!subCommands || Object.keys(subCommands).length === 0) break;
    const index = firstOperand(rest, argsDef);
    if (index < 0) {
      if (cmd.run) break;
      checkFlags(rest, argsDef);
      throw new UsageError("no command given (see --help)");
    }
    const name = rest[index] as string;
    if (!Object.hasOwn(subCommands, name)) throw new UsageError(`unknown command '${name}' (see --help)`);
    const leading = rest.slice(0, index);
    checkFlags(leading, argsDef);
    cmd = (await resolve(subCommands[name])) as CommandDef;
    rest = [...leading, ...rest.slice(index + 1)];
  }
  if (typeof cmd.run !== "function") throw new UsageError("no command given (see --help)");
  const argsDef = ((await resolve(cmd.args)) ?? {}) as ArgsDef;
  const args = parseArgs(rest, argsDef);
  await cmd.run({ rawArgs: rest, args: args as never, cmd: cmd as never, data: undefined });
}
