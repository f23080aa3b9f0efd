// The shim's build inputs as one hash: Zig version, libsodium source hash and every file under
// zig-shim/ except build outputs. setup.mjs (host build) and the release builds (one per target)
// stamp their output directory with it, so an unchanged shim is never rebuilt.
import { createHash } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { LIBSODIUM } from "./toolchain.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");

function listFiles(dir) {
  const out = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === "zig-out" || entry.name === ".zig-cache") continue;
    const p = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...listFiles(p));
    else out.push(p);
  }
  return out.sort();
}

/** Hash of everything that shapes the shim binary; `extra` distinguishes targets and options. */
export function shimInputsHash(zigVersion, extra = "") {
  const h = createHash("sha256");
  h.update(`zig ${zigVersion}\nlibsodium ${LIBSODIUM.sha256}\n`);
  if (extra) h.update(`${extra}\n`);
  for (const f of listFiles(join(root, "zig-shim"))) {
    // Forward slashes, so that the hash is the same on every OS.
    h.update(relative(root, f).split("\\").join("/"));
    h.update(readFileSync(f));
  }
  return h.digest("hex");
}
