// The worked smem-argon2id example of docs/FORMAT.md, checked two ways: smem opens it to the
// documented file key, and an independent recomputation (hash-wasm Argon2id, node:crypto SHA3,
// HKDF, HMAC; ChaCha20-Poly1305 by Node's OpenSSL) reproduces every documented intermediate value.
import { describe, expect, test } from "bun:test";
import { spawnSync } from "node:child_process";
import crypto from "node:crypto";
import { argon2id } from "hash-wasm";
import { Argon2idIdentity, LockedBuffer, parseHeader, unwrapFileKey, utf8 } from "../../core";

const PASSPHRASE = "correct horse battery staple";
const SALT = Uint8Array.from({ length: 16 }, (_, i) => i);
const FILE_KEY = "YELLOW SUBMARINE";
const K0 = "57ed91505e450427eb98fea5d50b8596368029c88aceba43e5057928106b4548";
const WRAP_KEY = "e10fef8f2ac0d598eb175e7e09091ed900fe61f8863d4e441b71ec16127585e8";
const MAC_KEY = "a4bf3b9f4e908993e678eb71e558faedac5829d1d632c50225217c066fec77d2";
const HEADER = [
  "age-encryption.org/v1",
  "-> smem-argon2id AAECAwQFBgcICQoLDA0ODw 64 2 3",
  "m7LP4qO+IpPWXEPgvjejoYJSXYGl/RKxNpUsNEsBli4",
  "--- DyqUbQKIkXQKGc/n9XpWUBS/T7WGEzepyuBmO6NGHjY",
  "",
].join("\n");

describe("docs/FORMAT.md smem-argon2id worked example", () => {
  test("smem opens it to the documented file key", () => {
    using pw = LockedBuffer.fromBytes(utf8(PASSPHRASE));
    const h = parseHeader(utf8(HEADER), true);
    if (!h) throw new Error("unreachable");
    using fileKey = unwrapFileKey(h, [new Argon2idIdentity(pw)]);
    expect(new TextDecoder().decode(fileKey.bytes())).toBe(FILE_KEY);
  });

  test("independent recomputation of every step", async () => {
    const salt = Buffer.concat([Buffer.from("smem-argon2id"), SALT]);
    const k0 = Buffer.from(
      await argon2id({
        password: PASSPHRASE,
        salt,
        parallelism: 1,
        iterations: 2,
        memorySize: 64,
        hashLength: 32,
        outputType: "binary",
      }),
    );
    expect(k0.toString("hex")).toBe(K0);
    let h = k0;
    for (let i = 0; i < 3; i++) h = crypto.createHash("sha3-256").update(h).digest();
    expect(h.toString("hex")).toBe(WRAP_KEY);
    expect(chacha20Poly1305ViaNode(h, Buffer.from(FILE_KEY))).toBe(HEADER.split("\n")[2] as string);
    const macKey = Buffer.from(
      crypto.hkdfSync("sha256", Buffer.from(FILE_KEY), Buffer.alloc(0), "header", 32),
    );
    expect(macKey.toString("hex")).toBe(MAC_KEY);
    const covered = HEADER.slice(0, HEADER.lastIndexOf("---") + 3);
    const mac = crypto.createHmac("sha256", macKey).update(covered).digest("base64").replace(/=+$/, "");
    expect(`--- ${mac}`).toBe(HEADER.split("\n")[3] as string);
  });
});

/** ChaCha20-Poly1305 (zero nonce) by Node's OpenSSL (Bun's node:crypto lacks it): unpadded base64. */
function chacha20Poly1305ViaNode(key: Buffer, plaintext: Buffer): string {
  const script = `
    const c = require("node:crypto").createCipheriv("chacha20-poly1305", Buffer.from(process.argv[1], "hex"), Buffer.alloc(12), { authTagLength: 16 });
    const out = Buffer.concat([c.update(Buffer.from(process.argv[2], "hex")), c.final(), c.getAuthTag()]);
    process.stdout.write(out.toString("base64").replace(/=+$/, ""));`;
  const r = spawnSync("node", ["-e", script, key.toString("hex"), plaintext.toString("hex")], {
    encoding: "utf8",
  });
  if (r.status !== 0) throw new Error(`node failed: ${r.stderr}`);
  return r.stdout;
}
