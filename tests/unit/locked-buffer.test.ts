import { describe, expect, test } from "bun:test";
import { LockedBuffer, liveBufferCount, purge } from "../../core";

describe("LockedBuffer", () => {
  test("alloc is zero-filled and writable", () => {
    using buf = LockedBuffer.alloc(100);
    expect(buf.size).toBe(100);
    expect(buf.alive).toBe(true);
    expect(buf.mutable).toBe(true);
    expect(buf.bytes().every((b) => b === 0)).toBe(true);
    buf.bytes()[99] = 7;
    expect(buf.bytes()[99]).toBe(7);
  });

  test("size 0 gives an empty view", () => {
    using buf = LockedBuffer.alloc(0);
    expect(buf.bytes().length).toBe(0);
    expect(buf.equals(new Uint8Array(0))).toBe(true);
  });

  test("fromBytes copies and wipes the source", () => {
    const src = new Uint8Array([1, 2, 3, 4]);
    using buf = LockedBuffer.fromBytes(src);
    expect([...buf.bytes()]).toEqual([1, 2, 3, 4]);
    expect([...src]).toEqual([0, 0, 0, 0]);
  });

  test("random buffers differ", () => {
    using a = LockedBuffer.random(32);
    using b = LockedBuffer.random(32);
    expect(a.equals(b)).toBe(false);
    expect(a.equals(a.bytes().slice())).toBe(true);
  });

  test("bytes() after destroy throws, views are detached, destroy is idempotent", () => {
    const buf = LockedBuffer.fromBytes(new Uint8Array([9, 9, 9]));
    const view = buf.bytes();
    buf.destroy();
    expect(() => buf.bytes()).toThrow(/after destroy/);
    expect(view.length).toBe(0);
    expect(buf.alive).toBe(false);
    buf.destroy();
  });

  test("wipe zeroes, even when frozen", () => {
    using buf = LockedBuffer.fromBytes(new Uint8Array([5, 6, 7]));
    buf.freeze();
    expect(buf.mutable).toBe(false);
    buf.wipe();
    expect([...buf.bytes()]).toEqual([0, 0, 0]);
    expect(buf.mutable).toBe(false);
  });

  test("purge destroys every live buffer", () => {
    const a = LockedBuffer.alloc(10);
    const b = LockedBuffer.random(10);
    expect(liveBufferCount()).toBeGreaterThanOrEqual(2);
    purge();
    expect(a.alive).toBe(false);
    expect(b.alive).toBe(false);
    expect(liveBufferCount()).toBe(0);
  });
});
