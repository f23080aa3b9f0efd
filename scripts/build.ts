// `npm run build`: dist/smem (dist/smem.exe on Windows), the standalone executable for this
// machine with its shim embedded, its bytecode laid out by recorded runs (scripts/bytecode-order.ts).
// Runs after `node scripts/setup.mjs` (package.json chains them).
import { join } from "node:path";
import { recordBytecodeOrder } from "./bytecode-order";
import { BuildError, buildShim, compile, distDir, say, toolchain } from "./release";
import { hostTarget } from "./release-targets";

try {
  const target = hostTarget();
  if (!target) {
    throw new BuildError(
      `no release target for ${process.platform}-${process.arch}; targets: linux-x64, linux-arm64 (glibc), darwin-arm64, windows-x64, windows-arm64`,
    );
  }
  const tc = toolchain();
  const outfile = join(distDir, process.platform === "win32" ? "smem.exe" : "smem");
  using order = recordBytecodeOrder(tc);
  compile(target, buildShim(target, tc), outfile, tc, order.files);
  say(`wrote ${outfile}`);
} catch (err) {
  if (!(err instanceof BuildError)) throw err;
  process.stderr.write(`build: error: ${err.message}\n`);
  process.exit(1);
}
