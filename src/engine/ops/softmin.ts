import { defineOp, type Value } from '../op.js';
import type { TorchDType } from '../dtype.js';
import type { Tensor } from '../tensor.js';
import { toDtype } from './to.js';
import { neg } from './neg.js';
import { implicitSoftmaxDim, softmax } from './softmax.js';

/** F.softmin is Python: (-input).softmax(dim) (with dtype: (-input).softmax(dim, dtype=dtype)), so its nodes are SoftmaxBackward0 over NegBackward0. */
export function softmin(x: Tensor, dim: number): Tensor {
  return softmax(neg(x), dim);
}

export default defineOp({
  name: 'softmin',
  summary: 'softmax(-x) along `dim`: weights that favour the smallest entries.',
  params: [
    { name: 'input', kind: 'tensor' },
    { name: 'dim', kind: 'int?', default: null },
    // the input is converted to this dtype first (a ToCopyBackward0 node when it changes)
    { name: 'dtype', kind: 'dtype?', default: null },
  ],
  gradFns: ['SoftmaxBackward0'],
  method: false,
  function: true,
  modules: ['torch.nn.functional'],
  examples: [{ args: [{ tensor: [5] }, 0] }, { args: [{ tensor: [2, 3] }], kwargs: { dim: 1 } }],
  call: ({ input, dim, dtype }): Value => {
    const x = input as Tensor;
    const d = (dim as number | null) ?? implicitSoftmaxDim(x.ndim);
    return dtype === null ? softmin(x, d) : softmax(toDtype(neg(x), (dtype as TorchDType).dtype), d);
  },
});
