// LockedBuffer: secret bytes in a guarded, mlocked, never-dumped native allocation.
//
// The memory belongs to the shim's guarded allocator; JS only ever sees zero-copy views of it.
// destroy() wipes and unmaps deterministically and detaches the ArrayBuffer behind every view
// handed out, so a stale view reads as empty instead of touching unmapped memory.
import { addressOfBytes, readPointer, shim, viewAt } from "../ffi";
import { EnvironmentError, SmemError } from "./errors";
import { mlockRequired, noteUnlockedAllocation } from "./mlock-policy";

const PROT_NOACCESS = 0;
const PROT_READONLY = 1;
const PROT_READWRITE = 2;

type Protection = typeof PROT_NOACCESS | typeof PROT_READONLY | typeof PROT_READWRITE;

/** Live buffers, weakly held, so purge() can find them without keeping them alive. */
const live = new Map<number, WeakRef<LockedBuffer>>();
let nextId = 1;

interface NativeRegion {
  address: number;
  size: number;
  state: { freed: boolean };
}

// Safety net only (DESIGN 3.2): registered on the ArrayBuffer, which every view keeps alive, so
// the region is never freed under a view that is still reachable.
const finalizer = new FinalizationRegistry<NativeRegion>((region) => {
  if (region.state.freed) return;
  region.state.freed = true;
  shim().smem_free(region.address, region.size);
});

const purgeListeners = new Set<() => void>();

/** Run `listener` whenever purge() runs (the Enclave coffer destroys its key this way). */
export function onPurge(listener: () => void): () => void {
  purgeListeners.add(listener);
  return () => purgeListeners.delete(listener);
}

export class LockedBuffer implements Disposable {
  readonly size: number;
  readonly ptr: number;
  readonly locked: boolean;
  #buffer: ArrayBuffer | null;
  #region: NativeRegion;
  #protection: Protection = PROT_READWRITE;
  readonly #id: number;

  private constructor(size: number) {
    if (!Number.isSafeInteger(size) || size < 0) {
      throw new RangeError(`LockedBuffer size must be a non-negative integer, got ${size}`);
    }
    const native = shim();
    const slot = new BigUint64Array(1);
    const lockedFlag = new Int32Array(1);
    if (native.smem_alloc(slot, size, lockedFlag) !== 0) {
      throw new SmemError(`cannot allocate ${size} bytes of guarded memory`, 5);
    }
    const address = readPointer(slot);
    this.size = size;
    this.ptr = address;
    this.locked = lockedFlag[0] === 1;
    this.#region = { address, size, state: { freed: false } };
    if (!this.locked) {
      if (mlockRequired()) {
        native.smem_free(address, size);
        this.#region.state.freed = true;
        throw new EnvironmentError(
          "memory could not be locked and --require-mlock is set (raise 'ulimit -l' or grant CAP_IPC_LOCK)",
        );
      }
      noteUnlockedAllocation();
    }
    this.#buffer = viewAt(address, size);
    finalizer.register(this.#buffer, this.#region, this);
    this.#id = nextId++;
    live.set(this.#id, new WeakRef(this));
  }

  /** A zero-filled, mutable buffer. Size 0 is allowed. */
  static alloc(size: number): LockedBuffer {
    return new LockedBuffer(size);
  }

  /** A buffer filled from the OS CSPRNG. */
  static random(size: number): LockedBuffer {
    const buf = new LockedBuffer(size);
    if (size > 0) shim().smem_randombytes(buf.ptr, size);
    return buf;
  }

  /** Copies `src` into locked memory, then wipes `src`. */
  static fromBytes(src: Uint8Array): LockedBuffer {
    const buf = new LockedBuffer(src.length);
    if (src.length > 0) {
      buf.bytes().set(src);
      shim().smem_memzero(addressOfBytes(src), src.length);
    }
    return buf;
  }

  get alive(): boolean {
    return this.#buffer !== null;
  }

  get mutable(): boolean {
    return this.alive && this.#protection === PROT_READWRITE;
  }

  /** Zero-copy view of the data. Throws once the buffer is destroyed. */
  bytes(): Uint8Array {
    return new Uint8Array(this.#live());
  }

  /** Read-only from now on: a write faults. */
  freeze(): void {
    this.#protect(PROT_READONLY);
  }

  /** Writable again. */
  melt(): void {
    this.#protect(PROT_READWRITE);
  }

  /** No access at all until melt() or freeze(): any read or write faults. */
  noAccess(): void {
    this.#protect(PROT_NOACCESS);
  }

  /** Constant-time comparison (a length mismatch returns false at once: lengths are public). */
  equals(other: LockedBuffer | Uint8Array): boolean {
    const mine = this.#readable();
    const theirs = other instanceof LockedBuffer ? other.#readable() : other;
    if (mine.length !== theirs.length) return false;
    if (mine.length === 0) return true;
    return shim().smem_memcmp(mine, theirs, mine.length) === 0;
  }

  /** Zero the contents, keeping the buffer usable. */
  wipe(): void {
    this.#live();
    if (this.size === 0) return;
    const before = this.#protection;
    if (before !== PROT_READWRITE) this.#protect(PROT_READWRITE);
    shim().smem_memzero(this.ptr, this.size);
    if (before !== PROT_READWRITE) this.#protect(before);
  }

  /** Wipe, unlock and unmap. Idempotent. */
  destroy(): void {
    const buffer = this.#buffer;
    if (buffer === null) return;
    this.#buffer = null;
    live.delete(this.#id);
    finalizer.unregister(this);
    // Detach: every view handed out by bytes() now has length 0.
    if (buffer.byteLength > 0) buffer.transfer(0);
    if (!this.#region.state.freed) {
      this.#region.state.freed = true;
      shim().smem_free(this.ptr, this.size);
    }
  }

  [Symbol.dispose](): void {
    this.destroy();
  }

  #live(): ArrayBuffer {
    if (this.#buffer === null) throw new SmemError("LockedBuffer used after destroy", 5);
    return this.#buffer;
  }

  #readable(): Uint8Array {
    const view = new Uint8Array(this.#live());
    if (this.#protection === PROT_NOACCESS) {
      throw new SmemError("LockedBuffer is in no-access mode; melt() or freeze() it first", 5);
    }
    return view;
  }

  #protect(prot: Protection): void {
    this.#live();
    if (shim().smem_protect(this.ptr, this.size, prot) !== 0) {
      throw new SmemError("cannot change the protection of a LockedBuffer", 5);
    }
    this.#protection = prot;
  }
}

/** Destroy every live LockedBuffer and notify purge listeners (enclave coffers). */
export function purge(): void {
  for (const listener of purgeListeners) listener();
  // Copied first: destroy() removes entries. (Skipped when empty, as at the end of most commands:
  // the spread runs engine iteration code that would be compiled for nothing.)
  if (live.size === 0) return;
  for (const ref of [...live.values()]) ref.deref()?.destroy();
  live.clear();
}

/** How many LockedBuffers are alive (for tests and `smem info`). */
export function liveBufferCount(): number {
  let n = 0;
  for (const ref of live.values()) if (ref.deref()?.alive) n++;
  return n;
}
