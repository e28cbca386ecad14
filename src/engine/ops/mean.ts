import { apply, defineOp, type Primitive, type Value } from '../op.js';
import { isFloating, rounder, scalarTypeName } from '../dtype.js';
import { ProblemError } from '../../errors.js';
import { sumDims } from '../kernels/reduce.js';
import { sumAll } from '../kernels/sum.js';
import type { Tensor } from '../tensor.js';
import { div } from './div.js';
import { expandReduced, normalizeDims } from './sum.js';

interface MeanAttrs {
  /** Reduced dimensions; null means all (MeanBackward0). */
  dims: readonly number[] | null;
  keepdim: boolean;
}

/** How many elements each output element averages. */
function countReduced(shape: readonly number[], dims: readonly number[] | null): number {
  return (dims ?? shape.map((_, i) => i)).reduce((n, d) => n * shape[d], 1);
}

// d mean(x)/dx_i = 1/n: the output gradient expanded back over the reduced dims, divided by n
const Mean: Primitive<MeanAttrs> = {
  gradFn: 'MeanBackward0',
  saves: 'nothing',
  // PyTorch on CPU: the (cascade) sum, then one division by n in the dtype
  forward: ([x], { dims, keepdim }) => {
    const total = dims === null ? sumAll(x) : sumDims(x, dims, keepdim);
    const n = rounder(x.dtype)(countReduced(x.shape, dims));
    for (let i = 0; i < total.numel; i++) total.data[i] /= n;
    return total;
  },
  backward: (g, { inputs: [x], attrs: { dims, keepdim } }) => [div(expandReduced(g, x.shape, dims, keepdim), countReduced(x.shape, dims))],
};

const MeanDim: Primitive<MeanAttrs> = { ...Mean, gradFn: 'MeanBackward1' };

export function mean(x: Tensor, dim: number | readonly number[] | null = null, keepdim = false): Tensor {
  if (!isFloating(x.dtype)) {
    throw new ProblemError(
      'invalid-argument',
      `mean(): could not infer output dtype. Input dtype must be either a floating point or complex dtype. Got: ${scalarTypeName(x.dtype)}`,
    );
  }
  if (dim === null) return apply(Mean, [x], { dims: null, keepdim: false });
  return apply(MeanDim, [x], { dims: normalizeDims(dim, x.ndim), keepdim });
}

export default defineOp({
  name: 'mean',
  summary: 'Mean of all elements, or along `dim` (keeping it with `keepdim=True`).',
  params: [
    { name: 'input', kind: 'tensor' },
    { name: 'dim', kind: 'int|tuple?', default: null },
    { name: 'keepdim', kind: 'bool', default: false },
  ],
  gradFns: ['MeanBackward0', 'MeanBackward1'],
  method: true,
  function: true,
  examples: [
    { args: [{ tensor: [2, 3] }] },
    { args: [{ tensor: [2, 3] }, 1] },
    { args: [{ tensor: [2, 3, 4] }], kwargs: { dim: 0, keepdim: true } },
    { args: [{ tensor: [] }] },
  ],
  call: ({ input, dim, keepdim }): Value => mean(input as Tensor, dim as number | number[] | null, keepdim as boolean),
});
