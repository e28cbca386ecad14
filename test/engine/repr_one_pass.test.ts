import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatTensor } from '../../src/engine/repr.js';
import { Tensor } from '../../src/engine/tensor.js';
import { referenceFormatTensor } from './repr_reference.js';

/** Values that exercise every notation: integers, fixed, scientific, ties, zeros, -0, non-finite. */
const element = fc.oneof(
  fc.integer({ min: -2000, max: 2000 }),
  fc.double({ min: -100, max: 100 }),
  fc.double({ noNaN: false }),
  fc.constantFrom(0, -0, NaN, Infinity, -Infinity, 0.03125, -2.5, 1e-5, 123456789, 1e9, 0.5),
  // fixed notation past what rounds to an int32 at 4 digits (214748.3647): printed from text
  fc.double({ min: 100_000, max: 100_000_000, noNaN: true }),
  fc.constantFrom(214748.3647, 214748.36, 214748.375, -214748.5, 99.99995),
);

const shape = fc.oneof(
  fc.constant<number[]>([]),
  fc.tuple(fc.integer({ min: 0, max: 12 })),
  fc.tuple(fc.integer({ min: 1, max: 5 }), fc.integer({ min: 1, max: 9 })),
  fc.tuple(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 4 })),
  // over the 1000-element threshold: summarised
  fc.constantFrom([1001], [40, 30], [2, 3, 200], [1200]),
);

describe('formatTensor formats each element once and prints what the two-pass formatter printed', () => {
  it('on 3000 random tensors of both dtypes, with and without suffixes', () => {
    fc.assert(
      fc.property(shape, fc.array(element, { minLength: 1, maxLength: 64 }), fc.boolean(), fc.constantFrom(null, 'MulBackward0'), fc.boolean(), (dims, pool, wide, gradFn, requiresGrad) => {
        const n = dims.reduce((a, b) => a * b, 1);
        const values = Array.from({ length: n }, (_, i) => pool[(i * 7) % pool.length]);
        const t = new Tensor(wide ? Float64Array.from(values) : Float32Array.from(values), dims);
        const suffixes = { gradFn, requiresGrad };
        expect(formatTensor(t, suffixes)).toBe(referenceFormatTensor(t, suffixes));
      }),
      { numRuns: 3000, seed: 11 },
    );
  });
});
