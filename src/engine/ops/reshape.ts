import { defineOp, type Value } from '../op.js';
import type { Tensor } from '../tensor.js';
import { view } from './view.js';

/**
 * Tensors here are always contiguous, and reshape of a contiguous tensor is a
 * view: the node is ViewBackward0, as current PyTorch names it (1.13 said
 * ReshapeAliasBackward0).
 */
export function reshape(x: Tensor, shape: readonly number[]): Tensor {
  return view(x, shape);
}

export default defineOp({
  name: 'reshape',
  summary: 'The same elements in another shape (one dimension may be -1).',
  params: [
    { name: 'input', kind: 'tensor' },
    { name: 'shape', kind: 'int', variadic: true },
  ],
  gradFns: ['ViewBackward0'],
  method: true,
  function: true,
  examples: [{ args: [{ tensor: [2, 3] }, [3, -1]] }, { args: [{ tensor: [4] }, [2, 1, 2]] }],
  call: ({ input, shape }): Value => reshape(input as Tensor, shape as number[]),
});
