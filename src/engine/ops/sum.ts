import { ProblemError } from '../../errors.js';
import { apply, defineOp, type Primitive, type Value } from '../op.js';
import { dimensionOutOfRange, reducedShape, sumDims } from '../kernels/reduce.js';
import { sumAll } from '../kernels/sum.js';
import { castTo, Tensor } from '../tensor.js';
import { expand } from './expand.js';
import { view } from './view.js';

interface SumAttrs {
  /** Reduced dimensions; null means all (SumBackward0). */
  dims: readonly number[] | null;
  keepdim: boolean;
}

// d sum(x)/dx_i = 1: the gradient is the output gradient expanded back over the reduced dims
const Sum: Primitive<SumAttrs> = {
  gradFn: 'SumBackward0',
  saves: 'nothing',
  forward: ([x], { dims, keepdim }) => (dims === null ? sumAll(x) : sumDims(x, dims, keepdim)),
  backward: (g, { inputs: [x], attrs }) => [expandReduced(g, x.shape, attrs.dims, attrs.keepdim)],
};

const SumDim: Primitive<SumAttrs> = { ...Sum, gradFn: 'SumBackward1' };

/** Undoes a reduction's shape: re-inserts reduced dims as 1 and expands to `shape`. */
export function expandReduced(g: Tensor, shape: readonly number[], dims: readonly number[] | null, keepdim: boolean): Tensor {
  const kept = dims === null ? shape.map(() => 1) : reducedShape(shape, dims, true);
  const reshaped = keepdim && dims !== null ? g : view(g, kept);
  return expand(reshaped, shape);
}

/** Normalises a dim argument (int or list, negatives allowed) against `ndim`, PyTorch-style. */
export function normalizeDims(dim: number | readonly number[], ndim: number): number[] {
  const list = typeof dim === 'number' ? [dim] : [...dim];
  const range = Math.max(ndim, 1);
  const dims = list.map((d) => {
    if (d < -range || d >= range) {
      throw dimensionOutOfRange(d, range);
    }
    return d < 0 ? d + range : d;
  });
  if (ndim === 0) return [];
  return [...new Set(dims)].sort((a, b) => a - b);
}

export function sum(x: Tensor, dim: number | readonly number[] | null = null, keepdim = false): Tensor {
  // integer and bool tensors sum to int64
  const input = x.dtype === 'bool' ? castTo(x, 'int64') : x;
  if (dim === null) return apply(Sum, [input], { dims: null, keepdim: false });
  return apply(SumDim, [input], { dims: normalizeDims(dim, x.ndim), keepdim });
}

export default defineOp({
  name: 'sum',
  summary: 'Sum of all elements, or along `dim` (keeping it with `keepdim=True`).',
  params: [
    { name: 'input', kind: 'tensor' },
    { name: 'dim', kind: 'int|tuple?', default: null },
    { name: 'keepdim', kind: 'bool', default: false },
  ],
  gradFns: ['SumBackward0', 'SumBackward1'],
  method: true,
  function: true,
  examples: [{ args: [{ tensor: [2, 3] }] }, { args: [{ tensor: [2, 3] }, 1] }, { args: [{ tensor: [2, 3] }], kwargs: { dim: 0, keepdim: true } }],
  call: ({ input, dim, keepdim }): Value => sum(input as Tensor, dim as number | number[] | null, keepdim as boolean),
});
