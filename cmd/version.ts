import { defineCommand } from "citty";
import pkg from "../package.json" with { type: "json" };

export default defineCommand({
  meta: { name: "version", description: "Print the smem, Bun and libsodium versions" },
  async run() {
    const { sodiumVersion } = await import("../core/platform");
    process.stdout.write(`smem ${pkg.version}\nbun ${Bun.version}\nlibsodium ${sodiumVersion()}\n`);
  },
});
