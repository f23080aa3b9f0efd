// Which subcommand a command line names, decided before any of the CLI loads. Import-free: the
// compiled entry (scripts/release.ts) asks it to pick between the whole CLI and a command's own
// self-contained bundle, and every import here would be paid by every command.

/** Flags that may come before the subcommand (`smem --quiet open …`); see cmd/cli.ts. */
export const GLOBAL_FLAGS: ReadonlySet<string> = new Set(["--quiet", "-q", "--require-mlock"]);
export const HELP_FLAGS: ReadonlySet<string> = new Set(["--help", "-h"]);

/**
 * The subcommand's name when only global or help flags come before it, else null (no
 * subcommand, or a leading flag the whole CLI must report).
 */
export function subcommandOf(args: readonly string[]): string | null {
  for (const arg of args) {
    if (!arg.startsWith("-")) return arg;
    if (!GLOBAL_FLAGS.has(arg) && !HELP_FLAGS.has(arg)) return null;
  }
  return null;
}
