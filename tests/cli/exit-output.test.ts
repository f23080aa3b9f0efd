// A finished command may end without the runtime's teardown (core/exit.ts). Nothing it wrote may
// be lost by that: stdout into a pipe whose reader is slow (so writes wait on the pipe for most
// of the run) arrives whole from `seal` and `open`, with the status 0, and the same holds when a
// warning on stderr makes the command take the ordinary exit.
import { afterAll, beforeAll, expect, setDefaultTimeout, test } from "bun:test";
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { noMlockPrefix } from "../helpers/no-mlock";
import { runSmem, smemArgv, smemEnv } from "../helpers/smem";

setDefaultTimeout(60_000);

const dir = mkdtempSync(join(tmpdir(), "smem-exit-output-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const path = (name: string) => join(dir, name);

// 8 MiB: far beyond a pipe's 64 KiB, so most of it is written while the reader is asleep.
const input = Buffer.from(new Uint8Array(8 << 20).map((_, i) => (i * 131 + (i >> 12)) & 0xff));
const sha256 = (bytes: Uint8Array) => createHash("sha256").update(bytes).digest("hex");
const quote = (s: string) => `'${s.split("'").join("'\\''")}'`;

let identity = "";
let recipient = "";
beforeAll(() => {
  identity = path("id.txt");
  expect(runSmem(["kem", "keygen", "--alg", "x25519", "--no-passphrase", "-q", "-o", identity]).status).toBe(
    0,
  );
  recipient = runSmem(["kem", "pubkey", identity]).stdout.toString().trim();
  writeFileSync(path("in.bin"), input);
});

/** `prefix smem args | { sleep; reader; }`: smem's status, and what the reader printed. */
function throughSlowPipe(args: string[], reader: string, prefix: string[] = []) {
  const command = [...prefix, ...smemArgv(args)].map(quote).join(" ");
  const script = `${command} | { sleep 0.4; ${reader}; }; echo "status \${PIPESTATUS[0]}" >&2`;
  const r = spawnSync("bash", ["-c", script], { env: smemEnv(), encoding: "utf8", timeout: 60_000 });
  const status = /status (\d+)/.exec(r.stderr)?.[1] ?? `none (${r.stderr})`;
  return { status, stdout: r.stdout, stderr: r.stderr };
}

test("seal to a slow pipe, then open to a slow pipe: every byte arrives, status 0", () => {
  const sealed = throughSlowPipe(
    ["seal", "-r", recipient, path("in.bin")],
    `cat > ${quote(path("sealed.age"))}`,
  );
  expect(sealed.status).toBe("0");
  // A cut age file does not open: this authenticates every chunk and the final one.
  const check = runSmem(["open", "-i", identity, "-o", path("check.bin"), path("sealed.age")]);
  expect(check.stderr).toBe("");
  expect(check.status).toBe(0);
  expect(sha256(readFileSync(path("check.bin")))).toBe(sha256(input));

  const opened = throughSlowPipe(["open", "-i", identity, path("sealed.age")], "sha256sum");
  expect(opened.status).toBe("0");
  expect(opened.stdout.split(" ")[0]).toBe(sha256(input));
});

test("with a warning on stderr (memory not locked), open to a slow pipe is still whole", () => {
  const prefix = noMlockPrefix();
  if (typeof prefix === "string") throw new Error(`cannot refuse mlock here: ${prefix}`);
  const opened = throughSlowPipe(["open", "-i", identity, path("sealed.age")], "sha256sum", prefix);
  expect(opened.stderr).toContain("memory could not be locked");
  expect(opened.status).toBe("0");
  expect(opened.stdout.split(" ")[0]).toBe(sha256(input));
});
