// Calibration logic against a synthetic cost model (no real timings in tests).
import { describe, expect, test } from "bun:test";
import type { KdfParams } from "../../core";
import { CALIBRATE_MAX_MEMORY_KIB, CALIBRATE_MIN_MEMORY_KIB, calibrateKdf } from "../../core/kdf-calibrate";

/** A machine where Argon2id costs `perKiBPass` ms per KiB per pass plus a fixed cost. */
function machine(perKiBPass: number, fixed = 2) {
  const calls: KdfParams[] = [];
  const measure = (p: KdfParams) => {
    calls.push(p);
    return fixed + perKiBPass * p.memoryKiB * p.iterations;
  };
  return { measure, calls };
}

describe("calibrateKdf", () => {
  test("prefers 3 passes and scales memory to the target", () => {
    const m = machine(0.005);
    const { params, measuredMs } = calibrateKdf(1000, {}, m.measure);
    expect(params.iterations).toBe(3);
    expect(params.rounds).toBe(1000);
    expect(params.memoryKiB % 1024).toBe(0);
    expect(Math.abs(measuredMs - 1000)).toBeLessThan(200);
    expect(m.calls.length).toBeLessThanOrEqual(3);
  });

  test("at the memory cap it adds passes instead", () => {
    const m = machine(0.0001);
    const { params, measuredMs } = calibrateKdf(2000, {}, m.measure);
    expect(params.memoryKiB).toBe(CALIBRATE_MAX_MEMORY_KIB);
    expect(params.iterations).toBeGreaterThan(3);
    expect(Math.abs(measuredMs - 2000)).toBeLessThan(400);
  });

  test("below the memory floor it uses fewer passes and never less than 8 MiB", () => {
    const m = machine(0.01);
    const { params } = calibrateKdf(50, { rounds: 5 }, m.measure);
    expect(params.memoryKiB).toBe(CALIBRATE_MIN_MEMORY_KIB);
    expect(params.iterations).toBe(1);
    expect(params.rounds).toBe(5);
  });

  test("with --memory fixed only the passes change, even when measurements are noisy", () => {
    const m = machine(0.001, 0);
    const { params } = calibrateKdf(100, { memoryKiB: 1024 }, m.measure);
    expect(params.memoryKiB).toBe(1024);
    expect(params.iterations).toBeGreaterThan(80);
    expect(params.iterations).toBeLessThan(120);
    // A machine whose 3-pass run looks no slower than its 1-pass run must not suggest 10,000 passes.
    const flat = calibrateKdf(100, { memoryKiB: 1024 }, () => 10);
    expect(flat.params.iterations).toBeLessThanOrEqual(30);
  });
});
