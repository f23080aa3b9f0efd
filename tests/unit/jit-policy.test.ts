// core/jit-policy: a compiled smem starts with the JIT's tier-up thresholds scaled up; the whole
// CLI and any payload past its first batch must put the normal policy back. Each case runs in a
// fresh bun with Bun.unsafe.setJITPolicy replaced by a recorder, since the restore happens once
// per process.
import { afterAll, describe, expect, test } from "bun:test";
import { spawnSync } from "node:child_process";
import { closeSync, mkdtempSync, openSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { STARTUP_JIT_POLICY } from "../../core/jit-policy";
import { LockedBuffer } from "../../core/locked-buffer";
import { BytesSource, CollectSink, sealStream } from "../../core/stream";

const root = join(import.meta.dir, "..", "..");
const dir = mkdtempSync(join(tmpdir(), "smem-jit-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const MIB = 1024 * 1024;

// Prints, at exit, the arguments of every setJITPolicy call the body made.
function recorded(body: string): unknown[] {
  const script = join(dir, `case-${Math.random().toString(36).slice(2)}.ts`);
  writeFileSync(
    script,
    [
      "const calls: unknown[] = [];",
      "(Bun.unsafe as { setJITPolicy: (n: number) => void }).setJITPolicy = (n) => { calls.push(n); };",
      'process.on("exit", () => process.stderr.write("CALLS " + JSON.stringify(calls) + "\\n"));',
      body,
    ].join("\n"),
  );
  const r = spawnSync(process.execPath, [script], { cwd: root, encoding: "utf8" });
  const line = r.stderr.split("\n").find((l) => l.startsWith("CALLS "));
  if (r.status !== 0 || !line) throw new Error(`case failed (${r.status}): ${r.stderr}`);
  return JSON.parse(line.slice("CALLS ".length)) as unknown[];
}

const engine = `
import { BytesSource, CollectSink, FdSource, openStream, sealStream } from ${JSON.stringify(join(root, "core", "stream"))};
import { LockedBuffer } from ${JSON.stringify(join(root, "core", "locked-buffer"))};
import { openSync } from "node:fs";
const key = LockedBuffer.random(32);
`;

describe("start-up JIT policy", () => {
  test("the executable's scale is a finite number above 1", () => {
    expect(Number.isFinite(STARTUP_JIT_POLICY)).toBe(true);
    expect(STARTUP_JIT_POLICY).toBeGreaterThan(1);
  });

  test("a one-batch payload keeps the start-up policy, sealed and opened", () => {
    const calls = recorded(`${engine}
const sealed = new CollectSink();
await sealStream(key, new BytesSource(new Uint8Array(1024)), sealed);
await openStream(key, new BytesSource(sealed.bytes()), new CollectSink());
`);
    expect(calls).toEqual([]);
  });

  test("sealing a stream past its first batch restores the normal policy, once", () => {
    const calls = recorded(`${engine}
await sealStream(key, new BytesSource(new Uint8Array(${5 * MIB})), new CollectSink());
`);
    expect(calls).toEqual([1]);
  });

  test("sealing a regular file past its first batch restores it", () => {
    const file = join(dir, "three-mib.bin");
    writeFileSync(file, new Uint8Array(3 * MIB));
    closeSync(openSync(file, "r"));
    const calls = recorded(`${engine}
const fd = openSync(${JSON.stringify(file)}, "r");
const source = new FdSource(fd, "three-mib.bin");
if (!source.positional?.()) throw new Error("expected the positional (file) engine");
await sealStream(key, source, new CollectSink());
`);
    expect(calls).toEqual([1]);
  });

  test("opening a payload past its first batch restores it", async () => {
    // Sealed here, opened in the child: the restore is once per process.
    const keyBytes = new Uint8Array(32).fill(7);
    const sealed = new CollectSink();
    using key = LockedBuffer.fromBytes(keyBytes);
    await sealStream(key, new BytesSource(new Uint8Array(3 * MIB)), sealed);
    const file = join(dir, "three-mib.sealed");
    writeFileSync(file, sealed.bytes());
    const calls = recorded(`${engine}
import { readFileSync } from "node:fs";
const fileKey = LockedBuffer.fromBytes(new Uint8Array(32).fill(7));
const plain = new CollectSink();
await openStream(fileKey, new BytesSource(readFileSync(${JSON.stringify(file)})), plain);
if (plain.bytes().length !== ${3 * MIB}) throw new Error("wrong plaintext length");
`);
    expect(calls).toEqual([1]);
  });

  test("base64 (headers, armor) keeps the start-up policy for a few KiB, then restores it", () => {
    const base64 = JSON.stringify(join(root, "core", "age", "base64"));
    const small = recorded(`
import { decodeBase64Into, encodeBase64Into } from ${base64};
const bytes = new Uint8Array(3000);
const text = new Uint8Array(4000);
const n = encodeBase64Into(bytes, false, text, 0);
if (decodeBase64Into(text, 0, n, false, new Uint8Array(3000), 0) !== 3000) throw new Error("round trip");
`);
    expect(small).toEqual([]);
    const armored = recorded(`
import { armor, dearmor } from ${JSON.stringify(join(root, "core", "age", "armor"))};
dearmor(armor(new Uint8Array(${64 * 1024})));
`);
    expect(armored).toEqual([1]);
  });

  test("the whole CLI restores the normal policy before any command runs", () => {
    const calls = recorded(`
process.argv = [process.argv[0], "smem", "version"];
await import(${JSON.stringify(join(root, "cmd", "main.ts"))});
`);
    expect(calls).toEqual([1]);
  });
});
