import pkg from "../package.json" with { type: "json" };
import { defineSmemCommand, globalArgs, runCommand } from "./common";

export default defineSmemCommand(
  {
    meta: { name: "version", description: "Print the smem, Bun and libsodium versions" },
    args: { ...globalArgs },
    run: runCommand(async () => {
      const { sodiumVersion } = await import("../core/platform");
      process.stdout.write(`smem ${pkg.version}\nbun ${Bun.version}\nlibsodium ${sodiumVersion()}\n`);
    }),
  },
  ["smem version"],
);
