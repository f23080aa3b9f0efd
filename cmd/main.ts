#!/usr/bin/env bun
// smem's entry point: routes to one file per subcommand, loaded lazily so that `smem version`
// starts without opening the shim. Help, unknown commands and every failure are handled in
// cmd/cli.ts and cmd/common.ts so the user sees one line and a documented exit code.
import { useNormalJitPolicy } from "../core/jit-policy";
import { rootCommand, runCli } from "./cli";

// Only the solo open and seal bundles keep the compiled executable's start-up JIT policy.
useNormalJitPolicy();

await runCli(
  rootCommand({
    version: () => import("./version").then((m) => m.default),
    info: () => import("./info").then((m) => m.default),
    kdf: () => import("./kdf").then((m) => m.default),
    kem: () => import("./kem").then((m) => m.default),
    vault: () => import("./vault").then((m) => m.default),
    edit: () => import("./edit").then((m) => m.default),
    stream: () => import("./stream").then((m) => m.default),
    seal: () => import("./seal").then((m) => m.default),
    open: () => import("./open").then((m) => m.default),
  }),
  process.argv.slice(2),
);
