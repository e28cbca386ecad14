import { ProblemError } from '../../errors.js';
import { allocate } from '../dtype.js';
import { chargeWork } from '../meter.js';
import { stridesOf, Tensor } from '../tensor.js';
import { sumContiguous } from './sum.js';

/** Output shape of reducing `dims` (sorted, distinct, non-negative). */
export function reducedShape(shape: readonly number[], dims: readonly number[], keepdim: boolean): number[] {
  const out: number[] = [];
  shape.forEach((d, i) => {
    if (!dims.includes(i)) out.push(d);
    else if (keepdim) out.push(1);
  });
  return out;
}

/**
 * Folds every group of elements that differ only along `dims` with `step`,
 * starting from `init`, visiting elements in memory order.
 */
export function reduceDims(
  t: Tensor,
  dims: readonly number[],
  keepdim: boolean,
  init: number,
  step: (acc: number, x: number) => number,
): Tensor {
  chargeWork(t.numel); // elements read
  const outShapeKeep = reducedShape(t.shape, dims, true);
  const outStrides = stridesOf(outShapeKeep).map((s, i) => (dims.includes(i) ? 0 : s));
  const n = outShapeKeep.reduce((a, b) => a * b, 1);
  const acc = new Float64Array(n).fill(init);
  const out = allocate(t.dtype, n);
  const shape = t.shape;
  const index = new Array<number>(shape.length).fill(0);
  let o = 0;
  const src = t.data;
  const round = t.dtype === 'float32' ? Math.fround : (v: number) => v;
  for (let i = 0; i < src.length; i++) {
    acc[o] = round(step(acc[o], src[i]));
    for (let d = shape.length - 1; d >= 0; d--) {
      index[d]++;
      o += outStrides[d];
      if (index[d] < shape[d]) break;
      o -= outStrides[d] * shape[d];
      index[d] = 0;
    }
  }
  out.set(acc);
  return new Tensor(out, reducedShape(t.shape, dims, keepdim));
}

/**
 * Sum over `dims` (sorted, distinct, non-negative). When the reduced dims are
 * the innermost ones, every output element sums one contiguous row, which
 * PyTorch does with its cascade sum (vectorized_inner_sum); other reductions
 * add in memory order.
 */
export function sumDims(t: Tensor, dims: readonly number[], keepdim: boolean): Tensor {
  const innermost = dims.length > 0 && dims.every((d, i) => d === t.ndim - dims.length + i);
  if (!innermost) return reduceDims(t, dims, keepdim, 0, (acc, x) => acc + x);
  chargeWork(t.numel); // elements read
  const rowLength = dims.reduce((n, d) => n * t.shape[d], 1);
  const shape = reducedShape(t.shape, dims, keepdim);
  const rows = shape.reduce((n, d) => n * d, 1);
  const out = allocate(t.dtype, rows);
  for (let r = 0; r < rows; r++) out[r] = sumContiguous(t.data, r * rowLength, rowLength);
  return new Tensor(out, shape);
}

/** A dim argument (negative allowed) as an index into `ndim` dims; a 0-dim tensor accepts 0 and -1. */
export function normalizeDim(dim: number, ndim: number): number {
  const range = Math.max(ndim, 1);
  if (dim < -range || dim >= range) {
    throw dimensionOutOfRange(dim, range);
  }
  return dim < 0 ? dim + range : dim;
}

/** PyTorch's IndexError for a dim outside [-range, range - 1]. */
export function dimensionOutOfRange(dim: number, range: number): ProblemError {
  return new ProblemError('invalid-argument', `Dimension out of range (expected to be in range of [${-range}, ${range - 1}], but got ${dim})`, {
    pythonType: 'IndexError',
  });
}

/**
 * The elements along `dim` as lines: line (o, i) holds data[o * size * inner + j * inner + i]
 * for j < size. A 0-dim tensor is one line of one element.
 */
export function linesAlong(shape: readonly number[], dim: number): { outer: number; size: number; inner: number } {
  if (shape.length === 0) return { outer: 1, size: 1, inner: 1 };
  const outer = shape.slice(0, dim).reduce((n, d) => n * d, 1);
  const inner = shape.slice(dim + 1).reduce((n, d) => n * d, 1);
  return { outer, size: shape[dim], inner };
}
