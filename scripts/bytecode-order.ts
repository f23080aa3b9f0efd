// Profile-guided layout of the executable's bytecode (`bun build --bytecode-order`). An
// executable built with --bytecode writes, when run with BUN_BYTECODE_ORDER_OUT=<file>, which of
// its functions and modules that run used, in order; a second build given those files places that
// bytecode together at the front, so a command faults in fewer pages of the 100 MiB executable
// before and while its code runs (see README "Performance" for the measured effect).
//
// The training runs are the commands people script, most common first: open -i and seal -r of a
// small file to an X-Wing identity, version, kem keygen and pubkey. They run on a host build in a
// fresh private directory, with a throwaway key; the order files hold only function hashes. The
// other targets are laid out with the same profile: their bundles differ only where the platform
// is tested, and a function the profile does not name keeps its usual place.
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { BuildError, buildShim, cacheDir, compile, say, type Toolchain } from "./release";
import { hostTarget } from "./release-targets";

/** The recorded order files (most important first) for `compile`; disposing removes them. */
export interface BytecodeOrder extends Disposable {
  files: string[];
}

/**
 * Builds the host executable without a profile into a private directory under the build cache,
 * runs the training commands on it and returns their order files. No files (Bun's default layout)
 * when the host is not a release target or the cache's path has a comma.
 */
export function recordBytecodeOrder(tc: Toolchain): BytecodeOrder {
  const none = (why: string): BytecodeOrder => {
    say(`bytecode order not recorded: ${why}`);
    return { files: [], [Symbol.dispose]: () => {} };
  };
  const host = hostTarget();
  if (!host) return none(`no release target runs on ${process.platform}-${process.arch}`);
  // Under the build cache, not the temp dir: the executable must be run, and /tmp may be noexec.
  const parent = join(cacheDir, "build", host.name);
  // --bytecode-order takes a comma-separated list of paths.
  if (parent.includes(",")) return none(`the build cache's path has a comma: ${parent}`);
  mkdirSync(parent, { recursive: true });
  const dir = mkdtempSync(join(parent, "bytecode-order-"));
  const dispose = () => rmSync(dir, { recursive: true, force: true });
  try {
    const executable = join(dir, host.outFile);
    compile(host, buildShim(host, tc), executable, tc);
    const files = train(executable, dir);
    say(`${host.name}: bytecode order recorded from ${files.length} runs`);
    return { files, [Symbol.dispose]: dispose };
  } catch (err) {
    dispose();
    throw err;
  }
}

function train(executable: string, dir: string): string[] {
  const identity = join(dir, "identity.txt");
  const plain = join(dir, "plain.bin");
  const sealed = join(dir, "sealed.age");
  writeFileSync(plain, new Uint8Array(1024).fill(0x61));
  const orderFiles = new Map<string, string>();
  const run = (name: string, args: string[]): string => {
    const orderFile = join(dir, `${name}.order`);
    const r = spawnSync(executable, args, {
      cwd: dir,
      env: { ...process.env, BUN_BYTECODE_ORDER_OUT: orderFile, TMPDIR: dir },
      stdio: ["ignore", "pipe", "pipe"],
      encoding: "utf8",
    });
    if (r.error) throw new BuildError(`bytecode order: smem ${name}: ${r.error.message}`);
    if (r.status !== 0) {
      throw new BuildError(
        `bytecode order: smem ${args.join(" ")} exited with ${r.status}: ${r.stderr.trim()}`,
      );
    }
    if (!(statSync(orderFile, { throwIfNoEntry: false })?.size ?? 0)) {
      throw new BuildError(`bytecode order: smem ${name} wrote no profile to ${orderFile}`);
    }
    orderFiles.set(name, orderFile);
    return r.stdout;
  };
  run("keygen", ["kem", "keygen", "--no-passphrase", "-o", identity]);
  const recipient = run("pubkey", ["kem", "pubkey", identity]).trim();
  run("seal", ["seal", "-r", recipient, "-o", sealed, plain]);
  run("open", ["open", "-i", identity, "-o", join(dir, "opened.bin"), sealed]);
  run("version", ["version"]);
  // The latency-bound restore path first, then the backup (cron) path.
  return ["open", "seal", "version", "keygen", "pubkey"].map((name) => orderFiles.get(name) as string);
}
