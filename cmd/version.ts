import pkg from "../package.json" with { type: "json" };
import { defineSmemCommand, globalArgs, runCommand } from "./common";

export default defineSmemCommand(
  {
    meta: { name: "version", description: "Print the smem, Bun and libsodium versions" },
    args: {
      ...globalArgs,
      verbose: {
        type: "boolean",
        description: "Also load the native shim and print what it reports (ABI, libsodium, origin)",
      },
    },
    run: runCommand(async ({ args }) => {
      const info = await import("../core/build-info");
      let text = `smem ${pkg.version}\nbun ${Bun.version}\nlibsodium ${await info.libsodiumVersion()}\n`;
      if (args.verbose) {
        const loaded = await info.loadedShimInfo();
        text += `shim abi ${loaded.abiVersion}, libsodium ${loaded.sodiumVersion}, ${loaded.origin}\n`;
        text += `platform ${process.platform}-${process.arch}\n`;
      }
      // Bun.write rather than process.stdout: the Node stream behind process.stdout costs several
      // milliseconds to set up, which would be most of this command's start-up time.
      await Bun.write(Bun.stdout, text);
    }),
  },
  ["smem version", "smem version --verbose"],
);
