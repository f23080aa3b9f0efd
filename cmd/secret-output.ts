// Where a raw secret (a KEM shared secret) may go: a named file (atomic, mode 0600) or an open
// file descriptor, never a terminal. Also the refusal to write binary to a terminal stdout.
import { closeSync, fstatSync, openSync, statSync, writeSync } from "node:fs";
import { AtomicFile } from "../core/atomic-file";
import { IoError, UsageError } from "../core/errors";
import type { LockedBuffer } from "../core/locked-buffer";
import { isTerminal } from "../core/terminal";
import { parseIntegerFlag } from "./common";

export const secretOutputArgs = {
  "secret-out": {
    type: "string",
    valueHint: "FILE",
    description: "Write the 32-byte shared secret to FILE (atomically, mode 0600)",
  },
  "secret-fd": {
    type: "string",
    valueHint: "N",
    description: "Write the 32-byte shared secret to open file descriptor N (not a terminal)",
  },
} as const;

export type SecretTarget = { file: string } | { fd: number };

export function secretTarget(args: { "secret-out"?: string; "secret-fd"?: string }): SecretTarget {
  const file = args["secret-out"];
  const fd = parseIntegerFlag("--secret-fd", args["secret-fd"], { min: 0, max: 65535 });
  if (file !== undefined && fd !== undefined)
    throw new UsageError("use only one of --secret-out and --secret-fd");
  if (file !== undefined) return { file };
  if (fd !== undefined) return { fd };
  throw new UsageError("say where the shared secret goes: --secret-out FILE or --secret-fd N");
}

function isTerminalPath(path: string): boolean {
  try {
    if (!statSync(path).isCharacterDevice()) return false;
    const fd = openSync(path, "r");
    try {
      return isTerminal(fd);
    } finally {
      closeSync(fd);
    }
  } catch {
    return false;
  }
}

function writeAll(fd: number, bytes: Uint8Array, what: string): void {
  let offset = 0;
  try {
    while (offset < bytes.length) offset += writeSync(fd, bytes, offset, bytes.length - offset);
  } catch (err) {
    throw new IoError(`cannot write ${what}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
  }
}

/** Checks the target before any work is done (so a refused target costs nothing). */
export function checkSecretTarget(target: SecretTarget): void {
  if ("fd" in target) {
    try {
      fstatSync(target.fd);
    } catch {
      throw new IoError(`fd ${target.fd} is not open`);
    }
    if (isTerminal(target.fd))
      throw new UsageError(`refusing to write a secret to a terminal (fd ${target.fd})`);
  } else if (isTerminalPath(target.file)) {
    throw new UsageError(`refusing to write a secret to a terminal (${target.file})`);
  }
}

/** Writes the secret from locked memory to its target. */
export function writeSecret(target: SecretTarget, secret: LockedBuffer): void {
  checkSecretTarget(target);
  if ("fd" in target) {
    writeAll(target.fd, secret.bytes(), `fd ${target.fd}`);
    return;
  }
  using out = AtomicFile.create(target.file);
  out.write(secret.bytes());
  out.commit();
}

/** Binary output goes to -o FILE or a non-terminal stdout. */
export function writeBinaryOutput(output: string | undefined, bytes: Uint8Array): void {
  if (output !== undefined) {
    using out = AtomicFile.create(output);
    out.write(bytes);
    out.commit();
    return;
  }
  if (isTerminal(1))
    throw new UsageError("refusing to write binary data to a terminal (use -o FILE or a pipe)");
  writeAll(1, bytes, "stdout");
}
