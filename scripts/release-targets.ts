// The five release targets: how Zig names each for the shim, how Bun names it for --compile, and
// where each build puts its output. One row per target keeps the build, the tests and the README
// in step.

export type TargetName = "linux-x64" | "linux-arm64" | "darwin-arm64" | "windows-x64" | "windows-arm64";

export interface ReleaseTarget {
  name: TargetName;
  /** `zig build -Dtarget=`; Linux pins glibc 2.17, the oldest glibc Bun's own Linux builds need. */
  zigTarget: string;
  /** `bun build --compile --target=` */
  bunTarget: string;
  /** The shim inside the per-target Zig prefix. */
  shimPath: string;
  /** File name under dist/. */
  outFile: string;
  os: "linux" | "darwin" | "win32";
  arch: "x64" | "arm64";
}

export const RELEASE_TARGETS: readonly ReleaseTarget[] = [
  {
    name: "linux-x64",
    zigTarget: "x86_64-linux-gnu.2.17",
    bunTarget: "bun-linux-x64",
    shimPath: "lib/libsmem_shim.so",
    outFile: "smem-linux-x64",
    os: "linux",
    arch: "x64",
  },
  {
    name: "linux-arm64",
    zigTarget: "aarch64-linux-gnu.2.17",
    bunTarget: "bun-linux-arm64",
    shimPath: "lib/libsmem_shim.so",
    outFile: "smem-linux-arm64",
    os: "linux",
    arch: "arm64",
  },
  {
    name: "darwin-arm64",
    zigTarget: "aarch64-macos",
    bunTarget: "bun-darwin-arm64",
    shimPath: "lib/libsmem_shim.dylib",
    outFile: "smem-darwin-arm64",
    os: "darwin",
    arch: "arm64",
  },
  {
    name: "windows-x64",
    zigTarget: "x86_64-windows-gnu",
    bunTarget: "bun-windows-x64",
    shimPath: "bin/smem_shim.dll",
    outFile: "smem-windows-x64.exe",
    os: "win32",
    arch: "x64",
  },
  {
    name: "windows-arm64",
    zigTarget: "aarch64-windows-gnu",
    bunTarget: "bun-windows-arm64",
    shimPath: "bin/smem_shim.dll",
    outFile: "smem-windows-arm64.exe",
    os: "win32",
    arch: "arm64",
  },
];

export function targetByName(name: string): ReleaseTarget | undefined {
  return RELEASE_TARGETS.find((t) => t.name === name);
}

/** The release target this machine runs, or undefined (e.g. linux musl, Intel macOS). */
export function hostTarget(): ReleaseTarget | undefined {
  if (process.platform === "linux" && process.report?.getReport) {
    // A musl host cannot run the glibc builds.
    const header = (process.report.getReport() as { header?: { glibcVersionRuntime?: string } }).header;
    if (!header?.glibcVersionRuntime) return undefined;
  }
  return RELEASE_TARGETS.find((t) => t.os === process.platform && t.arch === process.arch);
}
