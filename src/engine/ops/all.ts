import { reduceNonzero } from '../logical_reduce.js';
import { defineOp, type Value } from '../op.js';
import type { Tensor } from '../tensor.js';

export default defineOp({
  name: 'all',
  summary: 'Whether every element is nonzero (True), over all elements or along `dim`, as a bool tensor.',
  params: [
    { name: 'input', kind: 'tensor' },
    { name: 'dim', kind: 'int?', default: null },
    { name: 'keepdim', kind: 'bool', default: false },
  ],
  gradFns: [],
  method: true,
  function: true,
  modules: ['torch', 'method'],
  noGradient: 'a bool result is not differentiable',
  call: ({ input, dim, keepdim }): Value => reduceNonzero(input as Tensor, dim as number | null, keepdim as boolean, 'all'),
});
