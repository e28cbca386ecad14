import { allocate, rounder, type DType } from '../dtype.js';
import { broadcastShapes } from '../broadcast.js';
import { numelOf, stridesOf, Tensor } from '../tensor.js';

/** out[i] = f(a[i]), rounded to `dtype` (default: a's). */
export function map(a: Tensor, f: (x: number) => number, dtype: DType = a.dtype): Tensor {
  const src = a.data;
  const out = allocate(dtype, src.length);
  for (let i = 0; i < src.length; i++) out[i] = f(src[i]);
  return new Tensor(out, a.shape.slice());
}

/**
 * out = f(a, b) with broadcasting. Typed-array stores round each result to the
 * output dtype, which is exactly one float32 rounding per op, as PyTorch does.
 */
export function zip(a: Tensor, b: Tensor, dtype: DType, f: (x: number, y: number) => number): Tensor {
  const ad = a.data;
  const bd = b.data;
  if (a.numel === b.numel && a.ndim === b.ndim && a.shape.every((d, i) => d === b.shape[i])) {
    const out = allocate(dtype, ad.length);
    for (let i = 0; i < ad.length; i++) out[i] = f(ad[i], bd[i]);
    return new Tensor(out, a.shape.slice());
  }
  const shape = broadcastShapes(a.shape, b.shape);
  const n = numelOf(shape);
  const out = allocate(dtype, n);
  if (b.numel === 1 && a.numel === n) {
    const y = bd[0];
    for (let i = 0; i < n; i++) out[i] = f(ad[i], y);
    return new Tensor(out, shape);
  }
  if (a.numel === 1 && b.numel === n) {
    const x = ad[0];
    for (let i = 0; i < n; i++) out[i] = f(x, bd[i]);
    return new Tensor(out, shape);
  }
  const sa = broadcastStrides(a.shape, shape);
  const sb = broadcastStrides(b.shape, shape);
  const index = new Array<number>(shape.length).fill(0);
  let ia = 0;
  let ib = 0;
  for (let i = 0; i < n; i++) {
    out[i] = f(ad[ia], bd[ib]);
    // advance the multi-index like an odometer, moving both source offsets
    for (let d = shape.length - 1; d >= 0; d--) {
      index[d]++;
      ia += sa[d];
      ib += sb[d];
      if (index[d] < shape[d]) break;
      ia -= sa[d] * shape[d];
      ib -= sb[d] * shape[d];
      index[d] = 0;
    }
  }
  return new Tensor(out, shape);
}

/** Strides that read `shape` as if broadcast to `target` (0 along broadcast dims). */
export function broadcastStrides(shape: readonly number[], target: readonly number[]): number[] {
  const own = stridesOf(shape);
  const lead = target.length - shape.length;
  return target.map((_, d) => (d < lead || shape[d - lead] === 1 ? 0 : own[d - lead]));
}

/** Rounds a Python number to the dtype it will be computed in. */
export function scalarIn(dtype: DType, value: number): number {
  return rounder(dtype)(value);
}
