import { ProblemError } from '../../errors.js';
import { apply, defineOp, type Primitive, type Value } from '../op.js';
import { extremeAll, extremeAlongDim, smaller, tiesMask } from '../kernels/extreme.js';
import { normalizeDim } from '../kernels/reduce.js';
import type { Tensor } from '../tensor.js';
import { div } from './div.js';
import { mul } from './mul.js';
import { expandReduced } from './sum.js';

// d min(x)/dx_i = 1/k for each of the k elements equal to the minimum, 0 elsewhere
// (PyTorch's evenly_distribute_backward: ties share the gradient; NaN inputs tie with a NaN result)
const MinAll: Primitive = {
  gradFn: 'MinBackward1',
  forward: ([x]) => extremeAll(x, smaller),
  backward: (g, { inputs: [x], output }) => {
    const { mask, ties } = tiesMask(x, output.item());
    return [mul(mask, div(g, ties))];
  },
};

interface DimAttrs {
  dim: number;
  keepdim: boolean;
}

// d min(x, dim)/dx = 1 at the index min(dim) returns (the first minimum along dim), 0 elsewhere
const MinDim: Primitive<DimAttrs> = {
  gradFn: 'MinBackward0',
  forward: ([x], { dim, keepdim }) => extremeAlongDim(x, dim, keepdim, smaller).values,
  backward: (g, { inputs: [x], attrs: { dim, keepdim } }) => {
    const { selected } = extremeAlongDim(x, dim, keepdim, smaller);
    return [mul(selected, expandReduced(g, x.shape, x.ndim === 0 ? [] : [dim], keepdim))];
  },
};

/** `min(x)` over all elements, or the values of `min(x, dim)` (the indices are not returned). */
export function min(x: Tensor, dim: number | null = null, keepdim = false): Tensor {
  if (dim === null) {
    if (x.numel === 0) {
      throw new ProblemError(
        'invalid-argument',
        "min(): Expected reduction dim to be specified for input.numel() == 0. Specify the reduction dim with the 'dim' argument.",
      );
    }
    return apply(MinAll, [x], undefined);
  }
  const d = normalizeDim(dim, x.ndim);
  if (x.ndim > 0 && x.shape[d] === 0) {
    throw new ProblemError('invalid-argument', `min(): Expected reduction dim ${d} to have non-zero size.`);
  }
  return apply(MinDim, [x], { dim: d, keepdim });
}

export default defineOp({
  name: 'min',
  summary: 'Minimum of all elements, or the minimum values along `dim` (keeping it with `keepdim=True`).',
  params: [
    { name: 'input', kind: 'tensor' },
    { name: 'dim', kind: 'int?', default: null },
    { name: 'keepdim', kind: 'bool', default: false },
  ],
  gradFns: ['MinBackward1', 'MinBackward0'],
  method: true,
  function: true,
  examples: [
    { args: [{ tensor: [2, 3] }] },
    { args: [{ tensor: [2, 3] }, 1] },
    { args: [{ tensor: [3, 4] }], kwargs: { dim: 0, keepdim: true } },
    { args: [{ tensor: [] }] },
  ],
  call: ({ input, dim, keepdim }): Value => min(input as Tensor, dim as number | null, keepdim as boolean),
});
