// Facts about this platform's protections, for `smem version` and `smem info`.
import { shim } from "../ffi";
import { nodeFs } from "./file-io";

export function sodiumVersion(): string {
  return String(shim().smem_sodium_version_string());
}

const UNLIMITED = 0xffffffffffffffffn;
const FEATURE_NAMES: [bit: number, name: string][] = [
  [1, "guard-pages"],
  [2, "mlock"],
  [4, "madv-dontdump"],
  [8, "nocore"],
  [16, "no-dumpable"],
  [32, "rlimit-core"],
  [64, "wer-exclude"], // Windows: data pages left out of Windows Error Reporting dumps
  [128, "no-crash-ui"], // Windows: SetErrorMode, no crash dialog
];

/** A resource limit in bytes; "unlimited"; or null where the platform has no such limit. */
export type Limit = number | "unlimited" | null;

function limitOf(value: bigint): Exclude<Limit, null> {
  return value === UNLIMITED ? "unlimited" : Number(value);
}

export interface PlatformReport {
  platform: string;
  arch: string;
  pageSize: number;
  /** Guard pages around every buffer (one before, one after), and the address space a 32-byte buffer takes. */
  guardPages: { enabled: boolean; perBuffer: number; footprint32: number };
  /** Whether a probe buffer could be mlocked right now, and the RLIMIT_MEMLOCK soft and hard limits. */
  mlock: { probeLocked: boolean; soft: Limit; hard: Limit; capIpcLock: boolean | null };
  /** RLIMIT_CORE soft limit (0 once hardened). */
  coreLimit: Limit;
  /** PR_SET_DUMPABLE state: true, false, or null where the platform has no such flag. */
  dumpable: boolean | null;
  /** The protections smem_platform_features() reports for this build. */
  features: string[];
}

/** Linux: whether this process may lock memory past RLIMIT_MEMLOCK (CAP_IPC_LOCK, bit 14). */
function capIpcLock(): boolean | null {
  if (process.platform !== "linux") return null;
  try {
    const hex = /^CapEff:\s*([0-9a-f]+)$/m.exec(nodeFs().readFileSync("/proc/self/status", "utf8"))?.[1];
    return hex ? ((BigInt(`0x${hex}`) >> 14n) & 1n) === 1n : null;
  } catch {
    return null;
  }
}

/**
 * Allocates and frees one guarded page straight through the shim (not a LockedBuffer, so the
 * mlock policy neither warns nor refuses): did it lock?
 */
export function probeMlock(): boolean {
  const native = shim();
  const slot = new BigUint64Array(1);
  const locked = new Int32Array(1);
  if (native.smem_alloc(slot, 32, locked) !== 0) return false;
  native.smem_free(Number(slot[0]), 32);
  return locked[0] === 1;
}

/** What protections this process actually has (call hardenProcess() first to see its effect). */
export function platformReport(): PlatformReport {
  const native = shim();
  const pageSize = Number(native.smem_page_size());
  const features = native.smem_platform_features();
  const soft = new BigUint64Array(1);
  const hard = new BigUint64Array(1);
  const haveMemlock = native.smem_mlock_limit(soft, hard) === 0;
  const core = new BigUint64Array(1);
  const haveCore = native.smem_core_limit(core) === 0;
  const dumpable = native.smem_dumpable();
  const footprint32 = Number(native.smem_alloc_footprint(32));
  const guarded = (features & 1) !== 0;
  return {
    platform: process.platform,
    arch: process.arch,
    pageSize,
    guardPages: { enabled: guarded, perBuffer: guarded ? 2 : 0, footprint32 },
    mlock: {
      probeLocked: probeMlock(),
      soft: haveMemlock ? limitOf(soft[0] as bigint) : null,
      hard: haveMemlock ? limitOf(hard[0] as bigint) : null,
      capIpcLock: capIpcLock(),
    },
    coreLimit: haveCore ? limitOf(core[0] as bigint) : null,
    dumpable: dumpable < 0 ? null : dumpable === 1,
    features: FEATURE_NAMES.filter(([bit]) => (features & bit) !== 0).map(([, name]) => name),
  };
}
