// smem's public-key stanzas against real age, both ways, at the file level (core API; the CLI
// suite does the same through `smem seal`/`smem open`): Debian's age 1.1.1 for X25519, age
// v1.3.1 (built from its Go module) for mlkem768x25519. Peers are set up, never skipped.
import { beforeAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { LockedBuffer } from "../../core";
import {
  formatIdentityFile,
  generateIdentity,
  parseIdentityFile,
  parseRecipientString,
  recipientString,
} from "../../core/age/keys";
import { openBytes, sealBytes } from "../../core/age/sealed-bytes";
import { age131, debianAge, run } from "../helpers/age-peers";

// Each test spawns several processes (and Argon2id at its 64 MiB default): slow on a busy runner.
setDefaultTimeout(60_000);

const dir = mkdtempSync(join(tmpdir(), "smem-age-peers-"));
const path = (name: string) => join(dir, name);
const message = (n: number) => new Uint8Array(n).map((_, i) => (i * 7 + 3) & 0xff);

let debian: { age: string; ageKeygen: string };
let pq: { age: string; ageKeygen: string };
beforeAll(() => {
  debian = debianAge();
  pq = age131();
}, 600_000);

describe.each([
  ["x25519", "Debian age 1.1.1"],
  ["x25519", "age v1.3.1"],
  ["xwing", "age v1.3.1"],
] as const)("%s with %s", (kind, peerName) => {
  const peer = () => (peerName === "Debian age 1.1.1" ? debian : pq);

  test.each([0, 1, 65536, 65537])("smem encrypts %i bytes, age decrypts", (size) => {
    using id = generateIdentity(kind);
    using idFile = formatIdentityFile(id);
    writeFileSync(path(`id-${kind}.txt`), idFile.bytes(), { mode: 0o600 });
    const plain = message(size);
    const file = sealBytes([id.recipient()], plain, { armor: size === 1 });
    writeFileSync(path("to-age.age"), file);
    const r = run([peer().age, "-d", "-i", path(`id-${kind}.txt`), path("to-age.age")]);
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    expect(Buffer.compare(r.stdout, Buffer.from(plain))).toBe(0);
  });

  test.each([0, 100, 65536, 200000])("age encrypts %i bytes, smem decrypts", (size) => {
    const keyFile = path(`age-key-${kind}-${peerName.replace(/\W/g, "")}-${size}.txt`);
    const gen = run([peer().ageKeygen, ...(kind === "xwing" ? ["-pq"] : []), "-o", keyFile]);
    expect(gen.status).toBe(0);
    const recipient = run([peer().ageKeygen, "-y", keyFile]).stdout.toString().trim();
    const plain = message(size);
    writeFileSync(path("plain.bin"), plain);
    const enc = run([peer().age, "-r", recipient, "-o", path("from-age.age"), path("plain.bin")]);
    expect(enc.stderr).toBe("");
    expect(enc.status).toBe(0);
    const ids = parseIdentityFile(new Uint8Array(readFileSync(keyFile)), keyFile);
    try {
      expect(recipientString(ids[0]?.recipient() as never)).toBe(recipient);
      using out = openBytes(new Uint8Array(readFileSync(path("from-age.age"))), ids);
      expect(Buffer.compare(Buffer.from(out.bytes()), Buffer.from(plain))).toBe(0);
    } finally {
      for (const i of ids) i.destroy();
    }
  });
});

test("an X-Wing stanza stripped of its label (--allow-classical) beside X25519 opens in age v1.3.1", () => {
  using pqId = generateIdentity("xwing");
  using xId = generateIdentity("x25519");
  using f = formatIdentityFile(xId);
  writeFileSync(path("mix-x.txt"), f.bytes(), { mode: 0o600 });
  // A stripped-label PQ recipient (smem seal --allow-classical) mixes with X25519.
  const pqRecipient = parseRecipientString(recipientString(pqId.recipient()));
  const file = sealBytes([{ wrap: (k: LockedBuffer) => pqRecipient.wrap(k) }, xId.recipient()], message(10));
  writeFileSync(path("mix.age"), file);
  const r = run([pq.age, "-d", "-i", path("mix-x.txt"), path("mix.age")]);
  expect(r.status).toBe(0);
  expect(Buffer.compare(r.stdout, Buffer.from(message(10)))).toBe(0);
});
