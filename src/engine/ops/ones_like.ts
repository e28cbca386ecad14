import { defineOp, type Value } from '../op.js';
import type { Tensor } from '../tensor.js';
import { dtypeOr, filledLeaf } from './zeros.js';

export default defineOp({
  name: 'ones_like',
  summary: 'A tensor of ones with the shape (and, unless dtype= says otherwise, the dtype) of input; outside any graph.',
  params: [
    { name: 'input', kind: 'tensor' },
    { name: 'dtype', kind: 'dtype?', default: null, keywordOnly: true },
    { name: 'requires_grad', kind: 'bool', default: false, keywordOnly: true },
  ],
  gradFns: [],
  noGradient: 'it creates a constant (outside any graph)',
  method: false,
  function: true,
  modules: ['torch'],
  call: ({ input, dtype, requires_grad }): Value => {
    const like = input as Tensor;
    return filledLeaf(like.shape, dtypeOr(dtype, like.dtype), 1, requires_grad as boolean);
  },
});
