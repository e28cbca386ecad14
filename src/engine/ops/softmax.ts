import { apply, defineOp, type Primitive, type Value } from '../op.js';
import { normalizeDim } from '../kernels/reduce.js';
import { softmaxAlong } from '../kernels/softmax.js';
import type { TorchDType } from '../dtype.js';
import type { Tensor } from '../tensor.js';
import { toDtype } from './to.js';
import { mul } from './mul.js';
import { sub } from './sub.js';
import { sum } from './sum.js';

interface SoftmaxAttrs {
  dim: number;
}

// d softmax(x)_i/dx_j = y_i (δ_ij - y_j): grad_input = y * (g - sum(g * y, dim, keepdim=True)), from the saved result
const Softmax: Primitive<SoftmaxAttrs> = {
  gradFn: 'SoftmaxBackward0',
  forward: ([x], { dim }) => softmaxAlong(x, dim, false),
  backward: (g, { output, attrs: { dim } }) => [mul(output, sub(g, sum(mul(g, output), dim, true)))],
};

/**
 * The dim F.softmax, F.log_softmax and F.softmin pick when none is given
 * (PyTorch warns that this is deprecated): 0 for 0-, 1- and 3-dim inputs, else 1.
 */
export function implicitSoftmaxDim(ndim: number): number {
  return ndim === 0 || ndim === 1 || ndim === 3 ? 0 : 1;
}

/** exp(x) / sum(exp(x)) along `dim`, computed as exp(x - max) for stability. */
export function softmax(x: Tensor, dim: number): Tensor {
  return apply(Softmax, [x], { dim: normalizeDim(dim, x.ndim) });
}

export default defineOp({
  name: 'softmax',
  summary: 'exp(x) normalised to sum to 1 along `dim`.',
  params: [
    { name: 'input', kind: 'tensor' },
    { name: 'dim', kind: 'int?', default: null },
    // the input is converted to this dtype first (a ToCopyBackward0 node when it changes)
    { name: 'dtype', kind: 'dtype?', default: null },
  ],
  gradFns: ['SoftmaxBackward0'],
  method: true,
  function: true,
  modules: ['torch', 'method', 'torch.nn.functional', 'torch.special'],
  examples: [{ args: [{ tensor: [2, 3] }] }, { args: [{ tensor: [5] }, 0] }, { args: [{ tensor: [2, 3] }, 1] }, { args: [{ tensor: [3, 2] }], kwargs: { dim: 0 } }],
  call: ({ input, dim, dtype }): Value => {
    const x = dtype === null ? (input as Tensor) : toDtype(input as Tensor, (dtype as TorchDType).dtype);
    return softmax(x, (dim as number | null) ?? implicitSoftmaxDim(x.ndim));
  },
});
