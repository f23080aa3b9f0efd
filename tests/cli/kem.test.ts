// smem kem keygen / pubkey / encaps / decaps through the real CLI, and age-keygen's files.
import { beforeAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import { mkdtempSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { age131, debianAge, run, smem } from "../helpers/age-peers";
import { runOnPty } from "../helpers/pty";

// Each test spawns several processes (and Argon2id at its 64 MiB default): slow on a busy runner.
setDefaultTimeout(60_000);

const dir = mkdtempSync(join(tmpdir(), "smem-kem-cli-"));
const path = (name: string) => join(dir, name);
const mode = (p: string) => statSync(p).mode & 0o777;

function keygen(name: string, alg: string): { file: string; recipient: string } {
  const file = path(name);
  const r = smem(["kem", "keygen", "--alg", alg, "--no-passphrase", "-o", file]);
  expect(r.stderr).toContain("Public key: ");
  expect(r.status).toBe(0);
  const recipient = (r.stderr.match(/Public key: (\S+)/) as RegExpMatchArray)[1] as string;
  return { file, recipient };
}

describe.each(["xwing", "mlkem768", "x25519"])("smem kem keygen --alg %s --no-passphrase", (alg) => {
  test("writes an age-keygen style file (mode 0600) whose pubkey is the printed recipient", () => {
    const { file, recipient } = keygen(`id-${alg}.txt`, alg);
    expect(mode(file)).toBe(0o600);
    const lines = readFileSync(file, "utf8").split("\n");
    expect(lines[0]).toMatch(/^# created: \d{4}-\d\d-\d\dT/);
    expect(lines[1]).toBe(`# public key: ${recipient}`);
    const prefix = {
      xwing: "AGE-SECRET-KEY-PQ-1",
      mlkem768: "SMEM-SECRET-KEY-MLKEM-1",
      x25519: "AGE-SECRET-KEY-1",
    };
    expect(lines[2]?.startsWith(prefix[alg as keyof typeof prefix])).toBe(true);
    const pub = smem(["kem", "pubkey", file]);
    expect(pub.status).toBe(0);
    expect(pub.stdout.toString()).toBe(`${recipient}\n`);
  });

  test("never overwrites an existing file", () => {
    const file = path(`exists-${alg}.txt`);
    writeFileSync(file, "keep me\n");
    const r = smem(["kem", "keygen", "--alg", alg, "--no-passphrase", "-o", file]);
    expect(r.status).toBe(4);
    expect(r.stderr).toContain("already exists");
    expect(readFileSync(file, "utf8")).toBe("keep me\n");
  });
});

describe("smem kem encaps / decaps", () => {
  test.each(["xwing", "mlkem768"])("%s: equal 32-byte secrets via files and fds; files are 0600", (alg) => {
    const { file, recipient } = keygen(`kem-${alg}.txt`, alg);
    const e = smem(["kem", "encaps", recipient, "-o", path(`${alg}.ct`), "--secret-out", path(`${alg}.s1`)]);
    expect(e.status).toBe(0);
    expect(statSync(path(`${alg}.ct`)).size).toBe(alg === "xwing" ? 1120 : 1088);
    const d = smem(["kem", "decaps", "-i", file, path(`${alg}.ct`), "--secret-out", path(`${alg}.s2`)]);
    expect(d.status).toBe(0);
    const s1 = readFileSync(path(`${alg}.s1`));
    expect(s1.length).toBe(32);
    expect(readFileSync(path(`${alg}.s2`)).equals(s1)).toBe(true);
    expect(mode(path(`${alg}.s1`))).toBe(0o600);
    expect(mode(path(`${alg}.s2`))).toBe(0o600);
    // fd form: ciphertext through stdin/stdout, secret on fd 3.
    const viaFd = run([
      "bash",
      "-c",
      `"$0" cmd/main.ts kem encaps "$1" --secret-fd 3 3>"$2" >"$3" && "$0" cmd/main.ts kem decaps -i "$4" --secret-fd 4 <"$3" 4>"$5"`,
      process.execPath,
      recipient,
      path(`${alg}.f1`),
      path(`${alg}.fct`),
      file,
      path(`${alg}.f2`),
    ]);
    expect(viaFd.stderr).toBe("");
    expect(viaFd.status).toBe(0);
    expect(readFileSync(path(`${alg}.f1`)).equals(readFileSync(path(`${alg}.f2`)))).toBe(true);
    expect(readFileSync(path(`${alg}.f1`)).equals(s1)).toBe(false);
  });

  test("another identity decapsulates to a different secret (implicit rejection)", () => {
    const a = keygen("ir-a.txt", "xwing");
    const b = keygen("ir-b.txt", "xwing");
    expect(
      smem(["kem", "encaps", a.recipient, "-o", path("ir.ct"), "--secret-out", path("ir.s")]).status,
    ).toBe(0);
    const d = smem(["kem", "decaps", "-i", b.file, path("ir.ct"), "--secret-out", path("ir.wrong")]);
    expect(d.status).toBe(0);
    const wrong = readFileSync(path("ir.wrong"));
    expect(wrong.length).toBe(32);
    expect(wrong.equals(readFileSync(path("ir.s")))).toBe(false);
  });

  test("usage errors: no secret target, both targets, X25519 recipient, wrong ciphertext size", () => {
    const { file, recipient } = keygen("usage.txt", "xwing");
    const x = keygen("usage-x.txt", "x25519");
    expect(smem(["kem", "encaps", recipient, "-o", path("u.ct")]).status).toBe(1);
    const both = smem(["kem", "encaps", recipient, "--secret-out", path("u.s"), "--secret-fd", "1"]);
    expect(both.status).toBe(1);
    expect(smem(["kem", "encaps", x.recipient, "--secret-out", path("u.s")]).status).toBe(1);
    expect(smem(["kem", "encaps", "age1pq1garbage", "--secret-out", path("u.s")]).status).toBe(2);
    writeFileSync(path("short.ct"), new Uint8Array(1000));
    const d = smem(["kem", "decaps", "-i", file, path("short.ct"), "--secret-out", path("u.s2")]);
    expect(d.status).toBe(1);
    expect(d.stderr).toContain("1000 bytes");
    expect(
      smem(["kem", "decaps", "-i", path("missing.txt"), path("short.ct"), "--secret-out", path("u.s3")])
        .status,
    ).toBe(6);
  });
});

describe("composing with smem stream (DESIGN 7.4)", () => {
  test("encaps → stream seal under the secret; decaps → stream open under the recovered secret", () => {
    const { file, recipient } = keygen("compose.txt", "xwing");
    const input = Buffer.from(new Uint8Array(100_000).map((_, i) => (i * 13) & 0xff));
    writeFileSync(path("compose.in"), input);
    const e = smem([
      "kem",
      "encaps",
      recipient,
      "-o",
      path("compose.ct"),
      "--secret-out",
      path("compose.key1"),
    ]);
    expect(e.status).toBe(0);
    const s = smem([
      "stream",
      "seal",
      "--key-file",
      path("compose.key1"),
      "-o",
      path("compose.smst"),
      path("compose.in"),
    ]);
    expect(s.stderr).toBe("");
    expect(s.status).toBe(0);
    const d = smem(["kem", "decaps", "-i", file, path("compose.ct"), "--secret-out", path("compose.key2")]);
    expect(d.status).toBe(0);
    const o = smem(["stream", "open", "--key-file", path("compose.key2"), path("compose.smst")]);
    expect(o.status).toBe(0);
    expect(o.stdout.equals(input)).toBe(true);
    // Another identity recovers a different secret, under which the stream does not open.
    const other = keygen("compose-other.txt", "xwing");
    const w = smem([
      "kem",
      "decaps",
      "-i",
      other.file,
      path("compose.ct"),
      "--secret-out",
      path("compose.key3"),
    ]);
    expect(w.status).toBe(0);
    const bad = smem(["stream", "open", "--key-file", path("compose.key3"), path("compose.smst")]);
    expect(bad.status).toBe(3);
    expect(bad.stdout.length).toBe(0);
  });
});

describe("identity files written by age-keygen", () => {
  let debian: { ageKeygen: string };
  let pq: { ageKeygen: string };
  beforeAll(() => {
    debian = debianAge();
    pq = age131();
  }, 600_000);

  test("Debian age-keygen (X25519): smem kem pubkey agrees with age-keygen -y", () => {
    const file = path("debian-age.txt");
    expect(run([debian.ageKeygen, "-o", file]).status).toBe(0);
    const expected = run([debian.ageKeygen, "-y", file]).stdout.toString();
    expect(smem(["kem", "pubkey", file]).stdout.toString()).toBe(expected);
  });

  test("age v1.3.1 age-keygen -pq: smem kem pubkey agrees with age-keygen -y", () => {
    const file = path("age131-pq.txt");
    expect(run([pq.ageKeygen, "-pq", "-o", file]).status).toBe(0);
    const expected = run([pq.ageKeygen, "-y", file]).stdout.toString();
    expect(expected.startsWith("age1pq1")).toBe(true);
    expect(smem(["kem", "pubkey", file]).stdout.toString()).toBe(expected);
  });

  test("age-keygen -y reads smem's clear identity files", () => {
    for (const alg of ["x25519", "xwing"]) {
      const { file, recipient } = keygen(`for-age-${alg}.txt`, alg);
      const y = run([pq.ageKeygen, "-y", file]);
      expect(y.stdout.toString()).toBe(`${recipient}\n`);
    }
  });
});

describe("passphrase-encrypted identity files (the keygen default)", () => {
  const pw = path("pw.txt");
  const bad = path("bad.txt");
  writeFileSync(pw, "correct horse battery staple\n");
  writeFileSync(bad, "correct horse battery stapler\n");

  test("keygen encrypts with smem-argon2id (armored); pubkey/decaps unlock it; a wrong passphrase exits 3", () => {
    const file = path("enc-id.age");
    const k = smem(["kem", "keygen", "--passphrase-file", pw, "-o", file]);
    expect(k.status).toBe(0);
    const recipient = (k.stderr.match(/Public key: (age1pq1\S+)/) as RegExpMatchArray)[1] as string;
    const text = readFileSync(file, "utf8");
    expect(text.startsWith("-----BEGIN AGE ENCRYPTED FILE-----\n")).toBe(true);
    expect(text).not.toContain("AGE-SECRET-KEY");
    expect(Buffer.from(text.split("\n").slice(1, -2).join(""), "base64").toString("latin1")).toContain(
      "-> smem-argon2id ",
    );
    expect(mode(file)).toBe(0o600);
    expect(smem(["kem", "pubkey", "--passphrase-file", pw, file]).stdout.toString()).toBe(`${recipient}\n`);

    const wrong = smem(["kem", "pubkey", "--passphrase-file", bad, file]);
    expect(wrong.status).toBe(3);
    expect(wrong.stdout.length).toBe(0);

    expect(
      smem(["kem", "encaps", recipient, "-o", path("enc.ct"), "--secret-out", path("enc.s1")]).status,
    ).toBe(0);
    const d = smem([
      "kem",
      "decaps",
      "-i",
      file,
      "--passphrase-file",
      pw,
      path("enc.ct"),
      "--secret-out",
      path("enc.s2"),
    ]);
    expect(d.status).toBe(0);
    expect(readFileSync(path("enc.s2")).equals(readFileSync(path("enc.s1")))).toBe(true);
    const dw = smem([
      "kem",
      "decaps",
      "-i",
      file,
      "--passphrase-file",
      bad,
      path("enc.ct"),
      "--secret-out",
      path("enc.s3"),
    ]);
    expect(dw.status).toBe(3);
    expect(() => statSync(path("enc.s3"))).toThrow();
  });

  test("keygen without a terminal or passphrase source fails cleanly (exit 5) and writes nothing", () => {
    const file = path("no-tty.age");
    // setsid: no controlling terminal, so there is nobody to prompt.
    const env = { ...process.env };
    delete env.SMEM_PASSPHRASE;
    const r = run(
      ["setsid", "-w", process.execPath, "cmd/main.ts", "kem", "keygen", "-o", file],
      undefined,
      env,
    );
    expect(r.stderr).toContain("terminal");
    expect(r.status).toBe(5);
    expect(() => statSync(file)).toThrow();
  });
});

describe("passphrases at the terminal", () => {
  test("keygen asks twice, pubkey asks once; an `age -p` encrypted identity file unlocks too", () => {
    const { ageKeygen, age } = debianAge();
    const file = path("pty-id.age");
    const bun = process.execPath;
    const main = join(import.meta.dir, "..", "..", "cmd", "main.ts");
    const env = { ...process.env };
    delete env.SMEM_PASSPHRASE;
    const k = runOnPty(
      [bun, main, "kem", "keygen", "-o", file],
      [
        { expect: "Passphrase for the new identity file" },
        { send: "typed secret\r" },
        { expect: "Confirm" },
        { send: "typed secret\r" },
        { expect: "Public key: age1pq1" },
      ],
      env,
    );
    expect(k.status).toBe(0);
    expect(k.output).not.toContain("typed secret");
    const p = runOnPty(
      [bun, main, "kem", "pubkey", file],
      [{ expect: "Passphrase for identity file" }, { send: "typed secret\r" }, { expect: "age1pq1" }],
      env,
    );
    expect(p.status).toBe(0);

    const plain = path("for-age-p.txt");
    expect(run([ageKeygen, "-o", plain]).status).toBe(0);
    const encrypted = path("age-p.age");
    const a = runOnPty(
      [age, "-p", "-o", encrypted, plain],
      [{ expect: "passphrase" }, { send: "age pass\r" }, { expect: "onfirm" }, { send: "age pass\r" }],
      env,
    );
    expect(a.status).toBe(0);
    writeFileSync(path("age-pass.txt"), "age pass\n");
    const pub = smem(["kem", "pubkey", "--passphrase-file", path("age-pass.txt"), encrypted]);
    expect(pub.stderr).toBe("");
    expect(pub.stdout.toString()).toBe(run([ageKeygen, "-y", plain]).stdout.toString());
  }, 60_000);
});
