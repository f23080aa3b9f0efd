// Input, output and progress for the streaming commands (seal, open, stream): INPUT or stdin,
// -o (atomic, or straight through to a device/FIFO) or stdout, and a progress line on stderr.
import { AtomicFile } from "../core/atomic-file";
import { IoError, NotFoundError, UsageError } from "../core/errors";
import { closeFile, fileInfo, openFile } from "../core/file-io";
import { writeStderr } from "../core/stdio";
import { type ByteSink, FdSink, FdSource } from "../core/stream";
import { isTerminal } from "../core/terminal";
import { isQuiet } from "./common";

export interface CommandInput {
  source: FdSource;
  /** Size of a regular input file, null for pipes and terminals. */
  size: number | null;
  name: string;
  close(): void;
}

/** INPUT (a path) or stdin when absent or "-". */
export function openInput(path: string | undefined, prefix?: Uint8Array): CommandInput {
  if (path === undefined || path === "-") {
    return {
      source: new FdSource(0, "standard input", prefix),
      size: sizeOf(0),
      name: "standard input",
      close() {},
    };
  }
  let fd: number;
  try {
    fd = openFile(path, "r");
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === "ENOENT") throw new NotFoundError(`input file ${path} does not exist`);
    throw new IoError(`cannot open ${path}: ${code ?? String(err)}`);
  }
  if (fileInfo(fd).isDirectory()) {
    closeFile(fd);
    throw new IoError(`${path} is a directory`);
  }
  return {
    source: new FdSource(fd, path, prefix),
    size: sizeOf(fd),
    name: path,
    close: () => closeFile(fd),
  };
}

function sizeOf(fd: number): number | null {
  try {
    const st = fileInfo(fd);
    return st.isFile() ? st.size : null;
  } catch {
    return null;
  }
}

export interface CommandOutput {
  sink: ByteSink;
  /** Make the output final: commit the atomic file (a no-op for stdout). */
  finish(): void;
  /** Discard: remove the temp file, the target stays as it was. Idempotent. */
  abort(): void;
}

/**
 * -o FILE (atomic: the target changes only at finish()) or stdout. `binary` output refuses a
 * terminal stdout, with `hint` saying what to use instead.
 */
export function openOutput(path: string | undefined, opts: { binary: boolean; hint: string }): CommandOutput {
  if (path === undefined || path === "-") {
    if (opts.binary && isTerminal(1)) {
      throw new UsageError(`refusing to write binary data to a terminal; ${opts.hint}`);
    }
    return { sink: new FdSink(1, "standard output"), finish() {}, abort() {} };
  }
  const file = AtomicFile.create(path);
  const sink: ByteSink = { write: (bytes) => file.writeAsync(bytes) };
  if (file.seekable) {
    // seal writes the payload behind a reserved header while a passphrase KDF runs.
    sink.reserve = async (length) => {
      const at = await file.reserveAsync(length);
      return { fill: (bytes) => file.writeAtAsync(bytes, at) };
    };
  }
  return {
    sink,
    finish: () => file.commit(),
    abort: () => file.abort(),
  };
}

const PROGRESS_MIN_BYTES = 4 * 1024 * 1024;
const PROGRESS_EVERY_MS = 250;

function mib(n: number): string {
  return n >= 1 << 30 ? `${(n / (1 << 30)).toFixed(2)} GiB` : `${(n / (1 << 20)).toFixed(1)} MiB`;
}

/**
 * A progress line on stderr for long runs: only when stderr is a terminal, not --quiet, and the
 * input is over a few MiB (or of unknown size and already past that).
 */
export function progress(verb: string, total: number | null): { update(n: number): void; done(): void } {
  // The size first: a small input never asks about stderr at all.
  const enabled = (total === null || total > PROGRESS_MIN_BYTES) && !isQuiet() && isTerminal(2);
  const started = performance.now();
  // -Infinity, not 0: performance.now() counts from process start, so 0 would hide every update
  // of a run that finishes within its first 250 ms (a fast machine sealing a few dozen MiB).
  let last = Number.NEGATIVE_INFINITY;
  let shown = false;
  return {
    update(n: number) {
      if (!enabled || n < PROGRESS_MIN_BYTES) return;
      const now = performance.now();
      if (now - last < PROGRESS_EVERY_MS) return;
      last = now;
      const rate = n / 1048576 / Math.max((now - started) / 1000, 0.001);
      const of = total === null ? "" : ` of ${mib(total)} (${Math.floor((100 * n) / Math.max(total, 1))}%)`;
      writeStderr(`\rsmem: ${verb} ${mib(n)}${of}, ${rate.toFixed(0)} MiB/s   `);
      shown = true;
    },
    done() {
      if (shown) writeStderr("\n");
    },
  };
}
