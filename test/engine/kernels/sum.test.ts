import { describe, expect, it } from 'vitest';
import { linspace } from '../../../src/engine/kernels/linspace.js';
import { sumDims } from '../../../src/engine/kernels/reduce.js';
import { sumAll, sumContiguous } from '../../../src/engine/kernels/sum.js';
import { Tensor } from '../../../src/engine/tensor.js';
import { vectors } from './vectors.js';

/** Left-to-right float32 summation: what PyTorch does not do. */
function leftToRight(values: Float32Array): number {
  let total = 0;
  for (const v of values) total = Math.fround(total + v);
  return total;
}

describe('sumContiguous (float32)', () => {
  it.each(vectors.sum.map((c) => [c.values.length, c] as const))('matches torch.sum bit for bit on %i values', (_, c) => {
    const data = Float32Array.from(c.values);
    expect(sumContiguous(data, 0, data.length)).toBe(c.torch);
  });

  it('is not left-to-right summation, which the vectors tell apart', () => {
    const differing = vectors.sum.filter((c) => leftToRight(Float32Array.from(c.values)) !== c.torch);
    expect(differing.length).toBeGreaterThan(10);
  });

  it('sums a window of a larger array as if it stood alone', () => {
    const c = vectors.sum.find((v) => v.values.length === 257);
    if (!c) throw new Error('vectors.json has no 257-element case');
    const padded = new Float32Array(c.values.length + 10).fill(1e6);
    padded.set(c.values, 3);
    expect(sumContiguous(padded, 3, c.values.length)).toBe(c.torch);
  });

  it('returns +0 for an empty range', () => {
    expect(Object.is(sumContiguous(new Float32Array(0), 0, 0), 0)).toBe(true);
  });

  it("gives the course's relu(linspace(-10, 10, 1000)).sum() as 2502.5027", () => {
    const x = linspace(-10, 10, 1000, 'float32');
    const relu = new Tensor(x.data.map((v) => (v < 0 ? 0 : v)), [1000]);
    const total = sumAll(relu);
    expect(total.shape).toEqual([]);
    expect(total.item()).toBe(Math.fround(2502.5027));
    expect(total.item().toFixed(4)).toBe('2502.5027');
    expect(leftToRight(relu.data as Float32Array).toFixed(4)).toBe('2502.5032');
  });

  it('sums a million elements (speed is measured by npm run bench:engine, not here)', () => {
    const data = Float32Array.from({ length: 1_000_000 }, (_, i) => ((i * 7919) % 1000) / 997);
    const total = sumContiguous(data, 0, data.length);
    expect(total).toBeCloseTo(leftToRight(data), -1);
  });
});

describe('sumContiguous (float64)', () => {
  it('agrees with exact summation within float64 rounding', () => {
    const data = Float64Array.from({ length: 1001 }, (_, i) => Math.sin(i) * 10);
    let exact = 0;
    for (const v of data) exact += v;
    expect(sumContiguous(data, 0, data.length)).toBeCloseTo(exact, 10);
  });
});

describe('sumDims', () => {
  it('sums each contiguous innermost row with the cascade', () => {
    const rows = vectors.sum.filter((c) => c.values.length === 100).slice(0, 1);
    const c = rows[0];
    const data = Float32Array.from([...c.values, ...c.values.map((v) => -v)]);
    const out = sumDims(new Tensor(data, [2, 100]), [1], false);
    expect(out.shape).toEqual([2]);
    expect([...out.data]).toEqual([c.torch, -c.torch]);
  });

  it('treats several trailing dims as one row and keeps dims on request', () => {
    const c = vectors.sum.find((v) => v.values.length === 1000 && !v.note);
    if (!c) throw new Error('vectors.json has no plain 1000-element case');
    const out = sumDims(new Tensor(Float32Array.from(c.values), [1, 10, 100]), [1, 2], true);
    expect(out.shape).toEqual([1, 1, 1]);
    expect(out.item()).toBe(c.torch);
  });

  it('sums over leading dims in memory order', () => {
    const out = sumDims(new Tensor(Float32Array.of(1, 2, 3, 4, 5, 6), [2, 3]), [0], false);
    expect(out.shape).toEqual([3]);
    expect([...out.data]).toEqual([5, 7, 9]);
  });
});
