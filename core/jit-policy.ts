// A compiled smem starts with JavaScriptCore's tier-up thresholds scaled by STARTUP_JIT_POLICY
// (baked in by scripts/release.ts, `--compile-jit-policy`). `smem open -i` of a small file runs
// most of its code once, and compiling that code costs more than interpreting it (about 5% of
// the whole process). Whatever may run long restores the normal policy before it does: the whole
// CLI at its start (cmd/main.ts: every command but the solo open and seal bundles) and the STREAM
// engines as soon as a payload needs a second batch. The scale is finite, so even code that runs
// long before either point still reaches the JIT, only later.

/** The tier-up threshold scale a compiled executable starts with. */
export const STARTUP_JIT_POLICY = 1000;

let normal = false;

/** Puts JavaScriptCore's normal tier-up thresholds back (once; a no-op under plain `bun`). */
export function useNormalJitPolicy(): void {
  if (normal) return;
  normal = true;
  // Guarded: `bun cmd/main.ts` under a Bun without the call must still run.
  if (typeof Bun.unsafe.setJITPolicy === "function") Bun.unsafe.setJITPolicy(1);
}

/** Whether useNormalJitPolicy has run in this process. */
export function jitPolicyIsNormal(): boolean {
  return normal;
}
