import { describe, expect, it } from 'vitest';
import { type DType, Int64Array } from '../../src/engine/dtype.js';
import type { Scalar } from '../../src/engine/op.js';
import { add } from '../../src/engine/ops/add.js';
import { div } from '../../src/engine/ops/div.js';
import { exp } from '../../src/engine/ops/exp.js';
import { mean } from '../../src/engine/ops/mean.js';
import { mul } from '../../src/engine/ops/mul.js';
import { sqrt } from '../../src/engine/ops/sqrt.js';
import { sum } from '../../src/engine/ops/sum.js';
import { resultTypeOf } from '../../src/engine/promote.js';
import { formatTensor } from '../../src/engine/repr.js';
import { castTo, Tensor } from '../../src/engine/tensor.js';

const int64 = (...values: number[]) => new Tensor(Int64Array.from(values), [values.length]);
const bool = (...values: boolean[]) => new Tensor(Uint8Array.from(values, (v) => (v ? 1 : 0)), [values.length]);
const float32 = (...values: number[]) => new Tensor(Float32Array.from(values), [values.length]);
const float64 = (...values: number[]) => new Tensor(Float64Array.from(values), [values.length]);
const zeroDim = (t: Tensor) => new Tensor(t.data.slice(0, 1), []);
const repr = (t: Tensor) => formatTensor(t, {});

describe('dtypes', () => {
  it('a buffer tells its dtype', () => {
    expect([int64(1).dtype, bool(true).dtype, float32(1).dtype, float64(1).dtype]).toEqual(['int64', 'bool', 'float32', 'float64']);
    expect(int64(1, 2).data.slice()).toBeInstanceOf(Int64Array);
  });

  it('only floating tensors can require grad', () => {
    expect(() => new Tensor(Int64Array.of(1), [1], { requiresGrad: true })).toThrow(
      'Only Tensors of floating point and complex dtype can require gradients',
    );
  });

  it('casts truncate to int64 and test != 0 for bool', () => {
    expect(Array.from(castTo(float32(2.7, -2.7, 0.5), 'int64').data)).toEqual([2, -2, 0]);
    expect(Array.from(castTo(float32(2.5, 0, NaN), 'bool').data)).toEqual([1, 0, 1]);
  });
});

describe('type promotion (torch 1.13, checked by hand)', () => {
  const i = int64(1, 2);
  const f = float32(1, 2);
  const d = float64(1, 2);
  const b = bool(true, false);
  const cases: [string, () => Tensor, DType, string][] = [
    ['int64 * 2', () => mul(i, 2n), 'int64', 'tensor([2, 4])'],
    ['int64 * 2.5', () => mul(i, 2.5), 'float32', 'tensor([2.5000, 5.0000])'],
    ['int64 * True', () => mul(i, true), 'int64', 'tensor([1, 2])'],
    ['bool * 2', () => mul(b, 2n), 'int64', 'tensor([2, 0])'],
    ['bool * True', () => mul(b, true), 'bool', 'tensor([ True, False])'],
    ['bool + bool', () => add(b, b), 'bool', 'tensor([ True, False])'],
    ['float32 * 2', () => mul(f, 2n), 'float32', 'tensor([2., 4.])'],
    ['float64 * 2.5', () => mul(d, 2.5), 'float64', 'tensor([2.5000, 5.0000], dtype=torch.float64)'],
    ['int64 * float32', () => mul(i, f), 'float32', 'tensor([1., 4.])'],
    ['int64 * float64 0-dim', () => mul(i, zeroDim(d)), 'float64', 'tensor([1., 2.], dtype=torch.float64)'],
    ['float32 * float64 0-dim', () => mul(f, zeroDim(d)), 'float32', 'tensor([1., 2.])'],
    ['int64 * float32 0-dim', () => mul(i, zeroDim(f)), 'float32', 'tensor([1., 2.])'],
    ['bool * int64 0-dim', () => mul(b, new Tensor(Int64Array.of(3), [])), 'int64', 'tensor([3, 0])'],
    ['int64 0-dim * 2.5', () => mul(new Tensor(Int64Array.of(3), []), 2.5), 'float32', 'tensor(7.5000)'],
    ['int64 / 2', () => div(i, 2n), 'float32', 'tensor([0.5000, 1.0000])'],
    ['int64 / int64', () => div(i, i), 'float32', 'tensor([1., 1.])'],
    ['float64 0-dim * float32', () => mul(zeroDim(d), f), 'float32', 'tensor([1., 2.])'],
    ['int64.sum()', () => sum(int64(1, 2)), 'int64', 'tensor(3)'],
    ['bool.sum()', () => sum(b), 'int64', 'tensor(1)'],
    ['int64.exp()', () => exp(i), 'float32', 'tensor([2.7183, 7.3891])'],
    ['int64.sqrt()', () => sqrt(i), 'float32', 'tensor([1.0000, 1.4142])'],
  ];
  it.each(cases)('%s', (_label, run, dtype, text) => {
    const result = run();
    expect(result.dtype).toBe(dtype);
    expect(repr(result)).toBe(text);
  });

  it('Python numbers count as wrapped int64, float32 and bool', () => {
    const cases: [(Tensor | Scalar)[], DType][] = [
      [[1n, 2n], 'int64'],
      [[1n, 2.5], 'float32'],
      [[true, false], 'bool'],
      [[int64(1), 2.5], 'float32'],
      [[bool(true), 2n], 'int64'],
      [[float64(1), 2.5], 'float64'],
    ];
    for (const [values, dtype] of cases) expect(resultTypeOf(values)).toBe(dtype);
  });

  it('mean of an integer tensor is refused as torch does', () => {
    expect(() => mean(int64(1, 2))).toThrow('mean(): could not infer output dtype. Input dtype must be either a floating point or complex dtype. Got: Long');
  });
});

describe('repr of integer and bool tensors', () => {
  it('prints them as torch does', () => {
    expect(repr(int64(0, 1, 2))).toBe('tensor([0, 1, 2])');
    expect(repr(int64(-1, 10, 200))).toBe('tensor([ -1,  10, 200])');
    expect(repr(new Tensor(Uint8Array.of(1, 0), [2, 1]))).toBe('tensor([[ True],\n        [False]])');
    expect(repr(new Tensor(Uint8Array.of(1), []))).toBe('tensor(True)');
    expect(repr(new Tensor(new Int64Array(0), [0]))).toBe('tensor([], dtype=torch.int64)');
    expect(repr(new Tensor(new Uint8Array(0), [0]))).toBe('tensor([], dtype=torch.bool)');
    expect(repr(new Tensor(Int64Array.from({ length: 2000 }, (_, k) => k), [2000]))).toBe('tensor([   0,    1,    2,  ..., 1997, 1998, 1999])');
  });
});
