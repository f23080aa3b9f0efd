#!/usr/bin/env bun
// smem's entry point: routes to one file per subcommand, loaded lazily so that `smem version`
// starts without opening the shim.
import { defineCommand, runMain } from "citty";

const main = defineCommand({
  meta: {
    name: "smem",
    description: "Secrets in guarded, locked memory; age-compatible encryption for pipelines",
  },
  subCommands: {
    version: () => import("./version").then((m) => m.default),
  },
});

await runMain(main);
