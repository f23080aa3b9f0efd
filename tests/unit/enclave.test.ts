import { describe, expect, test } from "bun:test";
import { Enclave, LockedBuffer, purge, SmemError } from "../../core";
import { rekey } from "../../core/coffer";
import { ENCLAVE_CIPHERTEXT } from "../../core/enclave";

const secret = () => LockedBuffer.fromBytes(new TextEncoder().encode("attack at dawn, bring snacks"));

describe("Enclave", () => {
  test("roundtrip: open returns the sealed bytes in a new LockedBuffer", () => {
    const enclave = Enclave.seal(secret());
    expect(enclave.size).toBe(28);
    using a = enclave.open();
    using b = enclave.open();
    expect(new TextDecoder().decode(a.bytes())).toBe("attack at dawn, bring snacks");
    expect(a.locked).toBe(true);
    expect(a.ptr).not.toBe(b.ptr);
  });

  test("seal destroys the source buffer and detaches its views", () => {
    const buf = secret();
    const view = buf.bytes();
    Enclave.seal(buf);
    expect(buf.alive).toBe(false);
    expect(view.length).toBe(0);
    expect(() => buf.bytes()).toThrow(SmemError);
  });

  test("the ciphertext does not contain the plaintext", () => {
    const enclave = Enclave.seal(secret());
    const text = new TextDecoder("latin1").decode(enclave[ENCLAVE_CIPHERTEXT]);
    expect(text).not.toContain("attack");
  });

  test("a tampered ciphertext or tag fails to open", () => {
    for (const index of [0, 10, 27, 28, 43]) {
      const enclave = Enclave.seal(secret());
      const ct = enclave[ENCLAVE_CIPHERTEXT];
      ct[index] = (ct[index] as number) ^ 1;
      expect(() => enclave.open()).toThrow(/cannot be opened/);
      ct[index] = (ct[index] as number) ^ 1;
      enclave.open().destroy();
    }
  });

  test("the coffer re-keys (new halves) without changing the key", () => {
    const enclave = Enclave.seal(secret());
    for (let i = 0; i < 7; i++) rekey();
    using out = enclave.open();
    expect(new TextDecoder().decode(out.bytes())).toBe("attack at dawn, bring snacks");
  });

  test("purge destroys the coffer key: older enclaves no longer open, new ones do", () => {
    const before = Enclave.seal(secret());
    purge();
    expect(() => before.open()).toThrow(/cannot be opened/);
    const after = Enclave.seal(secret());
    using out = after.open();
    expect(out.size).toBe(28);
  });

  test("size 0", () => {
    const enclave = Enclave.seal(LockedBuffer.alloc(0));
    using out = enclave.open();
    expect(out.size).toBe(0);
  });
});
