// `npm run bench:seal`: smem seal -p / smem open on a 1 GiB random file from the page cache to
// /dev/null, side by side in one run with age -r (X25519) / age -d, gpg --symmetric and
// openssl enc -chacha20. Medians over SMEM_BENCH_RUNS runs (default 3), throughput ratios
// against age, and peak RSS (GNU time) of smem seal at 64 MiB and 1 GiB. Runs against dist/smem
// when it exists (`npm run build`), else `bun cmd/main.ts`. Timings never go in tests.
//
//   SMEM_BENCH_SIZE_MIB=1024 SMEM_BENCH_RUNS=3 bun scripts/bench/seal-open.ts
import { spawnSync } from "node:child_process";
import {
  closeSync,
  existsSync,
  mkdtempSync,
  openSync,
  readFileSync,
  rmSync,
  writeFileSync,
  writeSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadAverage, median, printTable, type Row, root } from "./common";

const sizeMiB = Number(process.env.SMEM_BENCH_SIZE_MIB ?? 1024);
const runs = Number(process.env.SMEM_BENCH_RUNS ?? 3);
const work = mkdtempSync(join(process.env.SMEM_BENCH_DIR ?? tmpdir(), "smem-bench-seal-"));
const TIME = "/usr/bin/time";

function which(cmd: string): string | null {
  const r = spawnSync("sh", ["-c", `command -v ${cmd}`], { encoding: "utf8" });
  return r.status === 0 ? r.stdout.trim() : null;
}

function smemCommand(): string[] {
  const dist = join(root, "dist", process.platform === "win32" ? "smem.exe" : "smem");
  if (existsSync(dist)) return [dist];
  return [process.execPath, join(root, "cmd", "main.ts")];
}

/** A random file of `mib` MiB, written in 8 MiB pieces. */
function randomFile(path: string, mib: number): void {
  const fd = openSync(path, "w");
  const piece = new Uint8Array(8 << 20);
  try {
    for (let left = mib << 20; left > 0; left -= piece.length) {
      // getRandomValues fills at most 64 KiB per call.
      for (let o = 0; o < piece.length; o += 65536) crypto.getRandomValues(piece.subarray(o, o + 65536));
      writeSync(fd, piece, 0, Math.min(piece.length, left));
    }
  } finally {
    closeSync(fd);
  }
}

interface Measured {
  seconds: number;
  /** User + system CPU seconds: what the run costs whatever else the machine is doing. */
  cpuSeconds: number;
  maxRssKiB: number;
}

/** Runs argv with stdin from `input` and stdout to `output` under GNU time; wall time and peak RSS. */
function timed(argv: string[], input: string, output: string): Measured {
  const inFd = openSync(input, "r");
  const outFd = openSync(output, "w");
  const report = join(work, "time.txt");
  try {
    const r = spawnSync(TIME, ["-f", "%e %U %S %M", "-o", report, ...argv], { stdio: [inFd, outFd, "pipe"] });
    if (r.status !== 0) throw new Error(`${argv.join(" ")} failed: ${r.stderr.toString().slice(-300)}`);
  } finally {
    closeSync(inFd);
    closeSync(outFd);
  }
  const [seconds, user, sys, rss] = readFileSync(report, "utf8").trim().split("\n").pop()?.split(" ") ?? [];
  return { seconds: Number(seconds), cpuSeconds: Number(user) + Number(sys), maxRssKiB: Number(rss) };
}

function warm(path: string): void {
  spawnSync("sh", ["-c", `cat '${path}' > /dev/null`]);
}

interface Tool {
  name: string;
  seal: string[];
  open: string[];
}

function main(): void {
  if (!existsSync(TIME)) throw new Error("GNU time (/usr/bin/time) is needed: apt-get install -y time");
  const smem = smemCommand();
  const passFile = join(work, "pass");
  writeFileSync(passFile, "benchmark passphrase\n");
  const input = join(work, "input");
  const small = join(work, "input-64m");
  process.stderr.write(`bench: writing ${sizeMiB} MiB and 64 MiB random files in ${work}\n`);
  randomFile(input, sizeMiB);
  randomFile(small, 64);
  // Written back before the first measurement, not during it.
  spawnSync("sync");

  const tools: Tool[] = [
    {
      name: "smem",
      seal: [...smem, "seal", "--passphrase-file", passFile],
      open: [...smem, "open", "--passphrase-file", passFile],
    },
  ];
  const age = which("age");
  const ageKeygen = which("age-keygen");
  if (age && ageKeygen) {
    const keyFile = join(work, "age.key");
    const kg = spawnSync(ageKeygen, ["-o", keyFile], { encoding: "utf8" });
    const recipient = /public key: (age1[0-9a-z]+)/i.exec(kg.stderr)?.[1];
    if (!recipient) throw new Error("age-keygen gave no recipient");
    tools.push({ name: "age (X25519)", seal: [age, "-r", recipient], open: [age, "-d", "-i", keyFile] });
  }
  const gpg = which("gpg");
  if (gpg) {
    const home = join(work, "gnupg");
    spawnSync("mkdir", ["-m", "700", home]);
    const base = [
      gpg,
      "--homedir",
      home,
      "--batch",
      "--quiet",
      "--pinentry-mode",
      "loopback",
      "--passphrase-file",
      passFile,
    ];
    tools.push({
      name: "gpg --symmetric (AES256)",
      seal: [...base, "--symmetric", "--cipher-algo", "AES256", "--compress-algo", "none", "-o", "-"],
      open: [...base, "--decrypt", "-o", "-"],
    });
  }
  const openssl = which("openssl");
  if (openssl) {
    const base = [openssl, "enc", "-chacha20", "-pbkdf2", "-pass", `file:${passFile}`];
    tools.push({ name: "openssl enc -chacha20", seal: [...base, "-e"], open: [...base, "-d"] });
  }

  const results = new Map<string, { seal: Measured[]; open: Measured[] }>();
  for (const t of tools) results.set(t.name, { seal: [], open: [] });
  // Interleaved runs, so that the machine's load drifts over every tool alike.
  for (let run = 0; run < runs; run++) {
    for (const t of tools) {
      const sealed = join(work, `sealed-${t.name.split(" ")[0]}`);
      warm(input);
      // The first run also writes the ciphertext that the open runs read.
      const s = timed(t.seal, input, run === 0 ? sealed : "/dev/null");
      if (run === 0) {
        // The ciphertext file just written is flushed now: its writeback (a GiB per tool) would
        // otherwise run in the background during whichever measurement comes next.
        spawnSync("sync");
        // Time sealing again to /dev/null: writing a file would measure the disk.
        warm(input);
        results.get(t.name)?.seal.push(timed(t.seal, input, "/dev/null"));
      } else {
        results.get(t.name)?.seal.push(s);
      }
      warm(sealed);
      results.get(t.name)?.open.push(timed(t.open, sealed, "/dev/null"));
      const r = results.get(t.name);
      const last = (m: Measured[] | undefined) => {
        const x = m?.[m.length - 1];
        return x ? `${x.seconds.toFixed(3)} s (${x.cpuSeconds.toFixed(2)} CPU-s)` : "";
      };
      process.stderr.write(
        `bench: run ${run + 1}: ${t.name}: seal ${last(r?.seal)}, open ${last(r?.open)}\n`,
      );
    }
  }

  const mb = (sizeMiB * 1048576) / 1e6;
  const rate = (m: Measured[]) => mb / median(m.map((x) => x.seconds));
  const ageRes = results.get("age (X25519)");
  const rows: Row[] = [];
  for (const t of tools) {
    const r = results.get(t.name) as { seal: Measured[]; open: Measured[] };
    for (const op of ["seal", "open"] as const) {
      const ms = r[op];
      const thr = rate(ms);
      let ratio = "";
      let verdict: Row["verdict"] = "";
      if (ageRes && t.name !== "age (X25519)") {
        const vs = thr / rate(ageRes[op]);
        if (t.name === "smem") {
          const target = op === "seal" ? 1.25 : 1.5;
          ratio = `${vs.toFixed(2)}x age (>= ${target}x)`;
          verdict = vs >= target ? "ok" : "MISS";
        } else {
          ratio = `${vs.toFixed(2)}x age`;
        }
      }
      const cpu = median(ms.map((x) => x.cpuSeconds));
      rows.push({
        name: `${t.name} ${op === "seal" ? "encrypt" : "decrypt"} ${sizeMiB} MiB`,
        value: `${median(ms.map((x) => x.seconds)).toFixed(3)} s, ${thr.toFixed(0)} MB/s, ${cpu.toFixed(2)} CPU-s, peak RSS ${(Math.max(...ms.map((x) => x.maxRssKiB)) / 1024).toFixed(0)} MiB`,
        ratio,
        verdict,
      });
    }
  }

  // Peak RSS: constant memory means the 1 GiB run peaks where the 64 MiB run does.
  const smemTool = tools[0] as Tool;
  const rssSmall = Math.max(
    ...Array.from({ length: runs }, () => timed(smemTool.seal, small, "/dev/null").maxRssKiB),
  );
  const rssBig = Math.max(...(results.get("smem")?.seal ?? []).map((x) => x.maxRssKiB));
  rows.push({
    name: "smem seal peak RSS, 64 MiB input",
    value: `${(rssSmall / 1024).toFixed(1)} MiB`,
  });
  rows.push({
    name: `smem seal peak RSS, ${sizeMiB} MiB input`,
    value: `${(rssBig / 1024).toFixed(1)} MiB`,
    ratio: `${(rssBig / rssSmall).toFixed(2)}x the 64 MiB peak (<= 1.2x, <= 150 MiB)`,
    verdict: rssBig / rssSmall <= 1.2 && rssBig <= 150 * 1024 ? "ok" : "MISS",
  });

  printTable(
    `smem seal/open vs age, gpg, openssl (${smem.length === 1 ? "dist/smem" : "bun cmd/main.ts"}, ${runs} runs, medians; ${process.platform}-${process.arch}, ${navigator.hardwareConcurrency} CPUs, load average ${loadAverage()})`,
    rows,
  );
}

try {
  main();
} finally {
  rmSync(work, { recursive: true, force: true });
}
