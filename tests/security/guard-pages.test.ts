// DESIGN 3 / issue 2: guard pages and the canary, through the real LockedBuffer. Each illegal
// access runs in its own Bun child, which must die of the right signal at the right address;
// a control child doing the same kinds of access legally must exit 0, or the rest proves nothing.
import { describe, expect, test } from "bun:test";
import { describeEnd, runMemoryChild } from "../helpers/child";

/** The address Bun's crash report names ("Segmentation fault at address 0x…"). */
function reportedFaultAddress(stderr: string): bigint | null {
  const m = /at address 0x([0-9a-f]+)/i.exec(stderr);
  return m?.[1] ? BigInt(`0x${m[1]}`) : null;
}

function expectedFaultAddress(stdout: string): bigint | null {
  const m = /^expect-fault 0x([0-9a-f]+)$/m.exec(stdout);
  return m?.[1] ? BigInt(`0x${m[1]}`) : null;
}

describe("guarded memory faults (child processes)", () => {
  test("control: legal reads, writes and mode changes exit 0", () => {
    const r = runMemoryChild("control");
    expect(r.signal, describeEnd(r)).toBeNull();
    expect(r.status, describeEnd(r)).toBe(0);
    expect(JSON.parse(r.stdout.trim()).ok).toBe(true);
  });

  const faults: Array<[string, string]> = [
    ["read-past-end", "reading one byte past the end of the data"],
    ["read-past-end-size0", "reading the first byte of a size-0 buffer"],
    ["read-before-inner", "reading the byte just before the inner page"],
    ["write-frozen", "writing to a frozen buffer"],
    ["read-noaccess", "reading a noAccess buffer"],
  ];
  for (const [scenario, what] of faults) {
    test(`${what} kills the child with SIGSEGV at that address`, () => {
      const r = runMemoryChild(scenario);
      expect(r.signal === "SIGSEGV" || r.signal === "SIGBUS", describeEnd(r)).toBe(true);
      const want = expectedFaultAddress(r.stdout);
      expect(want, describeEnd(r)).not.toBeNull();
      expect(reportedFaultAddress(r.stderr), describeEnd(r)).toBe(want);
      // Nothing after the access ran.
      expect(r.stdout.trim().split("\n")).toHaveLength(1);
    });
  }

  test("a corrupted canary makes destroy() abort the child (SIGABRT)", () => {
    const r = runMemoryChild("corrupt-canary");
    expect(r.signal, describeEnd(r)).toBe("SIGABRT");
    expect(r.stdout).not.toContain("destroyed");
  });
});
