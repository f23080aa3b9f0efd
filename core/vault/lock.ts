// The vault's advisory lock: every write takes it exclusively, so writers are serialised per vault.
// It is flock() (LockFileEx on Windows) on the vault's `lock` file, through the shim. The kernel
// ties the lock to the open file, so it ends when the descriptor closes or the process dies in any
// way (kill -9 included): a crashed writer never leaves the vault locked.
//
// Waiting is a poll of non-blocking tries with a growing, jittered pause, so a busy vault is
// reported (EnvironmentError, exit 5) after a bounded time instead of hanging.
import { closeSync, constants, openSync } from "node:fs";
import { shim } from "../../ffi";
import { EnvironmentError, IoError } from "../errors";

/** How long a writer waits for another one before giving up (SMEM_VAULT_LOCK_TIMEOUT_MS overrides). */
export const DEFAULT_LOCK_TIMEOUT_MS = 10_000;
const FIRST_PAUSE_MS = 1;
const LONGEST_PAUSE_MS = 50;

export interface LockOptions {
  timeoutMs?: number;
  /** Shared (readers) instead of exclusive (writers). */
  shared?: boolean;
}

function lockTimeoutFromEnv(): number {
  const raw = process.env.SMEM_VAULT_LOCK_TIMEOUT_MS;
  if (raw === undefined || raw === "") return DEFAULT_LOCK_TIMEOUT_MS;
  const n = Number(raw);
  return /^[0-9]+$/.test(raw) && Number.isSafeInteger(n) ? n : DEFAULT_LOCK_TIMEOUT_MS;
}

export class VaultLock implements Disposable {
  #fd: number | null;

  private constructor(fd: number) {
    this.#fd = fd;
  }

  /** Opens (creating, mode 0600) `path` and locks it, waiting at most the timeout. */
  static acquire(path: string, options: LockOptions = {}): VaultLock {
    const timeoutMs = options.timeoutMs ?? lockTimeoutFromEnv();
    let fd: number;
    try {
      fd = openSync(path, constants.O_RDWR | constants.O_CREAT, 0o600);
    } catch (err) {
      throw new IoError(`cannot open the vault lock ${path}: ${(err as NodeJS.ErrnoException).code ?? err}`);
    }
    const exclusive = options.shared ? 0 : 1;
    const deadline = performance.now() + timeoutMs;
    let pause = FIRST_PAUSE_MS;
    try {
      for (;;) {
        const rc = shim().smem_flock(fd, exclusive, 1);
        if (rc === 0) return new VaultLock(fd);
        if (rc !== 1) throw new IoError(`cannot lock the vault (${path})`);
        const left = deadline - performance.now();
        if (left <= 0) {
          throw new EnvironmentError(
            `vault is busy: another smem process has held its lock for over ${timeoutMs} ms`,
          );
        }
        // Jitter keeps a crowd of waiters from retrying in lockstep.
        Bun.sleepSync(Math.min(left, pause * (0.5 + Math.random())));
        pause = Math.min(pause * 2, LONGEST_PAUSE_MS);
      }
    } catch (err) {
      closeSync(fd);
      throw err;
    }
  }

  get held(): boolean {
    return this.#fd !== null;
  }

  /** Unlocks and closes. Idempotent. */
  release(): void {
    if (this.#fd === null) return;
    const fd = this.#fd;
    this.#fd = null;
    try {
      shim().smem_funlock(fd);
    } finally {
      closeSync(fd);
    }
  }

  [Symbol.dispose](): void {
    this.release();
  }
}
