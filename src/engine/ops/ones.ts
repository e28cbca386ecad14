import { DEFAULT_FLOAT } from '../dtype.js';
import { defineOp, type Value } from '../op.js';
import { dtypeOr, filledLeaf } from './zeros.js';

export default defineOp({
  name: 'ones',
  summary: 'A tensor of ones of the given size (float32 unless dtype= says otherwise).',
  params: [
    { name: 'size', kind: 'ints', variadic: true },
    { name: 'dtype', kind: 'dtype?', default: null, keywordOnly: true },
    { name: 'requires_grad', kind: 'bool', default: false, keywordOnly: true },
  ],
  gradFns: [],
  noGradient: 'it creates a constant',
  method: false,
  function: true,
  modules: ['torch'],
  call: ({ size, dtype, requires_grad }): Value => filledLeaf(size as number[], dtypeOr(dtype, DEFAULT_FLOAT), 1, requires_grad as boolean),
});
