import { describe, expect, it } from 'vitest';
import { Tensor } from '../../src/engine/tensor.js';
import { toNested, toWireNumber } from '../../src/program/wire.js';

describe('toNested', () => {
  it('writes non-finite values as their wire strings and keeps -0', () => {
    const t = new Tensor(Float32Array.of(1.5, NaN, Infinity, -Infinity, -0, 3), [2, 3]);
    const nested = toNested(t) as unknown[][];
    expect(nested).toEqual([[1.5, 'NaN', 'Infinity'], ['-Infinity', -0, 3]]);
    expect(Object.is(nested[1][1], -0)).toBe(true);
  });

  it('gives a bare number for 0-dim tensors and nests any rank', () => {
    expect(toNested(new Tensor(Float64Array.of(NaN), []))).toBe('NaN');
    expect(toNested(new Tensor(Float64Array.of(0.1), []))).toBe(0.1);
    const values = Float32Array.from({ length: 24 }, (_, i) => i / 3);
    const nested = toNested(new Tensor(values, [2, 3, 4])) as number[][][];
    expect(nested[1][2][3]).toBe(values[23]);
    expect(nested.flat(2)).toEqual(Array.from(values, toWireNumber));
    expect(toNested(new Tensor(new Float32Array(0), [2, 0]))).toEqual([[], []]);
  });
});
