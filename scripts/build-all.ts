// `npm run build:all`: the five release executables and their checksums.
//
//   dist/smem-linux-x64  dist/smem-linux-arm64  dist/smem-darwin-arm64
//   dist/smem-windows-x64.exe  dist/smem-windows-arm64.exe  dist/SHA256SUMS
//
// Each target's shim is built by `zig build -Dtarget=…` into zig-shim/zig-out/<target>/ and is
// rebuilt only when its inputs change; each executable is then compiled with Bun for that target,
// its bytecode laid out by runs recorded on a host build (scripts/bytecode-order.ts).
// `bun scripts/build-all.ts linux-x64 …` builds only the named targets (SHA256SUMS lists what exists).
import { createHash } from "node:crypto";
import { existsSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { recordBytecodeOrder } from "./bytecode-order";
import { BuildError, buildShim, compile, distDir, say, toolchain } from "./release";
import { RELEASE_TARGETS, type ReleaseTarget, targetByName } from "./release-targets";

function selectTargets(names: string[]): ReleaseTarget[] {
  if (names.length === 0) return [...RELEASE_TARGETS];
  return names.map((n) => {
    const t = targetByName(n);
    if (!t)
      throw new BuildError(`unknown target ${n}; targets: ${RELEASE_TARGETS.map((x) => x.name).join(", ")}`);
    return t;
  });
}

function writeChecksums(): void {
  const lines: string[] = [];
  for (const t of RELEASE_TARGETS) {
    const file = join(distDir, t.outFile);
    if (!existsSync(file)) continue;
    const digest = createHash("sha256").update(readFileSync(file)).digest("hex");
    // sha256sum's format: hash, two spaces (text mode marker ' '), file name.
    lines.push(`${digest}  ${t.outFile}`);
  }
  writeFileSync(join(distDir, "SHA256SUMS"), `${lines.join("\n")}\n`);
}

try {
  const tc = toolchain();
  const started = performance.now();
  const targets = selectTargets(process.argv.slice(2));
  // One profile, recorded on a host build, lays out every target's bytecode.
  using order = recordBytecodeOrder(tc);
  for (const target of targets) {
    const t0 = performance.now();
    const shim = buildShim(target, tc);
    compile(target, shim, join(distDir, target.outFile), tc, order.files);
    const mib = (statSync(join(distDir, target.outFile)).size / 2 ** 20).toFixed(1);
    say(`${target.name}: done in ${((performance.now() - t0) / 1000).toFixed(1)}s, ${mib} MiB`);
  }
  writeChecksums();
  say(`all done in ${((performance.now() - started) / 1000).toFixed(1)}s; checksums in dist/SHA256SUMS`);
} catch (err) {
  if (!(err instanceof BuildError)) throw err;
  process.stderr.write(`build: error: ${err.message}\n`);
  process.exit(1);
}
