// The loader path a compiled executable takes (ffi/embedded.ts + ffi/shim.ts), exercised from
// source: a child registers the development shim as if it were embedded, loads it, and must leave
// nothing behind in its TMPDIR. (The compiled executables themselves: tests/build.)
import { expect, test } from "bun:test";
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
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

test("an embedded shim is extracted privately, loaded, and removed at once", () => {
  const tmp = mkdtempSync(join(tmpdir(), "smem-embed-test-"));
  try {
    const r = child(
      `import { setEmbeddedShim, shim, shimOrigin } from "./ffi";
       import { readdirSync } from "node:fs";
       setEmbeddedShim(${JSON.stringify(developmentShimPath())}, "from-build");
       const s = shim();
       console.log(shimOrigin(), s.smem_abi_version(), readdirSync(process.env.TMPDIR).length);`,
      { TMPDIR: tmp },
    );
    expect(r.stderr).toBe("");
    expect(r.stdout).toBe("embedded 1 0\n");
    expect(r.code).toBe(0);
    expect(readdirSync(tmp)).toEqual([]);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
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

test("a temp dir that cannot be used falls back to the per-user cache dir, also left empty", () => {
  const cache = mkdtempSync(join(tmpdir(), "smem-embed-cache-"));
  try {
    const r = child(
      `import { setEmbeddedShim, shim, shimOrigin } from "./ffi";
       setEmbeddedShim(${JSON.stringify(developmentShimPath())}, "from-build");
       console.log(shimOrigin(), shim().smem_abi_version(), shimOrigin());`,
      { TMPDIR: "/proc/no-such-dir/", XDG_CACHE_HOME: cache },
    );
    expect(r.stderr).toBe("");
    expect(r.stdout).toBe("null 1 embedded\n");
    expect(r.code).toBe(0);
    expect(readdirSync(join(cache, "smem", "shim"))).toEqual([]);
  } finally {
    rmSync(cache, { recursive: true, force: true });
  }
});
