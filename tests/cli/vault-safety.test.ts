// The vault under concurrency, crashes and tampering, through the real CLI.
import { afterAll, describe, expect, test } from "bun:test";
import { spawnSync } from "node:child_process";
import { readFileSync, renameSync, truncateSync, watch, writeFileSync } from "node:fs";
import { join } from "node:path";
import { LockedBuffer } from "../../core/locked-buffer";
import { currentGeneration } from "../../core/vault/layout";
import { VaultLock } from "../../core/vault/lock";
import { entryFileName } from "../../core/vault/names";
import { getEntry } from "../../core/vault/store";
import { Scratch, spawnSmem } from "../helpers/vault-cli";

const scratches: Scratch[] = [];
function scratch(): Scratch {
  const s = new Scratch();
  scratches.push(s);
  return s;
}
afterAll(() => {
  for (const s of scratches) s.cleanup();
});

/** The value stored under `name`, decrypted with the core API and the scratch passphrase. */
function readValue(s: Scratch, name: string): string {
  using passphrase = LockedBuffer.fromBytes(new TextEncoder().encode(readFileSync(s.pass, "utf8").trimEnd()));
  const { plain, value } = getEntry(s.vault, name, { passphrase });
  try {
    return new TextDecoder().decode(value);
  } finally {
    plain.destroy();
  }
}

/** The entry file of `name`, computed from the generation's salt. */
function entryPath(s: Scratch, name: string): string {
  const g = currentGeneration(s.vault);
  return g.entryPath(entryFileName(g.readSalt(), name));
}

const entryFiles = (s: Scratch) => s.files().filter((f) => /entries\/[0-9a-f]{64}\.age$/.test(f));
const tempFiles = (s: Scratch) => s.files().filter((f) => f.endsWith(".smem-tmp"));

describe("smem vault under concurrency", () => {
  test("32 parallel sets of distinct names and 32 of one shared name", async () => {
    const s = scratch();
    expect((await s.init()).code).toBe(0);
    const distinct = Array.from({ length: 32 }, (_, i) => `name-${i}`);
    const shared = Array.from({ length: 32 }, (_, i) => `shared-value-${i}`);
    // 64 writers queue on one lock; on a loaded 2-core machine the last can wait longer than the
    // default 10 s. This test is about what the vault holds afterwards (the timeout has its own).
    const patient = { env: { SMEM_VAULT_LOCK_TIMEOUT_MS: "55000" } };
    const results = await Promise.all([
      ...distinct.map((n) => s.run("set", [n], { ...patient, stdin: `value of ${n}` })),
      ...shared.map((v) => s.run("set", ["shared"], { ...patient, stdin: v })),
    ]);
    for (const r of results) expect([r.code, r.err]).toEqual([0, ""]);

    const ls = await s.run("ls", ["--passphrase-file", s.pass]);
    expect(ls.code).toBe(0);
    expect(ls.out.trimEnd().split("\n")).toEqual([...distinct, "shared"].sort());
    // Values are read back in this process (33 more CLI runs would only repeat the get tests).
    for (const n of distinct) expect(readValue(s, n)).toBe(`value of ${n}`);
    expect(shared).toContain(readValue(s, "shared"));
    expect((await s.get("shared")).code).toBe(0);
    expect(entryFiles(s)).toHaveLength(33);
    expect(tempFiles(s)).toEqual([]);
  }, 60_000);

  test("a writer held up beyond the timeout exits 5 'vault is busy'; the lock dies with its holder", async () => {
    const s = scratch();
    expect((await s.init()).code).toBe(0);
    const lock = VaultLock.acquire(join(s.vault, "lock"));
    try {
      const r = await s.run("set", ["x"], { stdin: "1", env: { SMEM_VAULT_LOCK_TIMEOUT_MS: "300" } });
      expect(r.code).toBe(5);
      expect(r.err).toContain("vault is busy");
      // Readers take no lock.
      expect((await s.run("has", ["x"])).code).toBe(1);
    } finally {
      lock.release();
    }
    expect((await s.set("x", "1")).code).toBe(0);

    // A holder killed with SIGKILL leaves nothing held.
    const holder = Bun.spawn(
      [
        process.execPath,
        "-e",
        `const { VaultLock } = await import(${JSON.stringify(join(import.meta.dir, "../../core/vault/lock.ts"))});
         VaultLock.acquire(${JSON.stringify(join(s.vault, "lock"))}); console.log("held"); await Bun.sleep(60000);`,
      ],
      { stdout: "pipe" },
    );
    const reader = holder.stdout.getReader();
    const first = await reader.read();
    expect(new TextDecoder().decode(first.value)).toContain("held");
    holder.kill(9);
    await holder.exited;
    const after = await s.run("set", ["y"], { stdin: "2", env: { SMEM_VAULT_LOCK_TIMEOUT_MS: "2000" } });
    expect(after.code).toBe(0);
  }, 30_000);

  test("kill -9 of a set writing a large value: the old value stays readable, the next set works", async () => {
    const s = scratch();
    expect((await s.init()).code).toBe(0);
    expect((await s.set("big", "old value")).code).toBe(0);
    const entries = join(s.vault, s.files().find((f) => f.endsWith("entries")) as string);
    const large = new Uint8Array(15 * 1024 * 1024).fill(0x61);

    const child = spawnSmem(["vault", "set", "big", "--vault", s.vault], { stdin: large });
    // Kill the writer the moment its temp file appears: mid-write, before the rename.
    const killed = new Promise<boolean>((resolve) => {
      const w = watch(entries, (_event, file) => {
        if (file?.endsWith(".smem-tmp")) {
          child.kill(9);
          w.close();
          resolve(true);
        }
      });
      child.exited.then(() => {
        w.close();
        resolve(false);
      });
    });
    expect(await killed).toBe(true);
    await child.exited;
    expect(child.signalCode).toBe("SIGKILL");

    const old = await s.get("big");
    expect([old.code, old.out]).toEqual([0, "old value"]);
    expect((await s.set("big", "new value")).code).toBe(0);
    expect((await s.get("big")).out).toBe("new value");
    // The next writer swept what the killed one left.
    expect(tempFiles(s)).toEqual([]);
  }, 60_000);

  test("kill -9 of a rekey midway leaves the old vault fully usable", async () => {
    const s = scratch();
    expect((await s.init()).code).toBe(0);
    const names = Array.from({ length: 6 }, (_, i) => `k${i}`);
    for (const n of names) expect((await s.set(n, `v-${n}`)).code).toBe(0);
    expect((await s.set("large", new Uint8Array(4 * 1024 * 1024).fill(0x62))).code).toBe(0);
    const current = readFileSync(join(s.vault, "current"), "utf8");

    const child = spawnSmem([
      "vault",
      "rekey",
      "--vault",
      s.vault,
      "--passphrase-file",
      s.pass,
      "--memory",
      "64",
      "--iterations",
      "1",
      "--rounds",
      "1",
    ]);
    const killed = new Promise<boolean>((resolve) => {
      const w = watch(s.vault, { recursive: true }, (_event, file) => {
        // Entries are being written into the new generation.
        if (file && /^g-[0-9a-f]{32}\/entries\/./.test(file) && !current.includes(file.slice(0, 34))) {
          child.kill(9);
          w.close();
          resolve(true);
        }
      });
      child.exited.then(() => {
        w.close();
        resolve(false);
      });
    });
    expect(await killed).toBe(true);
    await child.exited;
    expect(readFileSync(join(s.vault, "current"), "utf8")).toBe(current);
    for (const n of names) expect((await s.get(n)).out).toBe(`v-${n}`);
    expect((await s.run("ls", ["--passphrase-file", s.pass])).out).toBe(
      `${[...names, "large"].sort().join("\n")}\n`,
    );
    // The next writer removes the half-built generation; rekey then succeeds.
    expect((await s.set("k0", "again")).code).toBe(0);
    expect(s.files().filter((f) => /^g-[0-9a-f]{32}$/.test(f))).toHaveLength(1);
    const rekey = await s.run("rekey", [
      "--passphrase-file",
      s.pass,
      "--memory",
      "64",
      "--iterations",
      "1",
      "--rounds",
      "1",
    ]);
    expect(rekey.code).toBe(0);
    expect((await s.get("k0")).out).toBe("again");
  }, 60_000);
});

describe("smem vault against tampering", () => {
  test("swapped entry files and a truncated one fail with exit 3, never another secret", async () => {
    const s = scratch();
    expect((await s.init()).code).toBe(0);
    expect((await s.set("alpha", "secret-alpha")).code).toBe(0);
    expect((await s.set("beta", "secret-beta")).code).toBe(0);
    expect((await s.set("gamma", "secret-gamma")).code).toBe(0);
    const [a, b, c] = ["alpha", "beta", "gamma"].map((n) => entryPath(s, n)) as [string, string, string];
    expect(entryFiles(s)).toHaveLength(3);

    // alpha's file now holds beta's entry and the other way round.
    const tmp = `${a}.swap`;
    renameSync(a, tmp);
    renameSync(b, a);
    renameSync(tmp, b);
    const [ra, rb] = await Promise.all([s.get("alpha"), s.get("beta")]);
    for (const r of [ra, rb]) {
      expect(r.code).toBe(3);
      expect(r.out).toBe("");
      expect(r.err).toContain("swapped or renamed");
    }
    expect((await s.get("gamma")).out).toBe("secret-gamma");
    expect((await s.run("ls", ["--passphrase-file", s.pass])).code).toBe(3);
    // A file renamed to a name that had none is caught the same way.
    renameSync(a, entryPath(s, "delta"));
    const rd = await s.get("delta");
    expect([rd.code, rd.out]).toEqual([3, ""]);
    renameSync(b, a);
    renameSync(entryPath(s, "delta"), b);
    expect(readValue(s, "alpha")).toBe("secret-alpha");
    expect(readValue(s, "beta")).toBe("secret-beta");

    // Truncations anywhere: inside the payload's last chunk, its tag, the header, to nothing.
    const original = readFileSync(c);
    const cuts = [original.length - 1, original.length - 17, 1200, 10, 0];
    const results = [];
    for (const cut of cuts) {
      truncateSync(c, cut);
      results.push(await s.get("gamma"));
      writeFileSync(c, original);
    }
    for (const r of results) expect([r.code, r.out]).toEqual([3, ""]);
    expect((await s.get("gamma")).out).toBe("secret-gamma");
  }, 60_000);

  test("grep -r of the vault finds neither a name nor a value", async () => {
    const s = scratch();
    expect((await s.init()).code).toBe(0);
    const name = "production-database-password";
    const value = "Tr0ub4dor&3-horse-battery";
    expect((await s.set(name, value)).code).toBe(0);
    expect((await s.get(name)).out).toBe(value);
    for (const needle of [name, value, "production", "Tr0ub4dor"]) {
      const r = spawnSync("grep", ["-r", "-a", "-F", "-l", needle, s.vault]);
      expect(r.status).toBe(1); // 1 = no match
    }
    expect(tempFiles(s)).toEqual([]);
  }, 30_000);
});
