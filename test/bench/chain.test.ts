import { describe, expect, it } from 'vitest';
import { chainEngine, chainFused } from '../../bench/chain.js';
import { float32Linspace } from '../../bench/workloads.js';

// The engine benchmark compares the engine with a hand-written loop; both must compute the same bits.
describe('the benchmark chain sum(relu(x) * x**2 + exp(-x))', () => {
  for (const n of [1, 7, 1000, 4099]) {
    it(`gives identical value and gradient through the engine and the fused loop (${n} elements)`, () => {
      const x = new Float32Array(float32Linspace(-10, 10, n));
      const engine = chainEngine(x);
      const fused = chainFused(x);
      expect(Object.is(engine.y, fused.y)).toBe(true);
      expect(Array.from(engine.grad)).toEqual(Array.from(fused.grad));
    });
  }
});
