// docs/FORMAT.md "Raw stream / Worked example": recomputed by Node's OpenSSL (an independent HKDF
// and ChaCha20-Poly1305; Bun's crypto has no ChaCha20-Poly1305), then checked against smem's own
// writer and reader.
import { expect, test } from "bun:test";
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { LockedBuffer } from "../../core/locked-buffer";
import { BytesSource, CollectSink, openRawStream, sealRawStream } from "../../core/stream";
import { repoRoot } from "../helpers/paths";

const key = Uint8Array.from({ length: 32 }, (_, i) => i);
const nonce = Uint8Array.from({ length: 16 }, (_, i) => 0xa0 + i);
const plain = Buffer.from("hello, smem\n");
const DOC_PAYLOAD_KEY = "9378eca4f301b833512f10a3b10e8d483fd42c5a7b206bd369076384936231c3";
const DOC_STREAM =
  "736d656d2d73747265616d2f76310a" +
  "a0a1a2a3a4a5a6a7a8a9aaabacadaeaf" +
  "db2b3da2ad1a22009e1f058641c277efa0dc080eb94f4d5512deb3a0";

test("the worked example recomputes independently and smem writes and reads exactly it", async () => {
  const script = `
    const { hkdfSync, createCipheriv } = require("node:crypto");
    const key = Buffer.from([...Array(32).keys()]);
    const nonce = Buffer.from(Array.from({ length: 16 }, (_, i) => 0xa0 + i));
    const pk = Buffer.from(hkdfSync("sha256", key, nonce, Buffer.from("smem-stream/v1 payload"), 32));
    const n = Buffer.alloc(12); n[11] = 1;
    const c = createCipheriv("chacha20-poly1305", pk, n, { authTagLength: 16 });
    const ct = Buffer.concat([c.update(Buffer.from("hello, smem\\n")), c.final(), c.getAuthTag()]);
    process.stdout.write(pk.toString("hex") + " " + Buffer.concat([Buffer.from("smem-stream/v1\\n"), nonce, ct]).toString("hex"));
  `;
  const r = spawnSync("node", ["-e", script], { encoding: "utf8" });
  expect(r.stderr).toBe("");
  const [pk, independent] = r.stdout.split(" ");
  expect(pk).toBe(DOC_PAYLOAD_KEY);
  expect(independent).toBe(DOC_STREAM);

  using k = LockedBuffer.fromBytes(key.slice());
  const sink = new CollectSink();
  await sealRawStream(k, new BytesSource(plain), sink, { nonce });
  expect(Buffer.from(sink.bytes()).toString("hex")).toBe(DOC_STREAM);
  const back = new CollectSink();
  await openRawStream(k, new BytesSource(Buffer.from(DOC_STREAM, "hex")), back);
  expect(Buffer.from(back.bytes()).equals(plain)).toBe(true);

  // The document shows these exact bytes.
  const doc = readFileSync(join(repoRoot, "docs", "FORMAT.md"), "utf8");
  expect(doc).toContain(DOC_PAYLOAD_KEY);
  expect(doc).toContain("db2b3da2ad1a22009e1f058641c277efa0dc080eb94f4d5512deb3a0");
});
