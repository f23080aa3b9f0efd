#!/usr/bin/env node
// Bootstrap for a fresh clone: everything `npm test` and `npm start` need, installed from package
// registries only, pinned and cached so that a second run takes a second or two.
//
//   1. npm packages (Bun itself is the npm devDependency `bun`)
//   2. Zig from PyPI (`ziglang`, pinned), or a `zig` of the same version already on PATH
//   3. libsodium source: the pinned release tarball from Debian's source package, sha256-checked
//   4. the native shim for the host, built by `zig build` (skipped when its inputs are unchanged)
//
// Runs under plain Node (Bun may not exist yet). Flags: --quiet (only errors), --force-shim.
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { shimInputsHash } from "./shim-inputs.mjs";
import { LIBSODIUM, ZIG } from "./toolchain.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const cacheDir = process.env.SMEM_CACHE_DIR ?? join(root, ".cache");
const quiet = process.argv.includes("--quiet");
const forceShim = process.argv.includes("--force-shim");

function say(msg) {
  if (!quiet) process.stderr.write(`setup: ${msg}\n`);
}

function die(msg) {
  process.stderr.write(`setup: error: ${msg}\n`);
  process.exit(5);
}

function run(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, {
    cwd: root,
    stdio: quiet ? ["ignore", "ignore", "pipe"] : ["ignore", "inherit", "inherit"],
    ...opts,
  });
  if (r.error) die(`${cmd}: ${r.error.message}`);
  if (r.status !== 0) {
    if (quiet && r.stderr) process.stderr.write(r.stderr);
    die(`${cmd} ${args.join(" ")} exited with ${r.status}`);
  }
  return r;
}

function sha256File(path) {
  return createHash("sha256").update(readFileSync(path)).digest("hex");
}

// ---- 1. npm packages -------------------------------------------------------------------------
function ensureNodeModules() {
  const lock = join(root, "package-lock.json");
  const marker = join(root, "node_modules", ".package-lock.json");
  const bunBin = join(root, "node_modules", ".bin", process.platform === "win32" ? "bun.exe" : "bun");
  const fresh =
    existsSync(marker) &&
    existsSync(bunBin) &&
    statSync(marker).mtimeMs >= statSync(lock).mtimeMs &&
    statSync(marker).mtimeMs >= statSync(join(root, "package.json")).mtimeMs;
  if (fresh) return;
  say("installing npm packages (npm ci)");
  run("npm", ["ci", "--no-audit", "--no-fund", "--loglevel=error"], {
    shell: process.platform === "win32",
  });
}

// ---- 2. Zig ----------------------------------------------------------------------------------
function zigVersionOf(bin) {
  const r = spawnSync(bin, ["version"], { encoding: "utf8" });
  return r.status === 0 ? r.stdout.trim() : null;
}

function findPython() {
  for (const py of ["python3", "python"]) {
    const r = spawnSync(py, ["--version"], { encoding: "utf8" });
    if (r.status === 0) return py;
  }
  return null;
}

function ensureZig() {
  if (process.env.SMEM_ZIG && zigVersionOf(process.env.SMEM_ZIG) === ZIG.version) {
    return process.env.SMEM_ZIG;
  }
  if (zigVersionOf("zig") === ZIG.version) return "zig";
  const target = join(cacheDir, `ziglang-${ZIG.version}`);
  const bin = join(target, "ziglang", process.platform === "win32" ? "zig.exe" : "zig");
  if (zigVersionOf(bin) === ZIG.version) return bin;
  const py = findPython();
  if (!py) die(`Zig ${ZIG.version} is needed: install Python 3 with pip, or put zig ${ZIG.version} on PATH`);
  say(`installing Zig ${ZIG.version} from PyPI (ziglang)`);
  rmSync(target, { recursive: true, force: true });
  const tmp = `${target}.partial`;
  rmSync(tmp, { recursive: true, force: true });
  run(py, [
    "-m",
    "pip",
    "install",
    "--disable-pip-version-check",
    "--no-warn-script-location",
    "--no-deps",
    "--only-binary",
    ":all:",
    "--target",
    tmp,
    `ziglang==${ZIG.version}`,
  ]);
  renameSync(tmp, target);
  if (zigVersionOf(bin) !== ZIG.version) die(`installed Zig at ${bin} does not report ${ZIG.version}`);
  return bin;
}

// ---- 3. libsodium source ---------------------------------------------------------------------
// Node's fetch first; curl when that fails (curl honours http_proxy / https_proxy, fetch does
// not). Whatever arrives is hash-checked by the caller before use.
async function downloadTo(url, path) {
  let why;
  try {
    const res = await fetch(url);
    if (res.ok) {
      writeFileSync(path, Buffer.from(await res.arrayBuffer()));
      return;
    }
    why = `HTTP ${res.status}`;
  } catch (e) {
    why = e.cause?.message ?? e.message;
  }
  const curl = spawnSync("curl", ["-fsSL", "--retry", "2", "-o", path, url], {
    stdio: ["ignore", "ignore", "pipe"],
  });
  if (curl.status === 0) return;
  const curlWhy = curl.error ? curl.error.message : curl.stderr.toString().trim();
  die(`cannot download ${url}: ${why}; curl: ${curlWhy} (see README, "Other machines")`);
}

// The release tarball ships version.h.in for configure to fill in; the values come from
// configure.ac itself so that they always match the pinned tree.
function writeVersionHeader(tree) {
  const dir = join(tree, "src", "libsodium", "include", "sodium");
  const configure = readFileSync(join(tree, "configure.ac"), "utf8");
  const version = /AC_INIT\(\[libsodium\],\[([^\]]+)\]/.exec(configure)?.[1];
  const major = /^SODIUM_LIBRARY_VERSION_MAJOR=(\d+)$/m.exec(configure)?.[1];
  const minor = /^SODIUM_LIBRARY_VERSION_MINOR=(\d+)$/m.exec(configure)?.[1];
  if (version !== LIBSODIUM.version || !major || !minor) {
    die(`libsodium configure.ac does not declare version ${LIBSODIUM.version}`);
  }
  const header = readFileSync(join(dir, "version.h.in"), "utf8")
    .replace("@VERSION@", version)
    .replace("@SODIUM_LIBRARY_VERSION_MAJOR@", major)
    .replace("@SODIUM_LIBRARY_VERSION_MINOR@", minor)
    .replace("@SODIUM_LIBRARY_MINIMAL_DEF@", "");
  writeFileSync(join(dir, "version.h"), header);
}

// Downloads the pinned tarball (or takes SMEM_LIBSODIUM_TARBALL, a local copy of the same bytes),
// checks its size and sha256 before anything is unpacked, and caches the tree as
// .cache/libsodium-<version> stamped with the hash: a later run with the same pin reuses it.
async function ensureLibsodium() {
  const dest = join(cacheDir, `libsodium-${LIBSODIUM.version}`);
  const stamp = join(dest, ".smem-verified");
  if (existsSync(stamp) && readFileSync(stamp, "utf8").trim() === LIBSODIUM.sha256) return dest;
  mkdirSync(cacheDir, { recursive: true });
  const dl = mkdtempSync(join(tmpdir(), "smem-sodium-"));
  try {
    let archive = process.env.SMEM_LIBSODIUM_TARBALL;
    if (archive) {
      say(`using libsodium ${LIBSODIUM.version} source from ${archive}`);
    } else {
      say(`fetching libsodium ${LIBSODIUM.version} source (${LIBSODIUM.artifact})`);
      archive = join(dl, "libsodium.tar.gz");
      await downloadTo(LIBSODIUM.url, archive);
    }
    const size = statSync(archive).size;
    const got = sha256File(archive);
    if (got !== LIBSODIUM.sha256 || size !== LIBSODIUM.bytes) {
      die(
        `libsodium source hash mismatch for ${archive}: expected sha256 ${LIBSODIUM.sha256} ` +
          `(${LIBSODIUM.bytes} bytes), got ${got} (${size} bytes); nothing was unpacked`,
      );
    }
    const unpack = join(dl, "x");
    mkdirSync(unpack);
    run("tar", ["-xzf", archive, "-C", unpack]);
    const inner = join(unpack, LIBSODIUM.topDir);
    if (!existsSync(join(inner, "src", "libsodium", "include", "sodium.h"))) {
      die(`libsodium sources not found under ${LIBSODIUM.topDir}/ in ${archive}`);
    }
    writeVersionHeader(inner);
    rmSync(dest, { recursive: true, force: true });
    renameSync(inner, dest);
    writeFileSync(stamp, `${LIBSODIUM.sha256}\n`);
  } finally {
    rmSync(dl, { recursive: true, force: true });
  }
  return dest;
}

// ---- 4. the shim -----------------------------------------------------------------------------
function ensureShim(zig, sodiumDir) {
  const outDir = join(root, "zig-shim", "zig-out");
  const stamp = join(outDir, ".smem-inputs");
  const inputs = shimInputsHash(ZIG.version);
  if (!forceShim && existsSync(stamp) && readFileSync(stamp, "utf8").trim() === inputs) return;
  say("building the native shim (zig build)");
  run(zig, ["build", "-Doptimize=ReleaseFast", `-Dsodium=${sodiumDir}`], {
    cwd: join(root, "zig-shim"),
  });
  writeFileSync(stamp, `${inputs}\n`);
}

// ---- main ------------------------------------------------------------------------------------
ensureNodeModules();
const zig = ensureZig();
const sodiumDir = await ensureLibsodium();
ensureShim(zig, sodiumDir);
// Later steps (tests, build scripts) read these instead of repeating the discovery.
mkdirSync(cacheDir, { recursive: true });
writeFileSync(
  join(cacheDir, "toolchain.json"),
  `${JSON.stringify({ zig, sodiumDir, zigVersion: ZIG.version }, null, 2)}\n`,
);
