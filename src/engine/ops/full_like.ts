import { defineOp, type Value } from '../op.js';
import type { Tensor } from '../tensor.js';
import { dtypeOr, filledLeaf } from './zeros.js';

export default defineOp({
  name: 'full_like',
  summary: "A tensor with input's shape (and, unless dtype= says otherwise, its dtype) filled with fill_value; outside any graph.",
  params: [
    { name: 'input', kind: 'tensor' },
    { name: 'fill_value', kind: 'number' },
    { name: 'dtype', kind: 'dtype?', default: null, keywordOnly: true },
    { name: 'requires_grad', kind: 'bool', default: false, keywordOnly: true },
  ],
  gradFns: [],
  noGradient: 'it creates a constant (outside any graph)',
  method: false,
  function: true,
  modules: ['torch'],
  call: ({ input, fill_value, dtype, requires_grad }): Value => {
    const like = input as Tensor;
    return filledLeaf(like.shape, dtypeOr(dtype, like.dtype), fill_value as number, requires_grad as boolean);
  },
});
