// `smem info`: what protections this platform actually gives, after the same hardening every
// secret-handling command applies. Plain text by default, --json for scripts.

import { EnvironmentError } from "../core/errors";
import { mlockRequired } from "../core/mlock-policy";
import type { Limit, PlatformReport } from "../core/platform";
import { writeStdout } from "../core/stdio";
import pkg from "../package.json" with { type: "json" };
import { defineSmemCommand, globalArgs, runCommand } from "./common";

function bytes(limit: Limit): string {
  if (limit === null) return "n/a";
  if (limit === "unlimited") return "unlimited";
  if (limit >= 1024 * 1024 && limit % (1024 * 1024) === 0) return `${limit / (1024 * 1024)} MiB`;
  if (limit >= 1024 && limit % 1024 === 0) return `${limit / 1024} KiB`;
  return `${limit} bytes`;
}

function yesNo(value: boolean | null, yes: string, no: string, unknown = "n/a"): string {
  return value === null ? unknown : value ? yes : no;
}

export function renderInfo(
  r: PlatformReport,
  versions: { smem: string; bun: string; sodium: string },
): string {
  const rows: [string, string][] = [
    ["smem", `${versions.smem} (bun ${versions.bun}, libsodium ${versions.sodium})`],
    ["platform", `${r.platform} ${r.arch}`],
    ["page size", `${r.pageSize} bytes`],
    [
      "guard pages",
      r.guardPages.enabled
        ? `yes, one before and one after every buffer (a 32-byte buffer takes ${bytes(r.guardPages.footprint32)})`
        : "no",
    ],
    [
      "memory locked",
      r.mlock.probeLocked
        ? "yes (a probe buffer was mlocked)"
        : "NO: a probe buffer could not be mlocked; secrets may reach swap",
    ],
    ["RLIMIT_MEMLOCK", `soft ${bytes(r.mlock.soft)}, hard ${bytes(r.mlock.hard)}`],
    ["CAP_IPC_LOCK", yesNo(r.mlock.capIpcLock, "yes (may lock past the limit)", "no")],
    [
      "core dumps",
      r.coreLimit === 0
        ? "disabled (RLIMIT_CORE 0)"
        : r.coreLimit === null
          ? "n/a"
          : `allowed (${bytes(r.coreLimit)})`,
    ],
    ["dumpable", yesNo(r.dumpable, "yes", "no (PR_SET_DUMPABLE 0)")],
    ["protections", r.features.join(", ")],
  ];
  const width = Math.max(...rows.map(([k]) => k.length));
  return `${rows.map(([k, v]) => `${k.padEnd(width)}  ${v}`).join("\n")}\n`;
}

export default defineSmemCommand(
  {
    meta: {
      name: "info",
      description: "Show the memory protections smem gets on this machine (locking, guard pages, dumps)",
    },
    args: {
      json: { type: "boolean", description: "Print one JSON object instead of text" },
      ...globalArgs,
    },
    run: runCommand(async ({ args }) => {
      const { hardenProcess } = await import("../core/process-guard");
      const { platformReport, sodiumVersion } = await import("../core/platform");
      hardenProcess();
      const report = platformReport();
      const versions = { smem: pkg.version, bun: Bun.version, sodium: sodiumVersion() };
      writeStdout(
        args.json
          ? `${JSON.stringify({ version: versions, ...report }, null, 2)}\n`
          : renderInfo(report, versions),
      );
      if (mlockRequired() && !report.mlock.probeLocked) {
        throw new EnvironmentError(
          "memory could not be locked and --require-mlock is set (raise 'ulimit -l' or grant CAP_IPC_LOCK)",
        );
      }
    }),
  },
  ["smem info", "smem info --json", "smem info --require-mlock   # exit 5 unless memory can be locked"],
);
