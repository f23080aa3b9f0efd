// The loader path a compiled executable takes (ffi/embedded.ts + ffi/shim.ts), exercised from
// source: a child registers the development shim as if it were embedded (with its SHA-256, as the
// build does) and loads it through the per-user cache or a private temp copy. (The compiled
// executables themselves: tests/build.)
import { expect, test } from "bun:test";
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  utimesSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { developmentShimPath } from "../../ffi/shim";
import { repoRoot } from "../helpers/paths";

function child(script: string, env: Record<string, string>) {
  const r = Bun.spawnSync([process.execPath, "-e", script], {
    cwd: repoRoot,
    env: { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: process.env.HOME ?? "/", ...env },
  });
  return { code: r.exitCode, stdout: r.stdout.toString(), stderr: r.stderr.toString() };
}

const shimFile = developmentShimPath();
const shimDigest = new Bun.CryptoHasher("sha256").update(readFileSync(shimFile)).digest("hex");
const cacheEntry = shimDigest.slice(0, 32);

/** A child that registers the development shim as embedded (with its digest) and loads it. */
function loadEmbedded(env: Record<string, string>, digest = shimDigest) {
  return child(
    `import { setEmbeddedShim, shim, shimOrigin } from "./ffi";
     setEmbeddedShim(${JSON.stringify(shimFile)}, "from-build", ${JSON.stringify(digest)});
     const abi = shim().smem_abi_version();
     console.log(shimOrigin(), abi);`,
    env,
  );
}

/** A fresh HOME and TMPDIR for one test. */
function scratch(): { home: string; tmp: string; cache: string; [Symbol.dispose](): void } {
  const root = mkdtempSync(join(tmpdir(), "smem-embed-test-"));
  const home = join(root, "home");
  const tmp = join(root, "tmp");
  mkdirSync(home, { mode: 0o700 });
  mkdirSync(tmp);
  return {
    home,
    tmp,
    cache: join(home, ".cache", "smem", "shim"),
    [Symbol.dispose]: () => rmSync(root, { recursive: true, force: true }),
  };
}

test("an embedded shim is written once to the per-user cache, mode 0700, and loaded from there", () => {
  using dirs = scratch();
  const r = loadEmbedded({ HOME: dirs.home, TMPDIR: dirs.tmp });
  expect(r.stderr).toBe("");
  expect(r.stdout).toBe("embedded 1\n");
  expect(r.code).toBe(0);
  const file = join(dirs.cache, cacheEntry, "libsmem_shim.so");
  expect(readFileSync(file).equals(readFileSync(shimFile))).toBe(true);
  expect(statSync(join(dirs.cache, cacheEntry)).mode & 0o777).toBe(0o700);
  expect(readdirSync(dirs.tmp)).toEqual([]);
  // A second run loads the same file without writing it again.
  utimesSync(file, 1_000_000, 1_000_000);
  const again = loadEmbedded({ HOME: dirs.home, TMPDIR: dirs.tmp });
  expect(again.stdout).toBe("embedded 1\n");
  expect(statSync(file).mtimeMs).toBe(1_000_000_000);
  expect(readdirSync(dirs.cache)).toEqual([cacheEntry]);
});

test("a cached shim whose SHA-256 differs from the embedded one is replaced before it is loaded", () => {
  using dirs = scratch();
  expect(loadEmbedded({ HOME: dirs.home, TMPDIR: dirs.tmp }).code).toBe(0);
  const file = join(dirs.cache, cacheEntry, "libsmem_shim.so");
  const planted = readFileSync(file);
  planted.writeUInt8((planted.at(-1) as number) ^ 0x01, planted.length - 1);
  writeFileSync(file, planted);
  const r = loadEmbedded({ HOME: dirs.home, TMPDIR: dirs.tmp });
  expect(r.stderr).toBe("");
  expect(r.stdout).toBe("embedded 1\n");
  expect(readFileSync(file).equals(readFileSync(shimFile))).toBe(true);
});

test("writing a new version removes the stale ones beside it, and nothing else", () => {
  using dirs = scratch();
  const stale = join(dirs.cache, "0123456789abcdef0123456789abcdef");
  mkdirSync(stale, { recursive: true, mode: 0o700 });
  writeFileSync(join(stale, "libsmem_shim.so"), "old");
  mkdirSync(join(dirs.cache, "keep-me"));
  expect(loadEmbedded({ HOME: dirs.home, TMPDIR: dirs.tmp }).code).toBe(0);
  expect(readdirSync(dirs.cache).sort()).toEqual([cacheEntry, "keep-me"].sort());
});

test("a cache outside the home directory, or open to others, is not written: a private temp copy, removed at once", () => {
  using dirs = scratch();
  const elsewhere = join(dirs.tmp, "..", "xdg");
  const outside = loadEmbedded({ HOME: dirs.home, TMPDIR: dirs.tmp, XDG_CACHE_HOME: elsewhere });
  expect(outside.stderr).toBe("");
  expect(outside.stdout).toBe("embedded 1\n");
  expect(existsSync(join(elsewhere, "smem"))).toBe(false);
  expect(readdirSync(dirs.tmp)).toEqual([]);

  mkdirSync(dirs.cache, { recursive: true });
  chmodSync(dirs.cache, 0o777);
  const open = loadEmbedded({ HOME: dirs.home, TMPDIR: dirs.tmp });
  expect(open.stderr).toBe("");
  expect(open.stdout).toBe("embedded 1\n");
  expect(readdirSync(dirs.cache)).toEqual([]);
  expect(readdirSync(dirs.tmp)).toEqual([]);
});

test("with neither a usable cache nor a usable temp dir, one line: the shim could not be loaded", () => {
  using dirs = scratch();
  writeFileSync(join(dirs.home, ".cache"), "a file where the cache dir would be");
  const r = child(
    `import { setEmbeddedShim, shim } from "./ffi";
     setEmbeddedShim(${JSON.stringify(shimFile)}, "from-build", ${JSON.stringify(shimDigest)});
     try { shim(); } catch (e) { console.log(e.name, e.message.split("\\n").length); }`,
    { HOME: dirs.home, TMPDIR: "/proc/no-such-dir" },
  );
  expect(r.stderr).toBe("");
  expect(r.stdout).toBe("ShimLoadError 1\n");
});

test("an embedded shim that does not match its build-time digest is refused", () => {
  using dirs = scratch();
  const r = child(
    `import { setEmbeddedShim, shim } from "./ffi";
     setEmbeddedShim(${JSON.stringify(shimFile)}, "from-build", ${JSON.stringify("00".repeat(32))});
     try { shim(); } catch (e) { console.log(e.name, e.message); }`,
    { HOME: dirs.home, TMPDIR: dirs.tmp },
  );
  expect(r.stdout).toBe("ShimLoadError the embedded shim does not match the digest recorded at build time\n");
  expect(existsSync(dirs.cache)).toBe(false);
});

test("the build-time libsodium version answers `version` without loading the shim", () => {
  const r = child(
    `import { setEmbeddedShim } from "./ffi/embedded";
     import { libsodiumVersion } from "./core/build-info";
     import { shimLoaded } from "./ffi/shim";
     setEmbeddedShim("/nonexistent/shim", "9.9.9");
     console.log(await libsodiumVersion(), shimLoaded());`,
    {},
  );
  expect(r.stderr).toBe("");
  expect(r.stdout).toBe("9.9.9 false\n");
});

test("a missing embedded file is a one-line shim error, not a crash", () => {
  const r = child(
    `import { setEmbeddedShim, shim, ShimLoadError } from "./ffi";
     setEmbeddedShim("/nonexistent/shim");
     try { shim(); } catch (e) { console.log(e instanceof ShimLoadError, e.message.split("\\n").length); }`,
    {},
  );
  expect(r.stdout).toBe("true 1\n");
});

test("functions are bound on first use through smem_symbol, and it knows every one ffi/symbols.ts declares", () => {
  const r = child(
    `import { shim } from "./ffi";
     import { shimSymbols } from "./ffi/symbols";
     const s = shim();
     const names = Object.keys(shimSymbols);
     // Before use a function is an accessor on the table; after, a plain value.
     const before = Object.getOwnPropertyDescriptor(s, "smem_page_size");
     const page = s.smem_page_size();
     const after = Object.getOwnPropertyDescriptor(s, "smem_page_size");
     let bound = 0;
     for (const name of names) if (typeof s[name] === "function") bound++;
     console.log(typeof before.get, typeof after.value, page > 0, bound === names.length, names.length > 40);`,
    {},
  );
  expect(r.stderr).toBe("");
  expect(r.stdout).toBe("function function true true true\n");
  expect(r.code).toBe(0);
});
