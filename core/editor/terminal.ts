// The terminal layer, by hand: raw mode on /dev/tty through node:tty, ANSI escapes for drawing.
// No terminal library sits between the document and the screen, so nothing keeps its own copy of
// the text (screen buffers, line caches, undo stacks in JS strings); the only strings are the
// visible rows of the frame being drawn. /dev/tty rather than stdin/stdout so that
// `--key-stdin` can take the passphrase from a pipe.
import { spawnSync } from "node:child_process";
import { closeSync, openSync, writeSync } from "node:fs";
import tty from "node:tty";
import { EnvironmentError } from "../errors";
import { onCleanup } from "../process-guard";

const ENTER = "\x1b[?1049h\x1b[H\x1b[2J"; // alternate screen, home, clear
const LEAVE = "\x1b[0m\x1b[?25h\x1b[?1049l"; // attributes off, cursor on, main screen back

export class Terminal {
  readonly #fd: number;
  readonly #input: tty.ReadStream;
  #restored = false;
  #unregister: () => void;
  #onResize: (() => void) | null = null;
  #size: { rows: number; cols: number };
  readonly #winch = () => {
    this.#size = this.#query();
    this.#onResize?.();
  };

  private constructor(fd: number) {
    this.#fd = fd;
    this.#input = new tty.ReadStream(fd);
    this.#input.setRawMode(true);
    this.#size = this.#query();
    // Every exit path restores the terminal: signals and process.exit run the cleanups.
    this.#unregister = onCleanup(() => this.restore());
    process.on("SIGWINCH", this.#winch);
    writeSync(fd, ENTER);
  }

  /** Raw mode on the controlling terminal; EnvironmentError (exit 5) when there is none. */
  static open(): Terminal {
    return new Terminal(Terminal.#openTty());
  }

  /** Throws the EnvironmentError open() would, without touching the terminal's modes. */
  static require(): void {
    closeSync(Terminal.#openTty());
  }

  static #openTty(): number {
    let fd: number;
    try {
      fd = openSync("/dev/tty", "r+");
    } catch {
      throw new EnvironmentError("a terminal is required for smem edit (cannot open /dev/tty)");
    }
    if (!tty.isatty(fd)) {
      closeSync(fd);
      throw new EnvironmentError("a terminal is required for smem edit (/dev/tty is not a terminal)");
    }
    return fd;
  }

  /** Rows and columns (asked again on every SIGWINCH). */
  size(): { rows: number; cols: number } {
    return this.#size;
  }

  /**
   * The window size: from stdout or stderr when one is this terminal (Bun refreshes their size on
   * SIGWINCH), else `stty size` on /dev/tty.
   */
  #query(): { rows: number; cols: number } {
    for (const stream of [process.stdout, process.stderr]) {
      if (stream.isTTY && stream.columns > 0 && stream.rows > 0)
        return { rows: stream.rows, cols: stream.columns };
    }
    const r = spawnSync("stty", ["size"], { stdio: [this.#fd, "pipe", "ignore"], encoding: "utf8" });
    const m = /^(\d+) (\d+)/.exec(r.stdout ?? "");
    if (m && Number(m[1]) > 0 && Number(m[2]) > 0) return { rows: Number(m[1]), cols: Number(m[2]) };
    return { rows: Number(process.env.LINES) || 24, cols: Number(process.env.COLUMNS) || 80 };
  }

  write(text: string): void {
    writeSync(this.#fd, text);
  }

  /**
   * Delivers raw input chunks. The callback must finish with the bytes before returning: the
   * chunk is wiped afterwards (it held what was typed).
   */
  onInput(fn: (chunk: Uint8Array) => void): void {
    this.#input.on("data", (chunk: Buffer) => {
      try {
        fn(chunk);
      } finally {
        chunk.fill(0);
      }
    });
  }

  onResize(fn: () => void): void {
    this.#onResize = fn;
  }

  /** Main screen back, cursor visible, cooked mode, fd closed. Idempotent. */
  restore(): void {
    if (this.#restored) return;
    this.#restored = true;
    process.off("SIGWINCH", this.#winch);
    try {
      writeSync(this.#fd, LEAVE);
    } catch {
      // The terminal may be gone (SIGHUP); nothing left to restore on it.
    }
    try {
      this.#input.setRawMode(false);
    } catch {
      // idem
    }
    this.#input.destroy();
    this.#unregister();
  }
}
