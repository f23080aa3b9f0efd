// Pointer and view helpers over bun:ffi, so that core/ never touches bun:ffi itself.
import { ptr as addressOf, type Pointer, read, toArrayBuffer } from "bun:ffi";

/** A zero-copy ArrayBuffer over native memory (size 0 gives a fresh empty buffer). */
export function viewAt(address: number, size: number): ArrayBuffer {
  if (size === 0) return new ArrayBuffer(0);
  return toArrayBuffer(address as never, 0, size);
}

/** The address of a TypedArray's first byte. */
export function addressOfBytes(bytes: Uint8Array): number {
  return addressOf(bytes) as unknown as number;
}

/** Read a native pointer written into an 8-byte out-parameter. */
export function readPointer(slot: BigUint64Array): number {
  return Number(slot[0]);
}

/** Reads the byte at a raw address. For tests that probe guard pages: a bad address faults. */
export function readByteAt(address: number): number {
  return read.u8(address as Pointer, 0);
}

/** Writes the byte at a raw address (tests use it to corrupt a canary on purpose). */
export function writeByteAt(address: number, value: number): void {
  new Uint8Array(viewAt(address, 1))[0] = value;
}
