// `smem vault` verbs end to end through the real CLI.
import { afterAll, describe, expect, test } from "bun:test";
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { formatIdentityFile, generateIdentity } from "../../core/age/keys";
import { currentGeneration } from "../../core/vault/layout";
import { runOnPty } from "../helpers/pty";
import { childEnv, FAST_KDF, Scratch, smem, smemEntry } from "../helpers/vault-cli";

const scratches: Scratch[] = [];
function scratch(passphrase?: string): Scratch {
  const s = new Scratch(passphrase);
  scratches.push(s);
  return s;
}
afterAll(() => {
  for (const s of scratches) s.cleanup();
});

function identityFileText(kind: "xwing" | "x25519" = "xwing"): string {
  using id = generateIdentity(kind);
  using file = formatIdentityFile(id);
  return new TextDecoder().decode(file.bytes());
}

describe("smem vault", () => {
  test("init, set without a passphrase, has, get with one, ls, stats, rm, purge", async () => {
    const s = scratch();
    const init = await s.init();
    expect(init.err).toContain("created a vault");
    expect(init.code).toBe(0);
    expect(statSync(s.vault).mode & 0o777).toBe(0o700);

    // set: stdin only, no passphrase anywhere in its environment or arguments.
    expect((await s.set("db/password", "hunter2\n")).code).toBe(0);
    expect((await s.set("api token", new Uint8Array([0, 255, 10, 13]))).code).toBe(0);
    expect((await s.set("empty", "")).code).toBe(0);

    const has = await s.run("has", ["db/password"]);
    expect([has.code, has.out, has.err]).toEqual([0, "", ""]);
    const hasNot = await s.run("has", ["db/passwordX"]);
    expect([hasNot.code, hasNot.out, hasNot.err]).toEqual([1, "", ""]);

    const got = await s.get("db/password");
    expect(got.code).toBe(0);
    expect(got.out).toBe("hunter2\n");
    expect([...(await s.get("api token")).stdout]).toEqual([0, 255, 10, 13]);
    expect((await s.get("empty")).stdout.length).toBe(0);

    // Overwrite.
    expect((await s.set("db/password", "s3cret")).code).toBe(0);
    expect((await s.get("db/password")).out).toBe("s3cret");

    const ls = await s.run("ls", ["--passphrase-file", s.pass]);
    expect(ls.code).toBe(0);
    expect(ls.out).toBe("api token\ndb/password\nempty\n");

    const stats = await s.run("stats");
    expect(stats.code).toBe(0);
    const json = JSON.parse(stats.out);
    expect(json).toMatchObject({
      items_count: 3,
      encryption_type: "age-v1",
      kem_type: "mlkem768x25519",
      directory_path: s.vault,
    });
    expect(json.total_size_bytes).toBeGreaterThan(3 * 1000);
    expect(Number.isNaN(Date.parse(json.created))).toBe(false);
    expect(stats.out).not.toContain("s3cret");
    expect(stats.out).not.toContain("db/password");

    expect((await s.run("rm", ["db/password"])).code).toBe(0);
    expect((await s.run("has", ["db/password"])).code).toBe(1);
    const rmAgain = await s.run("rm", ["db/password"]);
    expect(rmAgain.code).toBe(6);
    expect(rmAgain.err).toContain("no entry named 'db/password'");
    const getMissing = await s.get("db/password");
    expect(getMissing.code).toBe(6);
    expect(getMissing.out).toBe("");

    // purge asks; without a terminal and without --force it refuses and deletes nothing.
    const refused = await s.run("purge");
    expect(refused.code).toBe(1);
    expect(refused.err).toContain("--force");
    expect((await s.run("has", ["empty"])).code).toBe(0);
    const purge = await s.run("purge", ["--force"]);
    expect(purge.code).toBe(0);
    expect(purge.err).toContain("removed 2 entries");
    expect(JSON.parse((await s.run("stats")).out).items_count).toBe(0);
    expect((await s.run("ls", ["--passphrase-file", s.pass])).out).toBe("");
    // The vault survives a purge.
    expect((await s.set("after", "1")).code).toBe(0);
    expect((await s.get("after")).out).toBe("1");
  }, 30_000);

  test("wrong passphrase exits 3; missing vault exits 6; init twice exits 1; bad names exit 1", async () => {
    const s = scratch();
    expect((await s.run("has", ["x"])).code).toBe(6);
    expect((await s.set("x", "v")).code).toBe(6);
    expect((await s.init()).code).toBe(0);
    const again = await s.init();
    expect(again.code).toBe(1);
    expect(again.err).toContain("already exists");
    expect((await s.set("x", "v")).code).toBe(0);
    const wrong = s.file("wrong", "not the passphrase\n");
    const bad = await s.run("get", ["x", "--passphrase-file", wrong]);
    expect(bad.code).toBe(3);
    expect(bad.out).toBe("");
    expect(bad.err.trim().split("\n")).toHaveLength(1);
    expect((await s.run("ls", ["--passphrase-file", wrong])).code).toBe(3);
    expect((await s.set("two\nlines", "v")).code).toBe(1);
    expect((await s.set("", "v")).code).toBe(1);
    expect((await s.run("set", [])).code).toBe(1);
    expect((await s.run("get", ["x", "--bogus"])).code).toBe(1);
  }, 30_000);

  test("has and stats need no native shim (nothing secret is touched)", async () => {
    const s = scratch();
    await s.init();
    await s.set("present", "v");
    const env = { SMEM_SHIM_PATH: join(s.dir, "no-such-shim.so") };
    expect((await s.run("has", ["present"], { env })).code).toBe(0);
    expect((await s.run("has", ["absent"], { env })).code).toBe(1);
    expect(JSON.parse((await s.run("stats", [], { env })).out).items_count).toBe(1);
    // Control: a verb that does load the shim fails on that path (exit 5).
    const set = await s.run("set", ["x"], { env, stdin: "v" });
    expect(set.code).toBe(5);
    expect(set.err).toContain("no-such-shim.so");
  }, 30_000);

  test("I/O failures exit 4 and change nothing", async () => {
    const s = scratch();
    await s.init();
    await s.set("kept", "v");
    const g = currentGeneration(s.vault);
    // entries/ replaced by a file: nothing can be written or read in it (root ignores modes).
    renameSync(g.entries, `${g.entries}.saved`);
    writeFileSync(g.entries, "not a directory");
    const set = await s.set("new", "v");
    expect(set.code).toBe(4);
    expect(set.err.trim().split("\n")).toHaveLength(1);
    const get = await s.get("kept");
    expect([get.code, get.out]).toEqual([4, ""]);
    rmSync(g.entries);
    renameSync(`${g.entries}.saved`, g.entries);
    expect((await s.get("kept")).out).toBe("v");
    expect((await s.run("has", ["new"])).code).toBe(1);
  }, 30_000);

  test("init refuses a directory that holds other files", async () => {
    const s = scratch();
    mkdirSync(s.vault);
    writeFileSync(join(s.vault, "notes.txt"), "mine");
    const r = await s.init();
    expect(r.code).toBe(1);
    expect(r.err).toContain("not empty");
    expect(readFileSync(join(s.vault, "notes.txt"), "utf8")).toBe("mine");
  }, 30_000);

  test("$SMEM_VAULT, --vault over it, and the XDG default", async () => {
    const s = scratch();
    const env = { SMEM_VAULT: s.vault };
    expect((await smem(["vault", "init", "--passphrase-file", s.pass, ...FAST_KDF], { env })).code).toBe(0);
    expect((await smem(["vault", "set", "a"], { env, stdin: "1" })).code).toBe(0);
    expect((await s.run("has", ["a"])).code).toBe(0);

    const other = join(s.dir, "other");
    expect(
      (await smem(["vault", "init", "--vault", other, "--passphrase-file", s.pass, ...FAST_KDF], { env }))
        .code,
    ).toBe(0);
    expect((await smem(["vault", "has", "a", "--vault", other], { env })).code).toBe(1);

    const xdg = join(s.dir, "xdg");
    const xenv = { SMEM_VAULT: undefined, XDG_DATA_HOME: xdg };
    expect(
      (await smem(["vault", "init", "--passphrase-file", s.pass, ...FAST_KDF], { env: xenv })).code,
    ).toBe(0);
    expect(existsSync(join(xdg, "smem", "vault", "version"))).toBe(true);
    expect((await smem(["vault", "set", "b"], { env: xenv, stdin: "2" })).code).toBe(0);
    const stats = JSON.parse((await smem(["vault", "stats"], { env: xenv })).out);
    expect(stats.directory_path).toBe(join(xdg, "smem", "vault"));
    expect(stats.items_count).toBe(1);
  }, 30_000);

  test("get -o writes the value atomically with mode 0600", async () => {
    const s = scratch();
    await s.init();
    await s.set("k", "value-bytes");
    const out = join(s.dir, "out.txt");
    writeFileSync(out, "old");
    const r = await s.get("k", ["-o", out]);
    expect(r.code).toBe(0);
    expect(r.out).toBe("");
    expect(readFileSync(out, "utf8")).toBe("value-bytes");
    expect(statSync(out).mode & 0o777).toBe(0o600);
    // A failed get leaves the target untouched.
    const wrong = s.file("wrong", "nope\n");
    expect((await s.run("get", ["k", "--passphrase-file", wrong, "-o", out])).code).toBe(3);
    expect(readFileSync(out, "utf8")).toBe("value-bytes");
  }, 30_000);

  test("--identity: a vault around a user-kept X-Wing identity", async () => {
    const s = scratch();
    const classical = await s.run("init", ["--identity", s.file("x25519.txt", identityFileText("x25519"))]);
    expect(classical.code).toBe(1);
    expect(classical.err).toContain("no X-Wing identity");
    const idFile = s.file("key.txt", identityFileText());
    const init = await s.run("init", ["--identity", idFile]);
    expect(init.code).toBe(0);
    expect(s.files().some((f) => f.endsWith("identity.age"))).toBe(false);
    expect((await s.set("n", "v1")).code).toBe(0);
    const got = await s.run("get", ["n", "--identity", idFile]);
    expect([got.code, got.out]).toEqual([0, "v1"]);
    expect((await s.run("ls", ["-i", idFile])).out).toBe("n\n");
    // Without the identity there is nothing to unlock with.
    const noId = await s.get("n");
    expect(noId.code).toBe(1);
    expect(noId.err).toContain("--identity");
    // Another identity cannot read it.
    const otherId = s.file("other.txt", identityFileText());
    expect((await s.run("get", ["n", "--identity", otherId])).code).toBe(3);
  }, 30_000);

  test("--identity with a passphrase-encrypted identity file from smem kem keygen", async () => {
    const s = scratch();
    const keyPass = s.file("key-pass", "identity file passphrase\n");
    const key = join(s.dir, "key.age");
    const keygen = await smem(["kem", "keygen", "--passphrase-file", keyPass, "-o", key]);
    expect(keygen.code).toBe(0);
    expect((await s.run("init", ["--identity", key, "--passphrase-file", keyPass])).code).toBe(0);
    expect((await s.set("n", "v2")).code).toBe(0);
    const got = await s.run("get", ["n", "--identity", key, "--passphrase-file", keyPass]);
    expect([got.code, got.out]).toEqual([0, "v2"]);
    const wrong = await s.run("get", ["n", "--identity", key, "--passphrase-file", s.pass]);
    expect([wrong.code, wrong.out]).toEqual([3, ""]);
  }, 30_000);

  test("rekey: new identity and salt, every entry re-encrypted, old passphrase retired when changed", async () => {
    const s = scratch();
    await s.init();
    for (const n of ["a", "b", "c"]) await s.set(n, `value-${n}`);
    const before = s.files().filter((f) => f.endsWith(".age"));
    const recipientBefore = s.files().find((f) => f.endsWith("recipient")) as string;
    const recBefore = readFileSync(join(s.vault, recipientBefore), "utf8");

    const r1 = await s.run("rekey", ["--passphrase-file", s.pass, ...FAST_KDF]);
    expect(r1.code).toBe(0);
    expect(r1.err).toContain("re-encrypted 3 entries");
    const after = s.files().filter((f) => f.endsWith(".age"));
    expect(after.filter((f) => before.includes(f))).toEqual([]);
    const recipientAfter = s.files().find((f) => f.endsWith("recipient")) as string;
    expect(readFileSync(join(s.vault, recipientAfter), "utf8")).not.toBe(recBefore);
    expect(s.files().filter((f) => /^g-[0-9a-f]{32}$/.test(f))).toHaveLength(1);
    for (const n of ["a", "b", "c"]) expect((await s.get(n)).out).toBe(`value-${n}`);

    const newPass = s.file("new-pass", "a brand new passphrase\n");
    const r2 = await s.run("rekey", [
      "--passphrase-file",
      s.pass,
      "--new-passphrase-file",
      newPass,
      ...FAST_KDF,
    ]);
    expect(r2.code).toBe(0);
    expect((await s.get("a")).code).toBe(3);
    const got = await s.run("get", ["a", "--passphrase-file", newPass]);
    expect([got.code, got.out]).toEqual([0, "value-a"]);
    expect((await s.run("ls", ["--passphrase-file", newPass])).out).toBe("a\nb\nc\n");

    // A wrong passphrase changes nothing.
    const r3 = await s.run("rekey", ["--passphrase-file", s.pass, ...FAST_KDF]);
    expect(r3.code).toBe(3);
    expect((await s.run("get", ["b", "--passphrase-file", newPass])).out).toBe("value-b");
  }, 30_000);

  test("purge on a terminal asks first: 'n' keeps everything, 'y' removes every entry", async () => {
    const s = scratch();
    await s.init();
    await s.set("one", "1");
    await s.set("two", "2");
    const base = [process.execPath, smemEntry, "vault", "purge", "--vault", s.vault];
    const no = runOnPty(
      base,
      [{ expect: "Delete all 2 entries" }, { send: "n\\r" }, { expect: "cancelled" }],
      childEnv(),
    );
    expect(no.status).toBe(1);
    expect((await s.run("has", ["one"])).code).toBe(0);
    const yes = runOnPty(
      base,
      [{ expect: "Delete all 2 entries" }, { send: "y\\r" }, { expect: "removed 2" }],
      childEnv(),
    );
    expect(yes.status).toBe(0);
    expect((await s.run("has", ["one"])).code).toBe(1);
    expect((await s.run("has", ["two"])).code).toBe(1);
  }, 30_000);

  test("a terminal: set prompts twice without echo; get refuses the terminal unless --show", () => {
    const s = scratch();
    const env = childEnv();
    const bun = process.execPath;
    const base = [bun, smemEntry, "vault"];
    const init = runOnPty(
      [...base, "init", "--vault", s.vault, ...FAST_KDF],
      [
        { expect: "New vault passphrase: " },
        { send: "pty pass\\r" },
        { expect: "Confirm passphrase: " },
        { send: "pty pass\\r" },
        { expect: "created a vault" },
      ],
      env,
    );
    expect(init.status).toBe(0);
    const set = runOnPty(
      [...base, "set", "typed", "--vault", s.vault],
      [
        { expect: "Value for 'typed': " },
        { send: "typed-secret\\r" },
        { expect: "Again: " },
        { send: "typed-secret\\r" },
      ],
      env,
    );
    expect(set.status).toBe(0);
    expect(set.output).not.toContain("typed-secret");
    writeFileSync(s.pass, "pty pass\n");
    const refused = runOnPty(
      [...base, "get", "typed", "--vault", s.vault, "--passphrase-file", s.pass],
      [{ expect: "refusing" }],
      env,
    );
    expect(refused.status).toBe(1);
    expect(refused.output).not.toContain("typed-secret");
    const shown = runOnPty(
      [...base, "get", "typed", "--show", "--vault", s.vault, "--passphrase-file", s.pass],
      [{ expect: "typed-secret" }],
      env,
    );
    expect(shown.status).toBe(0);
  }, 30_000);
});
