import { describe, expect, test } from "bun:test";
import pkg from "../../package.json" with { type: "json" };
import { LIBSODIUM } from "../../scripts/toolchain.mjs";
import { noMlockPrefix } from "../helpers/no-mlock";
import { runSmem } from "../helpers/smem";

describe("smem version", () => {
  test("prints smem, bun and libsodium versions (the pinned libsodium)", () => {
    const r = runSmem(["version"]);
    expect(r.status).toBe(0);
    const lines = r.stdout.toString().trim().split("\n");
    expect(lines).toEqual([`smem ${pkg.version}`, `bun ${Bun.version}`, `libsodium ${LIBSODIUM.version}`]);
  });

  test("--verbose (alone or after -q) also loads the shim and says where it came from", () => {
    for (const args of [
      ["version", "--verbose"],
      ["-q", "version", "--verbose"],
    ]) {
      const r = runSmem(args);
      expect(r.stderr.toString()).toBe("");
      expect(r.status).toBe(0);
      const lines = r.stdout.toString().trim().split("\n");
      expect(lines.slice(3)).toEqual([
        expect.stringMatching(
          new RegExp(
            `^shim abi 1, libsodium ${LIBSODIUM.version.replaceAll(".", "\\.")}, (development|SMEM_SHIM_PATH)$`,
          ),
        ),
        `platform ${process.platform}-${process.arch}`,
      ]);
    }
  });
});

describe("smem info", () => {
  test("plain text names every protection", () => {
    const r = runSmem(["info"]);
    expect(r.status).toBe(0);
    const out = r.stdout.toString();
    for (const label of [
      "page size",
      "guard pages",
      "memory locked",
      "RLIMIT_MEMLOCK",
      "core dumps",
      "dumpable",
    ]) {
      expect(out).toContain(label);
    }
    expect(out).toContain("disabled (RLIMIT_CORE 0)");
    if (process.platform === "linux") expect(out).toContain("no (PR_SET_DUMPABLE 0)");
  });

  test("--json reports the hardened state and the probe", () => {
    const r = runSmem(["info", "--json"]);
    expect(r.status).toBe(0);
    const j = JSON.parse(r.stdout.toString());
    expect(j.pageSize).toBeGreaterThanOrEqual(4096);
    expect(j.guardPages).toMatchObject({ enabled: true, perBuffer: 2 });
    expect(j.guardPages.footprint32).toBe(3 * j.pageSize);
    expect(j.coreLimit).toBe(0);
    if (process.platform === "linux") expect(j.dumpable).toBe(false);
    expect(j.features).toContain("guard-pages");
    expect(typeof j.mlock.probeLocked).toBe("boolean");
    expect(j.platform).toBe(process.platform);
  });

  test("--require-mlock succeeds where a probe buffer locks", () => {
    const probe = JSON.parse(runSmem(["info", "--json"]).stdout.toString());
    const r = runSmem(["info", "--require-mlock"]);
    expect(r.status).toBe(probe.mlock.probeLocked ? 0 : 5);
  });

  const prefix = noMlockPrefix();
  describe.skipIf(typeof prefix === "string")("with mlock refused (ulimit -l 0, no CAP_IPC_LOCK)", () => {
    const wrap = prefix as string[];
    test("info says memory is not locked", () => {
      const r = runSmem(["info", "--json"], { prefix: wrap });
      expect(r.status).toBe(0);
      const j = JSON.parse(r.stdout.toString());
      expect(j.mlock).toMatchObject({ probeLocked: false, soft: 0 });
      if (j.mlock.capIpcLock !== null) expect(j.mlock.capIpcLock).toBe(false);
      expect(runSmem(["info"], { prefix: wrap }).stdout.toString()).toContain(
        "NO: a probe buffer could not be mlocked",
      );
    });

    test("--require-mlock and SMEM_REQUIRE_MLOCK=1 exit 5 with one line", () => {
      for (const r of [
        runSmem(["info", "--require-mlock"], { prefix: wrap }),
        runSmem(["--require-mlock", "info"], { prefix: wrap }),
        runSmem(["info"], { prefix: wrap, env: { SMEM_REQUIRE_MLOCK: "1" } }),
      ]) {
        expect(r.status).toBe(5);
        expect(r.stderr.trim().split("\n")).toEqual([
          expect.stringMatching(/^smem: error: memory could not be locked/),
        ]);
      }
    });

    test("kdf still works unlocked, with one warning, and refuses under --require-mlock", () => {
      const args = ["kdf", "--salt", "73616c7473616c74", "--memory", "64", "--iterations", "1"];
      const ok = runSmem(args, { prefix: wrap, env: { SMEM_PASSPHRASE: "pass" } });
      expect(ok.status).toBe(0);
      expect(ok.stdout.toString()).toMatch(/^[0-9a-f]{64}\n$/);
      expect(ok.stderr.match(/could not be locked/g)?.length).toBe(1);
      const strict = runSmem([...args, "--require-mlock"], {
        prefix: wrap,
        env: { SMEM_PASSPHRASE: "pass" },
      });
      expect(strict.status).toBe(5);
      expect(strict.stdout.length).toBe(0);
    });
  });
});

describe("help and usage errors", () => {
  test("--help on every command shows usage and an example, exit 0", () => {
    for (const cmd of ["version", "info", "kdf"]) {
      const r = runSmem([cmd, "--help"]);
      expect(r.status).toBe(0);
      expect(r.stdout.toString()).toContain(`smem ${cmd}`);
      expect(r.stdout.toString()).toContain("EXAMPLES");
    }
    const top = runSmem(["--help"]);
    expect(top.status).toBe(0);
    expect(top.stdout.toString()).toContain("kdf");
  });

  test("no command, an unknown command or an unknown option: exit 1, one line", () => {
    expect(runSmem([]).status).toBe(1);
    for (const args of [["frobnicate"], ["info", "--bogus"], ["--bogus", "info"], ["version", "extra"]]) {
      const r = runSmem(args);
      expect(r.status).toBe(1);
      expect(r.stderr.trim().split("\n").length).toBe(1);
      expect(r.stderr).toMatch(/^smem: error: /);
    }
  });
});
