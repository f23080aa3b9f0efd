// `smem seal -r/-R` and `smem open -i` with public keys, through the CLI and against real age:
// Debian's age 1.1.1 (X25519) and age v1.3.1 (mlkem768x25519), both directions.
import { beforeAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { age131, debianAge, run, smem } from "../helpers/age-peers";

// Each test spawns several processes (and Argon2id at its 64 MiB default): slow on a busy runner.
setDefaultTimeout(60_000);

const dir = mkdtempSync(join(tmpdir(), "smem-seal-open-pk-"));
const path = (name: string) => join(dir, name);
const data = (n: number) => Buffer.from(new Uint8Array(n).map((_, i) => (i * 31 + 7) & 0xff));

let debian: { age: string; ageKeygen: string };
let pq: { age: string; ageKeygen: string };
beforeAll(() => {
  debian = debianAge();
  pq = age131();
}, 600_000);

function keygen(name: string, alg: string): { file: string; recipient: string } {
  const file = path(name);
  const r = smem(["kem", "keygen", "--alg", alg, "--no-passphrase", "-q", "-o", file]);
  expect(r.status).toBe(0);
  const recipient = smem(["kem", "pubkey", file]).stdout.toString().trim();
  return { file, recipient };
}

describe.each(["xwing", "x25519", "mlkem768"])("%s recipients", (alg) => {
  test.each([0, 1, 65536, 65537, 200_000])(
    "seal -r / open -i round-trips %i bytes (binary and armored)",
    (n) => {
      const { file, recipient } = keygen(`rt-${alg}-${n}.txt`, alg);
      const input = data(n);
      writeFileSync(path("in.bin"), input);
      for (const armor of [false, true]) {
        const out = path(`rt-${alg}-${n}-${armor}.age`);
        const s = smem(["seal", "-r", recipient, ...(armor ? ["-a"] : []), "-o", out, path("in.bin")]);
        expect(s.stderr).toBe("");
        expect(s.status).toBe(0);
        const o = smem(["open", "-i", file, out]);
        expect(o.stderr).toBe("");
        expect(o.status).toBe(0);
        expect(o.stdout.equals(input)).toBe(true);
      }
    },
  );

  test("another identity cannot open it: exit 3, nothing written", () => {
    const a = keygen(`wrong-a-${alg}.txt`, alg);
    const b = keygen(`wrong-b-${alg}.txt`, alg);
    const sealed = smem(["seal", "-r", a.recipient], data(1000));
    expect(sealed.status).toBe(0);
    writeFileSync(path(`wrong-${alg}.age`), sealed.stdout);
    const o = smem(["open", "-i", b.file, "-o", path(`wrong-${alg}.out`), path(`wrong-${alg}.age`)]);
    expect(o.status).toBe(3);
    expect(existsSync(path(`wrong-${alg}.out`))).toBe(false);
  });
});

describe("recipients files, several recipients, mixing", () => {
  test("-R with comments and two post-quantum recipients: either identity opens the file", () => {
    const a = keygen("multi-a.txt", "xwing");
    const b = keygen("multi-b.txt", "mlkem768");
    writeFileSync(path("team.pub"), `# backup keys\n\n${a.recipient}\n# second\n${b.recipient}\n`);
    const s = smem(["seal", "-R", path("team.pub"), "-o", path("multi.age")], undefined);
    expect(s.status).toBe(0);
    expect(smem(["open", "-i", path("in-missing.txt"), path("multi.age")]).status).toBe(6);
    for (const id of [a.file, b.file]) {
      const o = smem(["open", "-i", id, path("multi.age")], undefined);
      expect(o.status).toBe(0);
    }
  });

  test("post-quantum and X25519 recipients are refused together unless --allow-classical", () => {
    const a = keygen("mix-pq.txt", "xwing");
    const b = keygen("mix-x.txt", "x25519");
    const refused = smem(["seal", "-r", a.recipient, "-r", b.recipient, "-o", path("mix.age")], data(10));
    expect(refused.status).toBe(1);
    expect(refused.stderr).toContain("--allow-classical");
    expect(existsSync(path("mix.age"))).toBe(false);
    const ok = smem(
      ["seal", "--allow-classical", "-r", a.recipient, "-r", b.recipient, "-o", path("mix.age")],
      data(10),
    );
    expect(ok.status).toBe(0);
    expect(smem(["open", "-i", b.file, path("mix.age")]).stdout.equals(data(10))).toBe(true);
  });

  test("encrypted identity file: right passphrase opens, wrong one exits 3 and decrypts nothing", () => {
    writeFileSync(path("pw"), "identity pass\n");
    writeFileSync(path("pw-bad"), "identity pas\n");
    const k = smem(["kem", "keygen", "--passphrase-file", path("pw"), "-o", path("enc-id.age")]);
    expect(k.status).toBe(0);
    const recipient = (k.stderr.match(/Public key: (\S+)/) as RegExpMatchArray)[1] as string;
    expect(smem(["seal", "-r", recipient, "-o", path("enc.age")], data(5000)).status).toBe(0);
    const good = smem(["open", "-i", path("enc-id.age"), "--passphrase-file", path("pw"), path("enc.age")]);
    expect(good.status).toBe(0);
    expect(good.stdout.equals(data(5000))).toBe(true);
    const bad = smem([
      "open",
      "-i",
      path("enc-id.age"),
      "--passphrase-file",
      path("pw-bad"),
      "-o",
      path("enc.out"),
      path("enc.age"),
    ]);
    expect(bad.status).toBe(3);
    expect(bad.stdout.length).toBe(0);
    expect(existsSync(path("enc.out"))).toBe(false);
  });
});

describe("real age, both ways, through the CLI", () => {
  test.each([
    ["x25519", "Debian age 1.1.1"],
    ["x25519", "age v1.3.1"],
    ["xwing", "age v1.3.1"],
  ])("%s with %s", (alg, peerName) => {
    const peer = peerName === "Debian age 1.1.1" ? debian : pq;
    const input = data(150_000);
    writeFileSync(path("peer-in.bin"), input);
    // smem → age
    const mine = keygen(`peer-smem-${alg}-${peerName.length}.txt`, alg);
    expect(smem(["seal", "-r", mine.recipient, "-o", path("to-age.age"), path("peer-in.bin")]).status).toBe(
      0,
    );
    const dec = run([peer.age, "-d", "-i", mine.file, path("to-age.age")]);
    expect(dec.stderr).toBe("");
    expect(dec.stdout.equals(input)).toBe(true);
    // age → smem (age's own key file, as age-keygen writes it)
    const theirs = path(`peer-age-${alg}-${peerName.length}.txt`);
    expect(run([peer.ageKeygen, ...(alg === "xwing" ? ["-pq"] : []), "-o", theirs]).status).toBe(0);
    const recipient = run([peer.ageKeygen, "-y", theirs]).stdout.toString().trim();
    expect(
      run([peer.age, "-r", recipient, "-a", "-o", path("from-age.age"), path("peer-in.bin")]).status,
    ).toBe(0);
    const o = smem(["open", "-i", theirs, path("from-age.age")]);
    expect(o.stderr).toBe("");
    expect(o.stdout.equals(input)).toBe(true);
    expect(readFileSync(path("from-age.age"), "utf8").startsWith("-----BEGIN AGE ENCRYPTED FILE-----")).toBe(
      true,
    );
  });
});
