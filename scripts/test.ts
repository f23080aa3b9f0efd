// `npm test` after setup: every check CI needs, in order, then one closing line
// "tests: N passed, N failed" that CI reads. Extra arguments are passed to `bun test`.
//
// Steps: the shim's C tests under ASan+UBSan, tsc --noEmit, Biome, bun test.
// SMEM_TEST_ONLY=bun skips the static checks when iterating on one suite.
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const root = join(import.meta.dir, "..");
const bin = (name: string) => join(root, "node_modules", ".bin", name);
const onlyBun = process.env.SMEM_TEST_ONLY === "bun";
const failures: string[] = [];

function step(name: string, cmd: string, args: string[]): boolean {
  process.stderr.write(`\n== ${name}\n`);
  const started = performance.now();
  const r = spawnSync(cmd, args, { cwd: root, stdio: "inherit" });
  const secs = ((performance.now() - started) / 1000).toFixed(1);
  const ok = r.status === 0;
  process.stderr.write(`== ${name}: ${ok ? "ok" : `FAILED (exit ${r.status ?? r.signal})`} in ${secs}s\n`);
  if (!ok) failures.push(name);
  return ok;
}

if (!onlyBun) {
  if (existsSync(join(root, "scripts", "test-shim.mjs"))) {
    step("shim C tests (ASan+UBSan)", "node", [join(root, "scripts", "test-shim.mjs")]);
  }
  step("tsc --noEmit", bin("tsc"), ["--noEmit", "-p", root]);
  step("biome check", bin("biome"), ["check", root]);
}

const reportDir = mkdtempSync(join(tmpdir(), "smem-junit-"));
const report = join(reportDir, "junit.xml");
step("bun test", process.execPath, [
  "test",
  // bunfig.toml's [test] timeout is not applied by Bun 1.4.5 (the default 5 s stays), so pass it.
  "--timeout=60000",
  "--reporter=junit",
  `--reporter-outfile=${report}`,
  ...process.argv.slice(2),
]);

let passed = 0;
let failed = 0;
let skipped = 0;
if (existsSync(report)) {
  const xml = readFileSync(report, "utf8");
  const suites = /<testsuites[^>]*>/.exec(xml)?.[0] ?? "";
  const attr = (name: string) => Number(new RegExp(`${name}="(\\d+)"`).exec(suites)?.[1] ?? 0);
  const total = attr("tests");
  failed = attr("failures") + attr("errors");
  skipped = attr("skipped");
  passed = total - failed - skipped;
}
rmSync(reportDir, { recursive: true, force: true });
if (passed === 0 && failed === 0) failures.push("bun test ran no test");

if (failures.length > 0) process.stderr.write(`\nfailed steps: ${failures.join(", ")}\n`);
process.stdout.write(`tests: ${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ""}\n`);
process.exit(failures.length > 0 ? 1 : 0);
