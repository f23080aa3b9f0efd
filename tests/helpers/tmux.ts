// Drives programs in a real terminal: a private tmux server (its own socket, no user config),
// keys sent with send-keys, the screen read with capture-pane. Every wait polls with a deadline.
import { spawnSync } from "node:child_process";

/** Makes sure tmux is installed (apt-get on Debian/Ubuntu when it is missing); false if it cannot be. */
export function ensureTmux(): boolean {
  const has = () => spawnSync("tmux", ["-V"], { stdio: "ignore" }).status === 0;
  if (has()) return true;
  if (process.platform !== "linux") return false;
  const apt = (args: string[]) =>
    spawnSync("apt-get", args, {
      stdio: "ignore",
      timeout: 180_000,
      env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" },
    });
  if (apt(["install", "-y", "tmux"]).status !== 0) {
    apt(["update"]);
    apt(["install", "-y", "tmux"]);
  }
  return has();
}

let counter = 0;

export class TmuxSession {
  readonly socket: string;
  readonly name = "t";

  private constructor(socket: string) {
    this.socket = socket;
  }

  /** Starts `command` (a shell command line) in a new detached session of the given size. */
  static start(
    command: string,
    opts: { cols?: number; rows?: number; env?: Record<string, string>; exitMarker?: boolean } = {},
  ): TmuxSession {
    const s = new TmuxSession(`smem-test-${process.pid}-${++counter}`);
    const env: Record<string, string | undefined> = {
      ...process.env,
      LANG: "C.UTF-8",
      LC_ALL: "C.UTF-8",
      ...opts.env,
    };
    delete env.TMUX;
    const r = spawnSync(
      "tmux",
      [
        "-u",
        "-L",
        s.socket,
        "-f",
        "/dev/null",
        "new-session",
        "-d",
        "-s",
        s.name,
        "-x",
        String(opts.cols ?? 80),
        "-y",
        String(opts.rows ?? 24),
        opts.exitMarker === false ? command : `${command}; echo "EXIT=$?"; sleep 600`,
      ],
      { env, encoding: "utf8" },
    );
    if (r.status !== 0) throw new Error(`tmux new-session failed: ${r.stderr}`);
    return s;
  }

  #tmux(args: string[]): string {
    const r = spawnSync("tmux", ["-u", "-L", this.socket, ...args], { encoding: "utf8" });
    if (r.status !== 0) throw new Error(`tmux ${args[0]} failed: ${r.stderr.trim()}`);
    return r.stdout;
  }

  /** Key names as tmux knows them (Enter, C-s, F2, Up, ...). */
  keys(...keys: string[]): void {
    for (const key of keys) this.#tmux(["send-keys", "-t", this.name, key]);
  }

  /** Literal text (UTF-8), typed as is. */
  type(text: string): void {
    this.#tmux(["send-keys", "-t", this.name, "-l", text]);
  }

  screen(): string {
    return this.#tmux(["capture-pane", "-p", "-t", this.name]);
  }

  alternateScreen(): boolean {
    return this.#tmux(["display-message", "-p", "-t", this.name, "#{alternate_on}"]).trim() === "1";
  }

  resize(cols: number, rows: number): void {
    this.#tmux(["resize-window", "-t", this.name, "-x", String(cols), "-y", String(rows)]);
  }

  /** Polls the screen until `test` holds; throws with the last screen after `timeoutMs`. */
  async waitFor(test: string | RegExp | ((screen: string) => boolean), timeoutMs = 15_000): Promise<string> {
    const ok =
      typeof test === "string"
        ? (s: string) => s.includes(test)
        : test instanceof RegExp
          ? (s: string) => test.test(s)
          : test;
    const deadline = Date.now() + timeoutMs;
    let last = "";
    for (;;) {
      last = this.screen();
      if (ok(last)) return last;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${String(test)}; screen:\n${last}`);
      await Bun.sleep(40);
    }
  }

  /**
   * Waits for the `EXIT=<status>` line that sessions started with `exitMarker: true` print after
   * their command (tmux's own pane status is unreliable when the server was spawned by Bun).
   */
  async waitExit(timeoutMs = 15_000): Promise<number> {
    const screen = await this.waitFor(/EXIT=\d+/, timeoutMs);
    return Number(/EXIT=(\d+)/.exec(screen)?.[1]);
  }

  kill(): void {
    spawnSync("tmux", ["-L", this.socket, "kill-server"], { stdio: "ignore" });
  }
}

/** A shell word, single-quoted. */
export function shellQuote(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}
