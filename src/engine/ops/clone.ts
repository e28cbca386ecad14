import { defineOp, type Value } from '../op.js';
import type { Tensor } from '../tensor.js';
import { cloneTensor } from './contiguous.js';

export default defineOp({
  name: 'clone',
  summary: 'A copy of the tensor with its own memory (CloneBackward0: the gradient passes through).',
  params: [
    { name: 'input', kind: 'tensor' },
    { name: 'memory_format', kind: 'any', default: null, keywordOnly: true },
  ],
  gradFns: ['CloneBackward0'],
  method: true,
  function: true,
  modules: ['torch', 'method'],
  examples: [{ args: [{ tensor: [2, 3] }] }],
  call: ({ input }): Value => cloneTensor(input as Tensor),
});
