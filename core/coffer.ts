// The coffer holds the key every Enclave is sealed under, split in two random halves so the key
// itself never sits in memory between uses: key = BLAKE2b-256(left) XOR right. A timer re-keys the
// halves (same key, new halves) so a snapshot of one half goes stale quickly, as in memguard.
// purge() destroys both halves; the next use draws a new key, so enclaves sealed before a purge
// can no longer be opened.
import { blake2bInto } from "./hash";
import { LockedBuffer, onPurge } from "./locked-buffer";

const HALF_BYTES = 32;
const REKEY_INTERVAL_MS = 500;

let left: LockedBuffer | null = null;
let right: LockedBuffer | null = null;
let timer: ReturnType<typeof setInterval> | null = null;
/** Bumped on every purge; enclaves remember the generation they were sealed in. */
let generation = 0;

function xorInto(target: Uint8Array, other: Uint8Array): void {
  for (let i = 0; i < target.length; i++) target[i] = (target[i] as number) ^ (other[i] as number);
}

function init(): void {
  left = LockedBuffer.random(HALF_BYTES);
  right = LockedBuffer.random(HALF_BYTES);
  timer = setInterval(rekey, REKEY_INTERVAL_MS);
  // Never keep the process alive just to re-key.
  timer.unref?.();
}

function destroy(): void {
  if (timer) clearInterval(timer);
  timer = null;
  left?.destroy();
  right?.destroy();
  left = null;
  right = null;
  generation++;
}

onPurge(destroy);

/** New halves, same key: left' = left ^ r, right' = right ^ H(left) ^ H(left'). */
export function rekey(): void {
  if (!left || !right) return;
  using r = LockedBuffer.random(HALF_BYTES);
  using hashOld = LockedBuffer.alloc(HALF_BYTES);
  using hashNew = LockedBuffer.alloc(HALF_BYTES);
  blake2bInto(hashOld.bytes(), left.bytes());
  xorInto(left.bytes(), r.bytes());
  blake2bInto(hashNew.bytes(), left.bytes());
  const rv = right.bytes();
  xorInto(rv, hashOld.bytes());
  xorInto(rv, hashNew.bytes());
}

/** The current key in a fresh LockedBuffer the caller destroys, and the coffer generation. */
export function cofferKey(): { key: LockedBuffer; generation: number } {
  if (!left || !right) init();
  const key = LockedBuffer.alloc(HALF_BYTES);
  const kv = key.bytes();
  blake2bInto(kv, (left as LockedBuffer).bytes());
  xorInto(kv, (right as LockedBuffer).bytes());
  return { key, generation };
}

export function cofferGeneration(): number {
  return generation;
}
