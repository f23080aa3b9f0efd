// A vault entry is an ordinary age v1 file: age v1.3.1 decrypts one with the vault's identity,
// and a vault can be built around an identity made by age-keygen -pq.
import { beforeAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { currentGeneration } from "../../core/vault/layout";
import { entryFileName } from "../../core/vault/names";
import { age131 } from "../helpers/age-peers";
import { Scratch } from "../helpers/vault-cli";

setDefaultTimeout(60_000);

let pq: { age: string; ageKeygen: string };
beforeAll(() => {
  pq = age131();
}, 600_000);

describe("smem vault with age v1.3.1", () => {
  test("age-keygen -pq identity: smem stores, age decrypts the entry file to the documented plaintext", async () => {
    const s = new Scratch();
    try {
      const key = join(s.dir, "key.txt");
      const kg = spawnSync(pq.ageKeygen, ["-pq", "-o", key], { encoding: "utf8" });
      expect(kg.status).toBe(0);
      expect((await s.run("init", ["--identity", key])).code).toBe(0);
      expect((await s.set("db/password", "hunter2")).code).toBe(0);
      const got = await s.run("get", ["db/password", "--identity", key]);
      expect([got.code, got.out]).toEqual([0, "hunter2"]);

      const g = currentGeneration(s.vault);
      const entry = g.entryPath(entryFileName(g.readSalt(), "db/password"));
      const dec = spawnSync(pq.age, ["-d", "-i", key, entry]);
      expect(dec.status).toBe(0);
      const name = new TextEncoder().encode("db/password");
      const expected = new Uint8Array([
        ...new TextEncoder().encode("smem-vault-entry/v1\n"),
        0,
        name.length,
        ...name,
        ...new TextEncoder().encode("hunter2"),
      ]);
      expect([...dec.stdout]).toEqual([...expected]);
      // The stanza is age's post-quantum one.
      expect(readFileSync(entry, "latin1")).toContain("\n-> mlkem768x25519 ");
    } finally {
      s.cleanup();
    }
  });
});
