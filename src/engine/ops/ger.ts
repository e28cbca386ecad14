import { defineOp, type Value } from '../op.js';
import type { Tensor } from '../tensor.js';
import { outer } from './outer.js';

/** torch.ger is torch.outer under its older name. */
export default defineOp({
  name: 'ger',
  summary: 'torch.ger: the outer product of two vectors (torch.outer).',
  params: [
    { name: 'input', kind: 'tensor' },
    { name: 'vec2', kind: 'tensor' },
  ],
  gradFns: ['MulBackward0', 'ReshapeAliasBackward0'],
  method: true,
  function: true,
  modules: ['torch', 'method'],
  examples: [{ args: [{ tensor: [2] }, { tensor: [3] }] }],
  call: ({ input, vec2 }): Value => outer(input as Tensor, vec2 as Tensor),
});
