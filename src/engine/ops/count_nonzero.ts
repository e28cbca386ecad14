import { reduceNonzero } from '../logical_reduce.js';
import { defineOp, type Value } from '../op.js';
import type { Tensor } from '../tensor.js';

export default defineOp({
  name: 'count_nonzero',
  summary: 'How many elements are nonzero, over all elements or along `dim` (an int or a tuple), int64.',
  params: [
    { name: 'input', kind: 'tensor' },
    { name: 'dim', kind: 'int|tuple?', default: null },
  ],
  gradFns: [],
  method: true,
  function: true,
  modules: ['torch', 'method'],
  noGradient: 'a count is not differentiable',
  call: ({ input, dim }): Value => reduceNonzero(input as Tensor, dim as number | number[] | null, false, 'count'),
});
