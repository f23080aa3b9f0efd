// Reading secrets — passphrases and key material — straight into locked memory (DESIGN 3.1).
// Bytes go from the fd into a LockedBuffer; growing re-allocates and destroys (wipes) the old one.
// No secret becomes a JS string, except SMEM_PASSPHRASE, which already is one (documented).
import { EnvironmentError, FormatError, IoError, NotFoundError, UsageError } from "./errors";
import { closeFile, fileInfo, nodeFs, openFile, readInto } from "./file-io";
import { LockedBuffer } from "./locked-buffer";
import { onCleanup } from "./process-guard";
import { warnOnce } from "./warnings";

/** Longest passphrase accepted (a first line longer than this is not a passphrase). */
export const MAX_PASSPHRASE_BYTES = 65536;
const FIRST_CHUNK = 4096;
const LF = 0x0a;
const CR = 0x0d;

function errnoOf(err: unknown): string {
  const e = err as NodeJS.ErrnoException;
  return e?.code ?? e?.message ?? String(err);
}

/** A growable byte accumulator whose storage is always a LockedBuffer. */
class LockedAccumulator {
  #buf: LockedBuffer;
  length = 0;

  constructor(capacity: number) {
    this.#buf = LockedBuffer.alloc(Math.max(capacity, 1));
  }

  /** Room for at least `more` further bytes; returns the writable tail. */
  reserve(more: number): Uint8Array {
    const need = this.length + more;
    if (need > this.#buf.size) {
      let size = this.#buf.size;
      while (size < need) size *= 2;
      const bigger = LockedBuffer.alloc(size);
      bigger.bytes().set(this.#buf.bytes().subarray(0, this.length));
      this.#buf.destroy();
      this.#buf = bigger;
    }
    return this.#buf.bytes().subarray(this.length);
  }

  view(): Uint8Array {
    return this.#buf.bytes().subarray(0, this.length);
  }

  /** An exactly sized LockedBuffer holding the first `length` bytes; this accumulator is spent. */
  finish(length = this.length): LockedBuffer {
    const out = LockedBuffer.alloc(length);
    out.bytes().set(this.#buf.bytes().subarray(0, length));
    this.#buf.destroy();
    return out;
  }

  destroy(): void {
    this.#buf.destroy();
  }
}

/** readSync that waits out EAGAIN (an fd someone left in non-blocking mode) and retries EINTR. */
function readSomeSync(fd: number, into: Uint8Array): number {
  for (;;) {
    try {
      return readInto(fd, into);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === "EAGAIN" || code === "EWOULDBLOCK") {
        Bun.sleepSync(2);
        continue;
      }
      if (code === "EINTR") continue;
      if (code === "EOF") return 0; // Windows pipes report a closed writer this way
      throw new IoError(`cannot read fd ${fd}: ${errnoOf(err)}`);
    }
  }
}

function isRegularFile(fd: number): boolean {
  try {
    return fileInfo(fd).isFile();
  } catch {
    return false;
  }
}

/** Every byte of `fd` until end of file, read straight into locked memory. */
export function readSecretFromFd(fd: number, opts: { maxBytes?: number } = {}): LockedBuffer {
  const max = opts.maxBytes ?? Number.MAX_SAFE_INTEGER;
  let first = FIRST_CHUNK;
  try {
    const st = fileInfo(fd);
    if (st.isFile()) first = Math.min(st.size + 1, max + 1);
  } catch (err) {
    throw new IoError(`cannot read fd ${fd}: ${errnoOf(err)}`);
  }
  const acc = new LockedAccumulator(first);
  try {
    for (;;) {
      // Grows (doubling) only once the buffer is full: a regular file's size + 1 is read into
      // its first buffer, the one extra byte showing the end.
      const tail = acc.reserve(1);
      const n = readSomeSync(fd, tail.subarray(0, Math.min(tail.length, max + 1 - acc.length)));
      if (n === 0) break;
      acc.length += n;
      if (acc.length > max) throw new FormatError(`input on fd ${fd} is longer than ${max} bytes`);
    }
    return acc.finish();
  } catch (err) {
    acc.destroy();
    throw err;
  }
}

/** Length of the first line of `bytes[0..length)`: up to the first \n, minus one trailing \r. */
function firstLineLength(bytes: Uint8Array, length: number): number {
  let end = bytes.subarray(0, length).indexOf(LF);
  if (end < 0) end = length;
  if (end > 0 && bytes[end - 1] === CR) end--;
  return end;
}

/**
 * The first line of `fd` (without \n or \r\n). On a regular file reads in chunks; on a pipe,
 * socket or terminal reads one byte at a time so nothing after the newline is consumed.
 */
function readFirstLine(fd: number, what: string): LockedBuffer {
  const chunked = isRegularFile(fd);
  const acc = new LockedAccumulator(chunked ? FIRST_CHUNK : 256);
  try {
    for (;;) {
      if (acc.length > MAX_PASSPHRASE_BYTES) {
        throw new FormatError(`the passphrase in ${what} is longer than ${MAX_PASSPHRASE_BYTES} bytes`);
      }
      const tail = acc.reserve(chunked ? FIRST_CHUNK : 1);
      const n = readSomeSync(fd, chunked ? tail.subarray(0, FIRST_CHUNK) : tail.subarray(0, 1));
      if (n === 0) break;
      const before = acc.length;
      acc.length += n;
      if (acc.view().subarray(before).includes(LF)) break;
    }
    return acc.finish(firstLineLength(acc.view(), acc.length));
  } catch (err) {
    acc.destroy();
    throw err;
  }
}

/** The first line of file `path`, without its line ending (the rule for every --passphrase-file). */
export function readPassphraseFile(path: string): LockedBuffer {
  let fd: number;
  try {
    fd = openFile(path, "r");
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    // Exit 6 like a missing identity or key file (DESIGN 3): a passphrase file plays that role.
    if (code === "ENOENT") throw new NotFoundError(`passphrase file ${path} does not exist`);
    throw new IoError(`cannot open passphrase file ${path}: ${errnoOf(err)}`);
  }
  try {
    if (fileInfo(fd).isDirectory()) throw new IoError(`passphrase file ${path} is a directory`);
    return readFirstLine(fd, path);
  } finally {
    closeFile(fd);
  }
}

/** The first line read from an open fd (--passphrase-fd); the fd is left open. */
export function readPassphraseFd(fd: number): LockedBuffer {
  if (!Number.isInteger(fd) || fd < 0) throw new UsageError(`not a file descriptor: ${fd}`);
  try {
    fileInfo(fd);
  } catch {
    throw new IoError(`fd ${fd} is not open`);
  }
  return readFirstLine(fd, `fd ${fd}`);
}

// ---- terminal prompt ------------------------------------------------------------------------

function openTerminal(): number {
  if (process.platform === "win32") {
    throw new EnvironmentError(
      "a terminal prompt is not supported on Windows yet; use --passphrase-file or --passphrase-fd",
    );
  }
  try {
    return nodeFs().openSync("/dev/tty", "r+");
  } catch {
    throw new EnvironmentError(
      "a terminal is required to prompt for the passphrase; use --passphrase-file or --passphrase-fd",
    );
  }
}

// Bun.spawnSync, not node:child_process: importing that module costs every command that merely
// might prompt about a millisecond at start-up.
function stty(tty: number, args: string[]): { ok: boolean; out: string } {
  const r = Bun.spawnSync(["stty", ...args], { stdin: tty, stdout: "pipe", stderr: "ignore" });
  return { ok: r.exitCode === 0, out: r.stdout.toString().trim() };
}

function readAsync(fd: number, into: Uint8Array): Promise<number> {
  return new Promise((resolve, reject) => {
    nodeFs().read(fd, into, 0, into.length, null, (err, n) => (err ? reject(err) : resolve(n)));
  });
}

/**
 * One line from the terminal with echo off. The terminal stays in canonical mode, so the kernel
 * applies erase (backspace) and kill (^U) before any byte reaches us, and ^C raises SIGINT, whose
 * handler restores the terminal. The read is asynchronous so that handler can run meanwhile.
 */
async function readHiddenLine(tty: number, prompt: string): Promise<LockedBuffer> {
  nodeFs().writeSync(tty, prompt);
  const acc = new LockedAccumulator(256);
  try {
    for (;;) {
      if (acc.length > MAX_PASSPHRASE_BYTES) {
        throw new FormatError(`the passphrase is longer than ${MAX_PASSPHRASE_BYTES} bytes`);
      }
      const tail = acc.reserve(256);
      let n: number;
      try {
        n = await readAsync(tty, tail.subarray(0, 256));
      } catch (err) {
        throw new IoError(`cannot read the terminal: ${errnoOf(err)}`);
      }
      if (n === 0) break;
      const before = acc.length;
      acc.length += n;
      if (acc.view().subarray(before).includes(LF)) break;
    }
    return acc.finish(firstLineLength(acc.view(), acc.length));
  } catch (err) {
    acc.destroy();
    throw err;
  } finally {
    // Echo is off, so the user's Enter did not move the cursor.
    nodeFs().writeSync(tty, "\n");
  }
}

const CONFIRM_TRIES = 3;

/**
 * Prompts on the controlling terminal (/dev/tty) without echo. With `confirm`, asks a second time
 * and repeats until both entries match, at most three times.
 */
export async function promptPassphrase(
  prompt: string,
  opts: { confirm?: string } = {},
): Promise<LockedBuffer> {
  const tty = openTerminal();
  const saved = stty(tty, ["-g"]);
  if (!saved.ok || !stty(tty, ["-echo"]).ok) {
    nodeFs().closeSync(tty);
    throw new EnvironmentError("cannot turn off terminal echo (stty failed); refusing to prompt");
  }
  let restored = false;
  const restore = () => {
    if (restored) return;
    restored = true;
    stty(tty, [saved.out]);
  };
  const unregister = onCleanup(restore);
  try {
    for (let attempt = 1; ; attempt++) {
      const first = await readHiddenLine(tty, prompt);
      if (opts.confirm === undefined) return first;
      let second: LockedBuffer;
      try {
        second = await readHiddenLine(tty, opts.confirm);
      } catch (err) {
        first.destroy();
        throw err;
      }
      const same = first.equals(second);
      second.destroy();
      if (same) return first;
      first.destroy();
      if (attempt >= CONFIRM_TRIES) throw new UsageError("the passphrases did not match");
      nodeFs().writeSync(tty, "The passphrases do not match; try again.\n");
    }
  } finally {
    restore();
    unregister();
    nodeFs().closeSync(tty);
  }
}

// ---- SMEM_PASSPHRASE and the resolution order -----------------------------------------------

export const PASSPHRASE_ENV = "SMEM_PASSPHRASE";

/** Copies the environment variable into locked memory (the JS string itself cannot be wiped). */
function passphraseFromEnv(value: string): LockedBuffer {
  warnOnce(
    PASSPHRASE_ENV,
    `using the passphrase from ${PASSPHRASE_ENV}: environment variables can be read by other ` +
      "processes of this user and live on as JS strings; prefer --passphrase-file or --passphrase-fd",
  );
  const buf = LockedBuffer.alloc(Buffer.byteLength(value, "utf8"));
  new TextEncoder().encodeInto(value, buf.bytes());
  return buf;
}

export interface PassphraseSource {
  /** --passphrase-file */
  file?: string;
  /** --passphrase-fd */
  fd?: number;
  /** Ask twice at the prompt (encryption). */
  confirm?: boolean;
  /** Prompt text; a default is used when absent. */
  prompt?: string;
  /** Accept an empty passphrase (off by default: an empty line is almost always a mistake). */
  allowEmpty?: boolean;
}

/** --passphrase-file, else --passphrase-fd, else SMEM_PASSPHRASE (warned), else a no-echo prompt. */
export async function resolvePassphrase(opts: PassphraseSource): Promise<LockedBuffer> {
  if (opts.file !== undefined && opts.fd !== undefined) {
    throw new UsageError("use only one of --passphrase-file and --passphrase-fd");
  }
  let pass: LockedBuffer;
  let origin: string;
  const env = process.env[PASSPHRASE_ENV];
  if (opts.file !== undefined) {
    pass = readPassphraseFile(opts.file);
    origin = `passphrase file ${opts.file}`;
  } else if (opts.fd !== undefined) {
    pass = readPassphraseFd(opts.fd);
    origin = `fd ${opts.fd}`;
  } else if (env !== undefined) {
    pass = passphraseFromEnv(env);
    origin = PASSPHRASE_ENV;
  } else {
    const prompt = opts.prompt ?? "Passphrase: ";
    pass = await promptPassphrase(prompt, opts.confirm ? { confirm: "Confirm passphrase: " } : {});
    origin = "the prompt";
  }
  if (pass.size === 0 && !opts.allowEmpty) {
    pass.destroy();
    throw new UsageError(`the passphrase from ${origin} is empty`);
  }
  return pass;
}
