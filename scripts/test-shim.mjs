#!/usr/bin/env node
// The native shim's own C tests (zig-shim/tests/*.c) under AddressSanitizer + UndefinedBehavior-
// Sanitizer. Each test file is compiled together with the shim's src/*.c (so the sanitizers see
// the shim itself) and linked against the libsodium.a that `node scripts/setup.mjs` built.
// Runs with every distinct C compiler found (cc/gcc, clang), prints one line per test binary and
// a summary, and exits non-zero on any failure. With no C compiler at all (or off Linux: the
// tests read /proc and fork) it says so loudly and exits 0; it never passes silently.
//
// A test file may ask for extra link flags in a comment line of its own: ` * link: FLAGS`.
import { spawn, spawnSync } from "node:child_process";
import {
  accessSync,
  constants,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  realpathSync,
  rmSync,
} from "node:fs";
import { basename, delimiter, dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const cacheDir = process.env.SMEM_CACHE_DIR ?? join(root, ".cache");
const shimDir = join(root, "zig-shim");
const testsDir = join(shimDir, "tests");
const RUN_TIMEOUT_MS = 60_000;

function banner(lines) {
  const bar = "!".repeat(78);
  process.stderr.write(`\n${bar}\n${lines.map((l) => `!! ${l}`).join("\n")}\n${bar}\n\n`);
}

function fail(msg) {
  process.stderr.write(`test-shim: error: ${msg}\n`);
  process.exit(1);
}

function skip(reason) {
  banner([`SHIM C TESTS SKIPPED: ${reason}`, "The guarded allocator was NOT checked under ASan/UBSan."]);
  process.stdout.write("shim C tests: SKIPPED\n");
  process.exit(0);
}

if (process.platform !== "linux") skip(`they need Linux (/proc, fork); this is ${process.platform}`);

// ---- inputs from setup -------------------------------------------------------------------------
const toolchainFile = join(cacheDir, "toolchain.json");
if (!existsSync(toolchainFile)) fail(`${toolchainFile} is missing: run 'node scripts/setup.mjs' first`);
const { sodiumDir } = JSON.parse(readFileSync(toolchainFile, "utf8"));
const libsodium = join(shimDir, "zig-out", "lib", "libsodium.a");
if (!sodiumDir || !existsSync(join(sodiumDir, "src", "libsodium", "include", "sodium.h"))) {
  fail(`libsodium sources not found (sodiumDir = ${sodiumDir}): run 'node scripts/setup.mjs'`);
}
if (!existsSync(libsodium)) fail(`${libsodium} is missing: run 'node scripts/setup.mjs'`);

const shimSources = readdirSync(join(shimDir, "src"))
  .filter((f) => f.endsWith(".c"))
  .sort()
  .map((f) => join(shimDir, "src", f));
const testSources = readdirSync(testsDir)
  .filter((f) => f.endsWith(".c"))
  .sort()
  .map((f) => join(testsDir, f));
if (testSources.length === 0) fail(`no tests in ${testsDir}`);

// Every function the ABI exports must be used (called, or passed as a function pointer) by some
// C test: a new smem_* without one fails the step.
const header = readFileSync(join(shimDir, "include", "smem_shim.h"), "utf8");
const exported = [...header.matchAll(/SMEM_EXPORT[^;(]*?\b(smem_\w+)\s*\(/g)].map((m) => m[1]);
const testText = testSources.map((f) => readFileSync(f, "utf8")).join("\n");
const untested = exported.filter((name) => !new RegExp(`\\b${name}\\b`).test(testText));
if (exported.length === 0) fail("found no SMEM_EXPORT declarations in smem_shim.h");

// ---- compilers ---------------------------------------------------------------------------------
// The executable a command name runs, through symlinks (cc -> /etc/alternatives/cc -> gcc-12).
function resolveCommand(name) {
  const candidates = name.includes("/")
    ? [name]
    : (process.env.PATH ?? "").split(delimiter).map((dir) => join(dir, name));
  for (const file of candidates) {
    try {
      accessSync(file, constants.X_OK);
      return realpathSync(file);
    } catch {}
  }
  return null;
}

// Distinct compilers only: on many systems cc is gcc (or clang) under another name.
function findCompilers() {
  const seen = new Map();
  for (const name of [process.env.CC, "cc", "gcc", "clang"]) {
    if (!name) continue;
    const exe = resolveCommand(name);
    if (!exe || seen.has(exe)) continue;
    const r = spawnSync(exe, ["--version"], { encoding: "utf8" });
    if (r.error || r.status !== 0) continue;
    const version = r.stdout.split("\n")[0].trim();
    seen.set(exe, { name, version, tag: basename(exe).replace(/[^\w.-]/g, "_") });
  }
  return [...seen.values()];
}

const compilers = findCompilers();
if (compilers.length === 0) skip("no C compiler found (tried $CC, cc, gcc, clang)");

const sanitize = ["-fsanitize=address,undefined", "-fno-sanitize-recover=all"];
const cflags = [
  "-std=c11",
  "-g",
  "-O1",
  "-fno-omit-frame-pointer",
  ...sanitize,
  "-Wall",
  "-Wextra",
  "-Werror",
  "-D_GNU_SOURCE",
  "-D_DEFAULT_SOURCE",
  `-I${join(shimDir, "include")}`,
  `-I${join(sodiumDir, "src", "libsodium", "include")}`,
  `-I${join(sodiumDir, "src", "libsodium", "crypto_pwhash", "argon2")}`,
];

function run(cmd, args, opts = {}) {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { stdio: ["ignore", "pipe", "pipe"], ...opts });
    let out = "";
    let timedOut = false;
    const timer = opts.timeoutMs
      ? setTimeout(() => {
          timedOut = true;
          child.kill("SIGKILL");
        }, opts.timeoutMs)
      : null;
    child.stdout.on("data", (d) => {
      out += d;
    });
    child.stderr.on("data", (d) => {
      out += d;
    });
    child.on("error", (err) => {
      if (timer) clearTimeout(timer);
      resolve({ code: -1, signal: null, out: `${out}${err.message}\n`, timedOut });
    });
    child.on("close", (code, signal) => {
      if (timer) clearTimeout(timer);
      resolve({ code, signal, out, timedOut });
    });
  });
}

// Two at a time: the machine is shared.
async function inPairs(items, fn) {
  const results = [];
  for (let i = 0; i < items.length; i += 2) {
    results.push(...(await Promise.all(items.slice(i, i + 2).map(fn))));
  }
  return results;
}

function linkFlagsOf(testFile) {
  const m = /^\s*\*?\s*link:\s*(.+)$/m.exec(readFileSync(testFile, "utf8"));
  return m ? m[1].trim().split(/\s+/) : [];
}

function indent(text) {
  return text
    .trimEnd()
    .split("\n")
    .map((l) => `    ${l}`)
    .join("\n");
}

async function suiteFor(cc) {
  const outDir = join(cacheDir, "shim-tests", cc.tag);
  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(outDir, { recursive: true });
  process.stderr.write(`-- ${cc.version} (${cc.name})\n`);

  const objects = await inPairs(shimSources, async (src) => {
    const obj = join(outDir, `${basename(src, ".c")}.o`);
    const r = await run(cc.name, [...cflags, "-c", src, "-o", obj]);
    return { src, obj, ok: r.code === 0, out: r.out };
  });
  const broken = objects.filter((o) => !o.ok);
  if (broken.length > 0) {
    for (const b of broken) process.stderr.write(`  compile ${basename(b.src)} FAILED\n${indent(b.out)}\n`);
    return testSources.map((t) => ({
      compiler: cc.version,
      test: basename(t, ".c"),
      ok: false,
      why: "shim did not compile",
    }));
  }

  const results = [];
  for (const testFile of testSources) {
    const name = basename(testFile, ".c");
    const exe = join(outDir, name);
    const build = await run(cc.name, [
      ...cflags,
      testFile,
      ...objects.map((o) => o.obj),
      libsodium,
      ...linkFlagsOf(testFile),
      "-lpthread",
      "-o",
      exe,
    ]);
    if (build.code !== 0) {
      process.stderr.write(`  ${name}: build FAILED\n${indent(build.out)}\n`);
      results.push({ compiler: cc.version, test: name, ok: false, why: "did not build" });
      continue;
    }
    const started = performance.now();
    const r = await run(exe, [], {
      cwd: outDir,
      timeoutMs: RUN_TIMEOUT_MS,
      env: {
        ...process.env,
        ASAN_OPTIONS:
          "detect_leaks=1:abort_on_error=0:detect_stack_use_after_return=1:strict_string_checks=1",
        UBSAN_OPTIONS: "print_stacktrace=1:halt_on_error=1",
      },
    });
    const secs = ((performance.now() - started) / 1000).toFixed(1);
    const ok = r.code === 0 && !r.timedOut;
    const why = r.timedOut
      ? `timed out after ${RUN_TIMEOUT_MS / 1000}s`
      : r.signal
        ? `killed by ${r.signal}`
        : `exit ${r.code}`;
    const tally = /: (\d+) checks, (\d+) failed/.exec(r.out);
    process.stderr.write(
      `  ${name.padEnd(12)} ${ok ? "ok    " : "FAILED"} ${tally ? `${tally[1]} checks` : why} in ${secs}s\n`,
    );
    if (!ok || process.env.SMEM_SHIM_TEST_VERBOSE === "1") process.stderr.write(`${indent(r.out)}\n`);
    results.push({ compiler: cc.version, test: name, ok, why });
  }
  return results;
}

const all = [];
for (const cc of compilers) all.push(...(await suiteFor(cc)));
if (untested.length > 0) {
  process.stderr.write(
    `  coverage     FAILED declared in smem_shim.h but used by no zig-shim/tests/*.c: ${untested.join(", ")}\n`,
  );
  all.push({ compiler: "-", test: "coverage", ok: false, why: `untested: ${untested.join(", ")}` });
} else {
  process.stderr.write(`  coverage     ok     all ${exported.length} exported smem_* functions are used\n`);
}
const failed = all.filter((r) => !r.ok);
const names = compilers.map((c) => c.version).join("; ");
if (failed.length > 0) {
  process.stderr.write(
    `\nshim C tests FAILED: ${failed.map((f) => `${f.test} [${f.compiler}] (${f.why})`).join(", ")}\n`,
  );
}
process.stdout.write(
  `shim C tests: ${all.length - failed.length} passed, ${failed.length} failed (ASan+UBSan; ${names})\n`,
);
process.exit(failed.length > 0 ? 1 : 0);
