import { ProblemError } from '../../errors.js';
import { apply, defineOp, type Primitive, type Value } from '../op.js';
import { extremeAll, extremeAlongDim, larger, tiesMask } from '../kernels/extreme.js';
import { normalizeDim } from '../kernels/reduce.js';
import type { Tensor } from '../tensor.js';
import { div } from './div.js';
import { mul } from './mul.js';
import { expandReduced } from './sum.js';

// d max(x)/dx_i = 1/k for each of the k elements equal to the maximum, 0 elsewhere
// (PyTorch's evenly_distribute_backward: ties share the gradient; NaN inputs tie with a NaN result)
const MaxAll: Primitive = {
  gradFn: 'MaxBackward1',
  forward: ([x]) => extremeAll(x, larger),
  backward: (g, { inputs: [x], output }) => {
    const { mask, ties } = tiesMask(x, output.item());
    return [mul(mask, div(g, ties))];
  },
};

interface DimAttrs {
  dim: number;
  keepdim: boolean;
}

// d max(x, dim)/dx = 1 at the index max(dim) returns (the first maximum along dim), 0 elsewhere
const MaxDim: Primitive<DimAttrs> = {
  gradFn: 'MaxBackward0',
  forward: ([x], { dim, keepdim }) => extremeAlongDim(x, dim, keepdim, larger).values,
  backward: (g, { inputs: [x], attrs: { dim, keepdim } }) => {
    const { selected } = extremeAlongDim(x, dim, keepdim, larger);
    return [mul(selected, expandReduced(g, x.shape, x.ndim === 0 ? [] : [dim], keepdim))];
  },
};

/** `max(x)` over all elements, or the values of `max(x, dim)` (the indices are not returned). */
export function max(x: Tensor, dim: number | null = null, keepdim = false): Tensor {
  if (dim === null) {
    if (x.numel === 0) {
      throw new ProblemError(
        'invalid-argument',
        "max(): Expected reduction dim to be specified for input.numel() == 0. Specify the reduction dim with the 'dim' argument.",
      );
    }
    return apply(MaxAll, [x], undefined);
  }
  const d = normalizeDim(dim, x.ndim);
  if (x.ndim > 0 && x.shape[d] === 0) {
    throw new ProblemError('invalid-argument', `max(): Expected reduction dim ${d} to have non-zero size.`);
  }
  return apply(MaxDim, [x], { dim: d, keepdim });
}

export default defineOp({
  name: 'max',
  summary: 'Maximum of all elements, or the maximum values along `dim` (keeping it with `keepdim=True`).',
  params: [
    { name: 'input', kind: 'tensor' },
    { name: 'dim', kind: 'int?', default: null },
    { name: 'keepdim', kind: 'bool', default: false },
  ],
  gradFns: ['MaxBackward1', 'MaxBackward0'],
  method: true,
  function: true,
  examples: [
    { args: [{ tensor: [2, 3] }] },
    { args: [{ tensor: [2, 3] }, 1] },
    { args: [{ tensor: [3, 4] }], kwargs: { dim: 0, keepdim: true } },
    { args: [{ tensor: [] }] },
  ],
  call: ({ input, dim, keepdim }): Value => max(input as Tensor, dim as number | null, keepdim as boolean),
});
