// DESIGN 3 / issue 2: what the kernel says about a LockedBuffer's memory. A 1 MiB buffer's inner
// pages must be one mapping flagged `lo` (mlocked) and `dd` (left out of core dumps), bounded by
// no-access guard mappings, with the data ending exactly at the trailing guard.
import { describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { LockedBuffer } from "../../core";
import { shim } from "../../ffi";

interface Mapping {
  start: number;
  end: number;
  perms: string;
  vmFlags: string[];
}

function mappings(): Mapping[] {
  const out: Mapping[] = [];
  for (const line of readFileSync("/proc/self/smaps", "utf8").split("\n")) {
    const head = /^([0-9a-f]+)-([0-9a-f]+) (\S+) /.exec(line);
    if (head?.[1] && head[2] && head[3]) {
      out.push({
        start: Number.parseInt(head[1], 16),
        end: Number.parseInt(head[2], 16),
        perms: head[3],
        vmFlags: [],
      });
      continue;
    }
    const flags = /^VmFlags:\s*(.*)$/.exec(line);
    const last = out[out.length - 1];
    if (flags?.[1] !== undefined && last) last.vmFlags = flags[1].trim().split(/\s+/);
  }
  return out;
}

function mappingAt(address: number): Mapping | undefined {
  return mappings().find((m) => m.start <= address && address < m.end);
}

const onLinux = process.platform === "linux";

describe.skipIf(!onLinux)("LockedBuffer mappings in /proc/self/smaps", () => {
  test("a 1 MiB buffer is locked (lo), not dumpable (dd) and guarded on both sides", () => {
    using buf = LockedBuffer.alloc(1 << 20);
    const inner = Number(shim().smem_alloc_inner_page(buf.ptr, buf.size));
    const page = Number(shim().smem_page_size());
    // Needs CAP_IPC_LOCK or an RLIMIT_MEMLOCK above 1 MiB (the usual default is 8 MiB).
    const soft = new BigUint64Array(1);
    shim().smem_mlock_limit(soft, null);
    expect(buf.locked, `mlock refused here (RLIMIT_MEMLOCK soft = ${soft[0]} bytes)`).toBe(true);
    const m = mappingAt(inner);
    expect(m).toBeDefined();
    if (!m) return;
    expect(m.start).toBe(inner);
    expect(m.end).toBe(buf.ptr + buf.size); // right-aligned against the trailing guard page
    expect(m.perms.startsWith("rw-")).toBe(true);
    expect(m.vmFlags).toContain("lo");
    expect(m.vmFlags).toContain("dd");
    const before = mappingAt(inner - 1);
    const after = mappingAt(buf.ptr + buf.size);
    expect(before?.perms.startsWith("---")).toBe(true);
    expect(after?.perms.startsWith("---")).toBe(true);
    expect(after?.start).toBe(buf.ptr + buf.size);
    expect((after?.end ?? 0) - (after?.start ?? 0)).toBeGreaterThanOrEqual(page);
  });

  test("freeze and noAccess change the inner mapping's permissions, melt restores them", () => {
    using buf = LockedBuffer.alloc(5000);
    const inner = Number(shim().smem_alloc_inner_page(buf.ptr, buf.size));
    buf.freeze();
    expect(mappingAt(inner)?.perms.slice(0, 3)).toBe("r--");
    buf.noAccess();
    expect(mappingAt(inner)?.perms.slice(0, 3)).toBe("---");
    buf.melt();
    expect(mappingAt(inner)?.perms.slice(0, 3)).toBe("rw-");
    expect(mappingAt(inner)?.vmFlags).toContain("dd");
  });

  test("destroy unmaps the whole allocation", () => {
    const buf = LockedBuffer.alloc(64);
    const inner = Number(shim().smem_alloc_inner_page(buf.ptr, buf.size));
    const m = mappingAt(inner);
    expect(m?.start).toBe(inner);
    buf.destroy();
    const after = mappingAt(inner);
    // Gone, or (if the address was reused meanwhile) no longer our locked inner mapping.
    expect(after === undefined || after.start !== inner || !after.vmFlags.includes("dd")).toBe(true);
  });
});
