import { allocate, type DType, rounder, type Storage } from '../dtype.js';
import { chargeWork } from '../meter.js';
import { Tensor } from '../tensor.js';
import { reducedShape } from './reduce.js';

/**
 * torch.linalg.vector_norm's values over `dims` (sorted, distinct), in
 * torch 1.13's order of float operations (aten/src/ATen/native/cpu/ReduceOpsKernel.cpp):
 * ord 1 sums |x| in order, ±inf takes the largest/smallest |x| (NaN wins),
 * 0 counts non-zeros, any other p sums |x|^p and takes the (1/p)-th power (1/p
 * in the dtype). The 2-norm of contiguous rows (reducing the innermost dims)
 * is torch's vectorised path: eight float32 lanes (four float64) of fused
 * multiply-adds, the lanes added in order, then the tail: its first multiple
 * of four elements plainly (x*x rounded, then added), the rest fused; every
 * other 2-norm fuses each x*x into the running sum in memory order. Checked
 * bit for bit against torch on random float32 vectors.
 */
export function vectorNormData(t: Tensor, dims: readonly number[], keepdim: boolean, ord: number, dtype: DType): Tensor {
  const round = rounder(dtype);
  const shape = reducedShape(t.shape, dims, keepdim);
  const src = t.data;
  chargeWork(src.length);
  const innermost = dims.every((d, i) => d === t.ndim - dims.length + i);
  if (ord === 2 && innermost) {
    const length = dims.reduce((n, d) => n * t.shape[d], 1);
    const rows = length === 0 ? numel(shape) : src.length / length;
    const out = allocate(dtype, rows);
    for (let r = 0; r < rows; r++) out[r] = round(Math.sqrt(sumOfSquaresRow(src, r * length, length, dtype)));
    return new Tensor(out, shape);
  }
  const [init, step, finish] = normSteps(ord, round);
  const acc = foldAlong(t, dims, init, (a, x) => round(step(a, x)));
  const out = allocate(dtype, acc.length);
  for (let i = 0; i < acc.length; i++) out[i] = finish(acc[i]);
  return new Tensor(out, shape);
}

function numel(shape: readonly number[]): number {
  return shape.reduce((n, d) => n * d, 1);
}

const LANES: Record<DType, number> = { float32: 8, float64: 4, int64: 1, bool: 1 };

function sumOfSquaresRow(src: Storage, start: number, length: number, dtype: DType): number {
  const round = rounder(dtype);
  const lanes = LANES[dtype];
  const acc = new Float64Array(lanes);
  let d = 0;
  // Products of two float32 values are exact in a double: `acc + x * x` rounded once is a float32 fma.
  for (; d + lanes <= length; d += lanes) {
    for (let j = 0; j < lanes; j++) {
      const x = src[start + d + j];
      acc[j] = round(acc[j] + x * x);
    }
  }
  let total = acc[0];
  for (let j = 1; j < lanes; j++) total = round(total + acc[j]);
  const plain = d + Math.floor((length - d) / 4) * 4;
  for (; d < plain; d++) {
    const x = src[start + d];
    total = round(total + round(x * x));
  }
  for (; d < length; d++) {
    const x = src[start + d];
    total = round(total + x * x);
  }
  return total;
}

type Step = (acc: number, x: number) => number;

/** The accumulator's start, its step (rounded by the caller) and the projection of the result. */
function normSteps(ord: number, round: (v: number) => number): [number, Step, (acc: number) => number] {
  const same = (acc: number) => acc;
  if (ord === Infinity) return [0, (a, x) => (Number.isNaN(a) || Number.isNaN(x) ? NaN : Math.max(a, Math.abs(x))), same];
  if (ord === -Infinity) return [Infinity, (a, x) => (Number.isNaN(a) || Number.isNaN(x) ? NaN : Math.min(a, Math.abs(x))), same];
  if (ord === 0) return [0, (a, x) => a + (x !== 0 ? 1 : 0), same];
  if (ord === 1) return [0, (a, x) => a + Math.abs(x), same];
  if (ord === 2) return [0, (a, x) => a + x * x, (acc) => round(Math.sqrt(acc))];
  const inverse = round(1 / ord);
  return [0, (a, x) => a + round(Math.abs(x) ** ord), (acc) => round(acc ** inverse)];
}

/** Folds every group of elements that differ only along `dims`, in memory order, one accumulator per output element. */
function foldAlong(t: Tensor, dims: readonly number[], init: number, step: Step): Float64Array {
  const keep = reducedShape(t.shape, dims, true);
  const outStrides = new Array<number>(t.ndim);
  let s = 1;
  for (let d = t.ndim - 1; d >= 0; d--) {
    outStrides[d] = dims.includes(d) ? 0 : s;
    s *= keep[d];
  }
  const acc = new Float64Array(numel(keep)).fill(init);
  const src = t.data;
  const index = new Array<number>(t.ndim).fill(0);
  let o = 0;
  for (let i = 0; i < src.length; i++) {
    acc[o] = step(acc[o], src[i]);
    for (let d = t.ndim - 1; d >= 0; d--) {
      index[d]++;
      o += outStrides[d];
      if (index[d] < t.shape[d]) break;
      o -= outStrides[d] * t.shape[d];
      index[d] = 0;
    }
  }
  return acc;
}
